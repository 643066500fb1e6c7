// The identities this device holds for one event, kept in localStorage under
// `boardwalk:<slug>:identities` as [{secret, id, name, role, active}], at most one active.
// Opening someone else's personal link or an organizer link adds an identity (after asking)
// instead of replacing the old one, so earlier identities stay recoverable; only an explicit
// "forget" (sign out) or a secret the server no longer knows removes one.

function safeGet(k) { try { return localStorage.getItem(k); } catch { return null; } }
function safeSet(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } }

export class Identities {
  constructor(slug) {
    this.key = `boardwalk:${slug}:identities`;
    this.list = [];
    try {
      const raw = JSON.parse(safeGet(this.key) || '[]');
      if (Array.isArray(raw)) this.list = raw.filter((x) => x && typeof x.secret === 'string' && x.secret);
    } catch { this.list = []; }
    // Pages before this one kept a single secret per event: carry it over as the active one.
    const legacy = safeGet(`boardwalk:${slug}:secret`);
    if (legacy) {
      if (!this.find(legacy)) {
        const id = Number(safeGet(`boardwalk:${slug}:me`)) || null;
        for (const x of this.list) x.active = false;
        this.list.push({ secret: legacy, id, name: safeGet(`boardwalk:${slug}:name`) || null, role: null, active: true });
      }
      safeSet(`boardwalk:${slug}:secret`, null);
      safeSet(`boardwalk:${slug}:me`, null);
      this.save();
    }
  }

  save() { safeSet(this.key, this.list.length ? JSON.stringify(this.list) : null); }

  all() { return this.list; }

  find(secret) { return this.list.find((x) => x.secret === secret) || null; }

  active() { return this.list.find((x) => x.active) || null; }

  others() { return this.list.filter((x) => !x.active); }

  // Add (or update) an identity; with activate, it becomes the active one (the others stay).
  add(entry, activate = true) {
    let x = this.find(entry.secret);
    if (!x) {
      x = { secret: entry.secret, id: null, name: null, role: null, active: false };
      this.list.push(x);
    }
    for (const k of ['id', 'name', 'role']) if (entry[k] !== undefined && entry[k] !== null) x[k] = entry[k];
    if (activate) for (const y of this.list) y.active = y === x;
    this.save();
    return x;
  }

  update(secret, fields) {
    const x = this.find(secret);
    if (!x) return;
    for (const k of ['id', 'name', 'role']) if (fields[k] !== undefined && fields[k] !== null) x[k] = fields[k];
    this.save();
  }

  activate(secret) {
    if (!this.find(secret)) return false;
    for (const y of this.list) y.active = y.secret === secret;
    this.save();
    return true;
  }

  // No identity active (the device acts as nobody until one is chosen or a new one joins).
  deactivate() {
    for (const y of this.list) y.active = false;
    this.save();
  }

  forget(secret) {
    this.list = this.list.filter((x) => x.secret !== secret);
    this.save();
  }
}
