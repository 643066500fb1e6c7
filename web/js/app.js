// boardwalk attendee / maintainer / organizer app (served at /e/<slug>), and the event list at /.
import {
  Store, find, participantName, slotsSorted, days, openSpaceRooms, sprintRooms, topicInCell,
  unscheduled, byVotes, projectAtTable, votesUsed, slotLabel, dayLabel, timeLabel, todayIn,
  zonedToUtcIso, emptyMe, normaliseMe, applyChangeToMe,
} from './board.js';
import { Connection, peekIdentity } from './conn.js';
import { Identities } from './identities.js';
import { h, replaceChildren, announce } from './dom.js';
import { friendly } from './errors.js';

const main = document.getElementById('main');

// ---------------------------------------------------------------- event list (/)

async function showEventList() {
  document.getElementById('conn').hidden = true;
  const box = h('section', { 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h' }, 'Pick your event'));
  main.replaceChildren(box);
  try {
    const res = await fetch('/api/events', { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const events = await res.json();
    if (!events.length) { box.append(h('p', null, 'No events yet.')); return; }
    box.append(h('ul', { class: 'cards' }, events.map((e) => h('li', { class: 'card' },
      h('h3', null, h('a', { href: `/e/${encodeURIComponent(e.slug)}` }, e.name || e.slug)),
      h('p', { class: 'meta' }, `${e.slug} · ${e.timezone || ''}${e.visibility === 'participants' ? ' · participants only' : ''}`),
      h('p', null, h('a', { href: `/lobby/${encodeURIComponent(e.slug)}` }, 'Lobby display'))))));
  } catch (err) {
    box.append(h('p', { class: 'error' }, `Could not load the events (${err.message}). Reload to try again.`));
  }
}

// ---------------------------------------------------------------- app state

let ui;

function startApp(slug) {
  const store = new Store(slug);
  const removedKey = `boardwalk:${slug}:removed`;
  const ids = new Identities(slug);
  ui = {
    slug, store, ids, removedKey,
    secret: ids.active() ? ids.active().secret : null, // the active identity's secret
    pendingJoin: null,      // {code} or {invite} from an organizer link / invitation: the next join uses it
    pendingTicket: null,    // from a #ticket=CODE link: prefills the ticket field
    ticketNeeded: false,    // the server said ticket_required (the board may not be readable yet)
    ask: null,              // a link that would change who this device is: asked first (askPanel)
    leftFor: null,          // secret of the identity set aside while a new one joins (Cancel returns to it)
    meId: null,             // participant id once joined / authenticated
    self: null,             // {id, name, role} of the active identity (plain attendees are not on the board)
    me: emptyMe(),          // {votes, projects}: this participant's own votes and sprint sign-ups
    orgPeople: null,        // organizer view: every participant, from list_participants
    attendees: new Map(),   // project id -> [{id, name}] from project_attendees (maintainers, organizers)
    ident: safeGet(removedKey) ? 'removed' : 'unknown', // unknown | need_name | joined | removed | auth_failed
    authedWs: null,
    errors: new Map(),      // action key -> message shown next to the action
    busy: new Set(),
    choice: new Map(),      // select key -> chosen value (survives re-render)
    shown: new Map(),       // key -> {label, url, note}: links shown once (invitation, organizer code)
    day: null,
    sprintDay: null,
    mode: window.matchMedia('(min-width: 720px)').matches ? 'grid' : 'list',
    filters: { skill: '', level: '', day: '', first: false },
    claimCell: null,        // {room, slot} when a free cell waits for a topic choice
    selected: null,         // scheduled topic opened from the schedule
    editing: null,          // id of the topic in the editor
    roleFilter: '',
    views: new Map(),
    current: null,
  };
  readHashSecrets();

  const conn = new Connection({
    slug, store,
    onStatus: showStatus,
    beforeSubscribe: identify,
    onReady() {
      // Lists only organizers / maintainers may read: refresh what may have changed while away.
      if (ui.orgPeople) refreshOrgPeople(true);
      for (const id of ui.attendees.keys()) refreshAttendees(id, true);
    },
    onNotJoined() {
      // A participants-only event: nothing of the board may be shown before joining.
      store.board = null;
      store.seq = 0;
      if (ui.ident !== 'removed' && ui.ident !== 'auth_failed') ui.ident = 'need_name';
      scheduleRender();
    },
    onClose(ev) {
      if (ev.code === 1008 && /removed by an organizer/i.test(ev.reason || '')) markRemoved();
    },
  });
  ui.conn = conn;
  window.boardwalk = { store, conn, get me() { return ui.me; }, get self() { return ui.self; }, ids };
  store.onChange((ch) => {
    if (ch && ch.kind) followChange(ch);
    scheduleRender();
  });
  window.addEventListener('hashchange', () => { readHashSecrets(); scheduleRender(true); });
  document.getElementById('nav').hidden = false;
  document.getElementById('title').textContent = slug;
  scheduleRender(true);
  conn.start();
}

function safeGet(k) { try { return localStorage.getItem(k); } catch { return null; } }
function safeSet(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } }

// What a public change means for this page beyond the board: our own role and `me`, and the
// private lists (organizer's people list, a project's attendees) that need a refresh.
function followChange(ch) {
  applyChangeToMe(ui.me, ch);
  const mine = ui.meId !== null;
  if (mine && ch.kind === 'participant_removed' && ch.participant_id === ui.meId) { markRemoved(); return; }
  if (mine && ch.kind === 'participant_role_set' && ch.participant_id === ui.meId) setOwnRole(ch.role);
  if (mine && ch.participant && ch.participant.id === ui.meId && ch.participant.role) setOwnRole(ch.participant.role);
  // Another organizer removed an organizer: say the old link stopped working (the one who
  // removed them sees the new link from the ack instead).
  const removing = [...ui.busy].some((k) => k.startsWith('remove:'));
  if (ch.kind === 'participant_removed' && ch.organizer_code_rotated && isOrganizer() && !removing && !ui.shown.has('o-code')) {
    ui.errors.set('o-code-note', 'An organizer was removed, so the organizer code changed: old organizer links no longer work. Rotate it here to get a link you can share.');
  }
  if (['participant_joined', 'participant_removed', 'participant_role_set', 'maintainer_added', 'project_created'].includes(ch.kind)) refreshOrgPeople();
  if (ch.kind === 'project_joined' || ch.kind === 'project_left') refreshAttendees(ch.project_id);
  if (ch.kind === 'participant_removed') for (const p of ch.projects || []) refreshAttendees(p.id);
}

function setOwnRole(role) {
  if (!ui.self || ui.self.role === role) return;
  ui.self.role = role;
  if (ui.secret) ui.ids.update(ui.secret, { role });
}

// An organizer removed this person: forget the secret (it no longer works), stay on the
// board read-only, and say so plainly instead of asking for a name or retrying auth.
function markRemoved() {
  if (ui.ident === 'removed' && ui.secret === null) return;
  if (ui.secret) ui.ids.forget(ui.secret);
  ui.secret = null;
  ui.meId = null;
  ui.self = null;
  ui.me = emptyMe();
  ui.orgPeople = null;
  ui.attendees.clear();
  ui.ident = 'removed';
  ui.authedWs = null;
  safeSet(ui.removedKey, '1');
  ui.errors.delete('join');
  announce('An organizer removed you from this event.');
  scheduleRender();
}

function clearRemoved() {
  safeSet(ui.removedKey, null);
  if (ui.ident === 'removed') ui.ident = 'unknown';
}

function identityLabel(x) {
  if (!x) return 'nobody';
  const name = x.name || 'an unnamed identity';
  return x.role && x.role !== 'attendee' ? `${name} (${x.role})` : name;
}

// #secret=… (a personal link), #code=… (organizer link), #invite=… (organizer invitation) and
// #ticket=… (prefills the ticket code). Each is removed from the address bar at once. A link
// that would make this device someone else never switches silently: it asks first (askPanel).
function readHashSecrets() {
  const hash = location.hash.slice(1);
  if (!hash.includes('=')) return;
  const params = new URLSearchParams(hash);
  const active = ui.ids.active();
  const clean = () => history.replaceState(null, '', `${location.pathname}#/spaces`);
  if (params.get('secret')) {
    const secret = params.get('secret');
    clean();
    if (!active || active.secret === secret) { useIdentity(secret); return; }
    const known = ui.ids.find(secret);
    ui.ask = { kind: 'secret', secret, state: known && known.name ? 'ready' : 'checking',
               name: known ? known.name : null, role: known ? known.role : null };
    peekIdentity(ui.slug, secret).then((p) => {
      if (!ui.ask || ui.ask.secret !== secret) return;
      Object.assign(ui.ask, { state: 'ready', name: p.name, role: p.role });
      scheduleRender();
    }, (e) => {
      if (!ui.ask || ui.ask.secret !== secret) return;
      ui.ask.state = e && e.code === 'bad_secret' ? 'invalid' : 'unknown';
      scheduleRender();
    });
    focusKey('ask-stay');
  } else if (params.get('code') || params.get('invite')) {
    const link = params.get('code') ? { code: params.get('code') } : { invite: params.get('invite') };
    clean();
    if (active && ui.ident !== 'removed') {
      ui.ask = Object.assign({ kind: link.code ? 'code' : 'invite' }, link);
      focusKey('ask-stay');
    } else {
      clearRemoved();
      ui.pendingJoin = link;
      ui.ident = 'need_name';
    }
  } else if (params.get('ticket')) {
    ui.pendingTicket = params.get('ticket');
    clean();
    if (ui.joinBox) ui.joinBox.prefill();
  }
}

// Make `secret` the active identity (the one before stays on the device) and sign in with it
// on a fresh connection.
function useIdentity(secret, known = {}) {
  clearRemoved();
  ui.ids.add(Object.assign({ secret }, known), true);
  ui.secret = secret;
  ui.pendingJoin = null;
  ui.leftFor = null;
  resetSelf();
  ui.ident = 'unknown';
  if (ui.conn) ui.conn.restart();
  scheduleRender();
}

function resetSelf() {
  ui.meId = null;
  ui.self = null;
  ui.me = emptyMe();
  ui.orgPeople = null;
  ui.attendees.clear();
  ui.authedWs = null;
  ui.shown.clear();
}

// Set the active identity aside (kept on the device) to join as a new one with a link.
function joinAsNew(link) {
  const active = ui.ids.active();
  ui.leftFor = active ? active.secret : null;
  ui.ids.deactivate();
  ui.secret = null;
  resetSelf();
  ui.pendingJoin = link;
  ui.ident = 'need_name';
  if (ui.conn) ui.conn.restart();
  scheduleRender();
  focusKey('join-name');
}

// Forget the active identity on this device (after the user confirmed). The others stay.
function forgetActive() {
  const active = ui.ids.active();
  if (!active) return;
  ui.ids.forget(active.secret);
  ui.secret = null;
  resetSelf();
  ui.choice.delete('forget');
  ui.ident = 'need_name';
  announce(`${active.name || 'This identity'} was forgotten on this device.`);
  if (ui.conn) ui.conn.restart();
  location.hash = '#/spaces';
  scheduleRender(true);
}

function showStatus(status) {
  const el = document.getElementById('conn');
  el.className = `conn conn-${status}`;
  const text = {
    online: 'Live', connecting: 'Connecting…', offline: 'Offline — reconnecting…',
    not_found: 'No such event', members_only: 'Participants only',
  }[status] || status;
  el.querySelector('.conn-text').textContent = text;
  if (status === 'not_found') {
    replaceChildren(main, h('section', { class: 'card' }, h('h2', null, 'No such event'),
      h('p', null, 'This link points to an event that does not exist. '), h('a', { href: '/' }, 'See all events')));
  }
  scheduleRender();
}

// On every new socket, before `subscribe`: present the active identity's secret (auth), or
// wait for a name. A participants-only event needs this order; it works for public ones too.
async function identify() {
  const ws = ui.conn.ws;
  if (ui.authedWs === ws) return;
  ui.authedWs = ws;
  const active = ui.ids.active();
  ui.secret = active ? active.secret : null;
  if (!ui.secret) {
    if (ui.ident !== 'removed') ui.ident = 'need_name';
    scheduleRender();
    return;
  }
  const secret = ui.secret;
  try {
    const ack = await ui.conn.send({ type: 'auth', event: ui.slug, secret });
    if (ui.secret !== secret) return; // switched meanwhile
    ui.meId = ack.participant.id;
    ui.self = { id: ack.participant.id, name: ack.participant.name, role: ack.participant.role };
    ui.me = normaliseMe(ack.me);
    ui.ident = 'joined';
    ui.errors.delete('auth');
    ui.ids.update(secret, ui.self);
  } catch (e) {
    if (ui.secret !== secret) return;
    if (e.code === 'bad_secret' || e.code === 'not_found') {
      // A revoked secret is bad_secret too: if the board says we were removed, say that.
      const was = active.id;
      const meP = was && B() ? find(B().participants, was) : null;
      if (meP && meP.removed) {
        markRemoved();
        return;
      }
      ui.ids.forget(secret);
      ui.secret = null;
      resetSelf();
      ui.ident = 'need_name';
      ui.errors.set('join', `We could not recognise ${active.name ? `“${active.name}”` : 'this device'} any more (the link may have been revoked). Please pick your name again.`);
    } else if (e.code === 'too_many_connections' || e.code === 'rate_limited') {
      // Not our fault and not permanent: say so, and try again on a fresh connection later.
      ui.ident = 'auth_failed';
      ui.errors.set('auth', friendly(e));
      const wait = e.code === 'rate_limited' ? Math.max(3000, (e.retryAfter || 0) * 1000) : 15000;
      setTimeout(() => { if (ui.conn.ws === ws && ui.secret === secret) ui.conn.restart(); }, wait);
    } else {
      ui.authedWs = null; // offline: try again on the next connection
    }
  }
  scheduleRender();
}

function needsTicket() {
  if (ui.pendingJoin) return false;
  if (ui.ticketNeeded) return true;
  return !!B() && B().event.join_mode === 'tickets';
}

async function join(name, ticket) {
  const msg = { type: 'join', event: ui.slug, name };
  const link = ui.pendingJoin;
  if (link && link.code) msg.code = link.code;
  else if (link && link.invite) msg.invite = link.invite;
  else if (needsTicket()) msg.ticket = ticket;
  ui.errors.delete('join');
  ui.busy.add('join');
  scheduleRender();
  try {
    const ack = await ui.conn.send(msg);
    clearRemoved();
    ui.ids.add({ secret: ack.secret, id: ack.participant.id, name: ack.participant.name, role: ack.participant.role }, true);
    ui.secret = ack.secret;
    ui.meId = ack.participant.id;
    ui.self = { id: ack.participant.id, name: ack.participant.name, role: ack.participant.role };
    ui.me = normaliseMe(ack.me);
    ui.ident = 'joined';
    ui.authedWs = ui.conn.ws;
    ui.pendingJoin = null;
    ui.pendingTicket = null;
    ui.leftFor = null;
    announce(`Welcome, ${ack.participant.name}.`);
    // A participants-only event: now that we joined, the board can be read.
    if (!ui.conn.subscribed) ui.conn.subscribe();
    if (link && ack.participant.role === 'organizer') location.hash = '#/organize';
  } catch (e) {
    let text = friendly(e);
    if (e.code === 'bad_secret' && link && link.code) text = 'This organizer link is not valid (any more). Ask an organizer for a fresh one, or cancel it to join as an attendee.';
    else if (e.code === 'bad_secret' && link && link.invite) text = 'This invitation is not valid or has been used already (each one works once). Ask an organizer for a new one.';
    else if (e.code === 'bad_secret' && msg.ticket !== undefined) text = 'That ticket code is not valid for this event. Check it (letters and digits as printed) and try again.';
    if (e.code === 'ticket_required') ui.ticketNeeded = true;
    ui.errors.set('join', text);
    announce(text);
  } finally {
    ui.busy.delete('join');
    scheduleRender();
  }
}

// Run a command; the result (or the server's reason for refusing) is shown next to `key`.
async function act(key, msg, okText) {
  if (!ui.meId) {
    ui.errors.set(key, 'Join the event with your name first (top of the page).');
    scheduleRender();
    return null;
  }
  ui.errors.delete(key);
  ui.busy.add(key);
  scheduleRender();
  try {
    const ack = await ui.conn.request(msg);
    // vote / unvote / join_project / leave_project answer with our own votes and sign-ups.
    if (ack && ack.me) ui.me = normaliseMe(ack.me);
    if (okText) announce(okText);
    return ack;
  } catch (e) {
    const text = friendly(e);
    ui.errors.set(key, text);
    announce(text);
    return null;
  } finally {
    ui.busy.delete(key);
    scheduleRender();
  }
}

function errorFor(key) {
  const msg = ui.errors.get(key);
  return msg ? h('p', { class: 'error', 'data-error-for': key }, h('span', { 'aria-hidden': 'true' }, '⚠ '), msg) : null;
}

// Busy buttons are aria-disabled, not disabled: a disabled button would drop keyboard focus.
function btn(key, label, onclick, extra = {}) {
  const busy = ui.busy.has(key);
  return h('button', Object.assign({ type: 'button', 'data-key': key, 'aria-disabled': busy ? 'true' : null,
    onclick: (e) => { if (!ui.busy.has(key)) onclick(e); } }, extra), label);
}

function setBusy(button, busy) {
  if (busy) button.setAttribute('aria-disabled', 'true'); else button.removeAttribute('aria-disabled');
}

// ---------------------------------------------------------------- helpers on the board

const B = () => ui.store.board;
function isOrganizer() { return ui.meId !== null && !!ui.self && ui.self.role === 'organizer'; }
function votedFor(t) { return ui.meId !== null && ui.me.votes.includes(t.id); }
function joinedProject(p) { return ui.meId !== null && ui.me.projects.includes(p.id); }
function canEditTopic(t) { return ui.meId !== null && (t.convener === ui.meId || isOrganizer()); }
function canEditProject(p) { return ui.meId !== null && (p.maintainers.includes(ui.meId) || isOrganizer()); }
function tz() { return B().event.timezone || 'UTC'; }
function roomName(id) { const r = find(B().rooms, id); return r ? r.name : `room ${id}`; }
function cellLabel(t) {
  const s = find(B().slots, t.slot_id);
  return s ? `${roomName(t.room_id)}, ${dayLabel(s.day)} ${slotLabel(s, tz())}` : roomName(t.room_id);
}
function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

// ---------------------------------------------------------------- private lists
// The public board names only conveners and maintainers. Organizers read everyone with
// list_participants, maintainers read who joined their project with project_attendees; both
// are refreshed after changes that may alter them, at most once per REFRESH_MS per list.

const REFRESH_MS = 1500;
const refreshers = new Map(); // key -> {inflight, last, timer, again}

function throttledRefresh(key, force, fn) {
  let r = refreshers.get(key);
  if (!r) { r = { inflight: false, last: 0, timer: null, again: false }; refreshers.set(key, r); }
  if (r.inflight) { r.again = true; return; }
  const wait = force ? 0 : r.last + REFRESH_MS - Date.now();
  if (wait > 0) {
    if (!r.timer) r.timer = setTimeout(() => { r.timer = null; throttledRefresh(key, true, fn); }, wait);
    return;
  }
  clearTimeout(r.timer);
  r.timer = null;
  r.inflight = true;
  r.last = Date.now();
  fn().finally(() => {
    r.inflight = false;
    if (r.again) { r.again = false; throttledRefresh(key, false, fn); }
  });
}

function loading(key) { const r = refreshers.get(key); return !!(r && (r.inflight || r.timer)); }

function refreshOrgPeople(force = false) {
  if (!isOrganizer() || !ui.conn || !ui.conn.subscribed) return;
  throttledRefresh('org-people', force, async () => {
    try {
      const ack = await ui.conn.request({ type: 'list_participants' });
      if (isOrganizer()) ui.orgPeople = Array.isArray(ack.participants) ? ack.participants : [];
      ui.errors.delete('o-people');
    } catch (e) {
      ui.errors.set('o-people', friendly(e));
    }
    scheduleRender();
  });
}

// `open`: the project page asks for the first time; otherwise only lists already shown refresh.
function refreshAttendees(projectId, force = false, open = false) {
  if (!open && !ui.attendees.has(projectId)) return;
  if (ui.meId === null || !ui.conn || !ui.conn.subscribed) return;
  const key = `pattend:${projectId}`;
  throttledRefresh(key, force, async () => {
    try {
      const ack = await ui.conn.request({ type: 'project_attendees', project_id: projectId });
      ui.attendees.set(projectId, Array.isArray(ack.attendees) ? ack.attendees : []);
      ui.errors.delete(key);
    } catch (e) {
      ui.errors.set(key, friendly(e));
    }
    scheduleRender();
  });
}

// Who joined a project, by name: only for its maintainers and organizers.
function attendeeList(p) {
  if (!canEditProject(p)) return null;
  const list = ui.attendees.get(p.id);
  const key = `pattend:${p.id}`;
  if (!list) {
    if (!loading(key) && !ui.errors.has(key)) refreshAttendees(p.id, true, true);
    return ui.errors.has(key) ? errorFor(key) : h('p', { class: 'meta' }, 'Loading who joined…');
  }
  return list.length ? h('ul', { class: 'people', 'aria-label': 'Who joined' }, [...list].sort((x, y) => x.name.localeCompare(y.name)).map((x) => h('li', null, x.name))) : null;
}

// ---------------------------------------------------------------- rendering

let renderQueued = false;
let forceMount = false;
function scheduleRender(remount = false) {
  if (remount) forceMount = true;
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, id] = hash.split('/');
  if (['spaces', 'sprints', 'me', 'organize', 'new-project'].includes(name)) return { name };
  if (name === 'project' && id) return { name: 'project', id: Number(id) };
  return { name: 'spaces' };
}

const VIEWS = {};

function render() {
  if (!ui) return;
  if (ui.conn && ui.conn.status === 'not_found') return;
  const b = B();
  const r = parseRoute();
  for (const a of document.querySelectorAll('#nav a')) {
    const on = a.dataset.view === r.name || (a.dataset.view === 'sprints' && (r.name === 'project' || r.name === 'new-project'));
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.getElementById('nav-organize').hidden = !isOrganizer();
  const who = document.getElementById('whoami');
  if (ui.self) {
    who.hidden = false;
    who.textContent = `You: ${identityLabel(ui.self)}`;
  } else who.hidden = true;
  if (!ui.joinBox) { ui.joinBox = joinPanel(); ui.askBox = askPanel(); }
  if (!b) {
    ui.current = null;
    if (ui.conn && ui.conn.status === 'members_only') {
      // Participants only: no board before joining; the join form (and any question) only.
      if (main.firstChild !== ui.askBox.el || main.lastChild !== ui.joinBox.el || main.children.length !== 2) main.replaceChildren(ui.askBox.el, ui.joinBox.el);
      ui.askBox.update();
      ui.joinBox.update();
      return;
    }
    if (!main.querySelector('.loading')) main.replaceChildren(ui.askBox.el, h('p', { class: 'loading' }, 'Loading the board…'));
    ui.askBox.update();
    return;
  }
  document.getElementById('title').textContent = b.event.name;
  document.title = `${b.event.name} · boardwalk`;

  const key = r.name === 'project' ? `project/${r.id}` : r.name;
  let view = ui.views.get(key);
  if (!view) {
    const make = VIEWS[r.name];
    view = make(r);
    ui.views.set(key, view);
  }
  const changedView = ui.current !== view;
  if (changedView) {
    ui.current = view;
    main.replaceChildren(ui.askBox.el, ui.joinBox.el, view.el);
    if (r.name === 'organize') refreshOrgPeople();
    if (forceMount && document.activeElement !== main && document.readyState === 'complete' && location.hash) {
      // Moving between sections: put focus on the new section heading for screen readers.
      const h2 = view.el.querySelector('h2');
      if (h2) { h2.setAttribute('tabindex', '-1'); h2.focus({ preventScroll: false }); }
    }
  }
  forceMount = false;
  ui.askBox.update();
  ui.joinBox.update();
  view.update();
}

// ---- asked before this device becomes someone else: a personal link of another identity,
// or an organizer link / invitation while already signed in (which would join a new person).
function askPanel() {
  const heading = h('h2', { id: 'ask-h' }, 'Switch identity?');
  const body = h('div');
  const el = h('section', { class: 'card ask', role: 'group', 'aria-labelledby': 'ask-h', hidden: true }, heading, body);
  return {
    el,
    update() {
      const a = ui.ask;
      el.hidden = !a;
      if (!a) { body.replaceChildren(); return; }
      const current = ui.self || ui.ids.active();
      const stay = btn('ask-stay', `Stay ${current && current.name ? current.name : 'as you are'}`, () => {
        ui.ask = null;
        announce(`You are still ${identityLabel(current)}.`);
        scheduleRender();
      }, { class: 'secondary' });
      const parts = [h('p', null, 'This device is signed in as ', h('strong', { class: 'ask-current' }, identityLabel(current)), '.')];
      if (a.kind === 'secret') {
        heading.textContent = 'Switch to another identity?';
        const other = a.state === 'ready' ? identityLabel({ name: a.name, role: a.role })
          : a.state === 'checking' ? 'a different identity (checking whose…)' : 'a different identity';
        if (a.state === 'invalid') {
          parts.push(h('p', { class: 'error' }, 'The personal link you opened is not valid (any more), so nothing changes.'),
            h('div', { class: 'row' }, btn('ask-stay', 'OK', () => { ui.ask = null; scheduleRender(); })));
        } else {
          parts.push(h('p', null, 'The personal link you opened belongs to ', h('strong', { class: 'ask-other' }, other), '.'),
            h('p', { class: 'meta' }, `Switching keeps ${current && current.name ? current.name : 'the current identity'} on this device: you can switch back under My day.`),
            h('div', { class: 'row' },
              btn('ask-switch', a.state === 'ready' ? `Switch to ${a.name}` : 'Switch to the other identity', () => {
                const known = a.state === 'ready' ? { name: a.name, role: a.role } : {};
                const secret = a.secret;
                ui.ask = null;
                useIdentity(secret, known);
                announce('Switched identity.');
              }),
              stay));
        }
      } else {
        const what = a.kind === 'code' ? 'an organizer link' : 'an organizer invitation';
        heading.textContent = 'Become an organizer as a new identity?';
        parts.push(h('p', null, `You opened ${what}. Using it joins this event as a new person with its own name and makes that person an organizer. `,
          current && current.name ? `${current.name} stays on this device: you can switch back under My day.` : ''),
        h('div', { class: 'row' },
          btn('ask-new', 'Become organizer as a new identity', () => {
            const link = a.kind === 'code' ? { code: a.code } : { invite: a.invite };
            ui.ask = null;
            joinAsNew(link);
          }),
          stay));
      }
      replaceChildren(body, parts);
    },
  };
}

// ---- the join panel (name form; organizer link; ticket code; removed / auth problems)
function joinPanel() {
  const input = h('input', { id: 'join-name', name: 'name', autocomplete: 'nickname', maxlength: 60, required: true,
                             'data-key': 'join-name' });
  const ticket = h('input', { id: 'join-ticket', name: 'ticket', autocomplete: 'off', autocapitalize: 'off',
                              spellcheck: 'false', maxlength: 200, 'aria-describedby': 'join-ticket-note',
                              value: ui.pendingTicket || '' });
  const ticketBox = h('div', { class: 'stack ticket-field' },
    h('label', { for: 'join-ticket' }, 'Ticket code'),
    h('p', { id: 'join-ticket-note', class: 'meta' }, 'This event is for ticket holders: type the code from your badge or ticket. Each code joins once.'),
    ticket);
  const note = h('p', { class: 'note' });
  const err = h('div');
  const button = h('button', { type: 'submit', 'data-key': 'join' }, 'Join');
  const form = h('form', { class: 'join', onsubmit: (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) { ui.errors.set('join', 'Please type a name (1–60 characters).'); scheduleRender(); input.focus(); return; }
    const code = ticket.value.trim();
    if (needsTicket() && !code) {
      ui.errors.set('join', 'Please type your ticket code too.'); scheduleRender(); ticket.focus(); return;
    }
    join(name, code);
  } },
  h('label', { for: 'join-name' }, 'Your name (shown next to what you propose, vote and join)'),
  h('div', { class: 'row' }, input), ticketBox, h('div', { class: 'row' }, button));
  const heading = h('h2', { id: 'join-h' }, 'Join this event');
  const removedBox = h('div', { class: 'removed', role: 'alert' });
  const membersNote = h('p', { class: 'note members-only' });
  const others = h('div', { class: 'others' });
  const el = h('section', { class: 'card joinbox', 'aria-labelledby': 'join-h' }, heading, membersNote, note, removedBox, form, err, others);
  return {
    el,
    prefill() { if (ui.pendingTicket) ticket.value = ui.pendingTicket; },
    update() {
      const removed = ui.ident === 'removed';
      const authProblem = ui.ident === 'auth_failed' && ui.errors.has('auth');
      const membersOnly = ui.conn.status === 'members_only' && !ui.self;
      el.hidden = !removed && !authProblem && !membersOnly && ui.ident !== 'need_name' && !ui.pendingJoin;
      if (ui.ident === 'unknown' && !ui.pendingJoin && !membersOnly) el.hidden = true;
      heading.textContent = removed ? 'You were removed from this event' : authProblem ? 'Could not sign you in' : 'Join this event';
      membersNote.hidden = !membersOnly || authProblem;
      membersNote.textContent = 'This event is for participants only: join with your name, or open your personal link, to see the board.';
      form.hidden = removed || authProblem;
      if (removed) {
        note.textContent = '';
        if (!removedBox.firstChild) {
          removedBox.append(h('p', null, 'An organizer removed you from this event. This device is signed out and your votes and sprint sign-ups were taken back.'),
            h('p', null, 'You can still read the board. If you think this is a mistake, talk to an organizer.'));
        }
      } else removedBox.replaceChildren();
      // Identities this device still holds (set aside earlier): continue as one of them.
      const kept = ui.ids.all().filter((x) => !x.active);
      const cancel = ui.leftFor && ui.ids.find(ui.leftFor);
      replaceChildren(others, !ui.self && kept.length ? [
        h('p', null, cancel ? 'Or keep being who you were on this device:' : 'Or continue as someone this device knows:'),
        h('div', { class: 'row' }, kept.map((x, i) => btn(`continue:${i}`, `Continue as ${identityLabel(x)}`, () => {
          announce(`You are ${identityLabel(x)} again.`);
          useIdentity(x.secret);
        }, { class: 'secondary' }))),
      ] : null);
      if (authProblem) { note.textContent = ''; replaceChildren(err, errorFor('auth')); return; }
      if (removed) { replaceChildren(err, null); return; }
      const link = ui.pendingJoin;
      note.textContent = link && link.code
        ? 'You opened an organizer link: joining here makes you an organizer of this event.'
        : link && link.invite
          ? 'You opened an organizer invitation: joining here makes you an organizer of this event (each invitation works once).'
          : 'No account or password: pick the name people will see. This device remembers you.';
      ticketBox.hidden = !needsTicket();
      ticket.required = needsTicket();
      setBusy(button, ui.busy.has('join') || (ui.conn.status !== 'online' && ui.conn.status !== 'members_only'));
      button.textContent = link ? 'Join as organizer' : 'Join';
      replaceChildren(err, errorFor('join'));
    },
  };
}

// ---------------------------------------------------------------- open spaces view

VIEWS.spaces = () => {
  const status = h('div', { class: 'status-lines' });
  const dayNav = h('div', { class: 'daytabs', role: 'group', 'aria-label': 'Day' });
  const modeNav = h('div', { class: 'modes', role: 'group', 'aria-label': 'Show schedule as' });
  const schedule = h('div', { class: 'schedule' });
  const chooser = h('div');
  const unsched = h('div');

  const title = h('input', { id: 'p-title', name: 'title', maxlength: 120, required: true, autocomplete: 'off' });
  const desc = h('textarea', { id: 'p-desc', name: 'description', maxlength: 2000, rows: 3 });
  const perr = h('div');
  const psubmit = h('button', { type: 'submit', 'data-key': 'propose' }, 'Propose');
  const proposeForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    const t = title.value.trim();
    if (!t) { ui.errors.set('propose', 'Give your topic a title.'); scheduleRender(); title.focus(); return; }
    const msg = { type: 'propose_topic', title: t };
    if (desc.value.trim()) msg.description = desc.value.trim();
    const ack = await act('propose', msg, `Proposed “${t}”.`);
    if (ack) { title.value = ''; desc.value = ''; propose.open = false; }
  } },
  h('label', { for: 'p-title' }, 'Title'), title,
  h('label', { for: 'p-desc' }, 'What is it about? (optional)'), desc,
  h('div', { class: 'row' }, psubmit), perr);
  const propose = h('details', { class: 'card propose' },
    h('summary', null, 'Propose a topic'), proposeForm);

  // One editor for the topic being edited: mounted once so typing survives live updates.
  const eTitle = h('input', { id: 'e-title', maxlength: 120, required: true, autocomplete: 'off' });
  const eDesc = h('textarea', { id: 'e-desc', maxlength: 2000, rows: 3 });
  const eErr = h('div');
  const eHead = h('h3', { id: 'edit-h', tabindex: -1 }, 'Edit topic');
  const editor = h('section', { class: 'card chooser', 'aria-labelledby': 'edit-h', hidden: true }, eHead,
    h('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      const id = ui.editing;
      const ack = await act(`edit:${id}`, { type: 'edit_topic', topic_id: id, title: eTitle.value.trim(), description: eDesc.value.trim() }, 'Topic saved.');
      if (ack) { ui.editing = null; scheduleRender(); }
    } },
    h('label', { for: 'e-title' }, 'New title'), eTitle,
    h('label', { for: 'e-desc' }, 'New description'), eDesc,
    h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { ui.editing = null; scheduleRender(); } }, 'Cancel'))),
    eErr);
  let editingShown = null;

  const el = h('section', { class: 'view', 'aria-labelledby': 'spaces-h' },
    h('h2', { id: 'spaces-h' }, 'Open spaces'),
    status, propose, editor,
    h('section', { 'aria-labelledby': 'sched-h' },
      h('div', { class: 'section-head' }, h('h3', { id: 'sched-h' }, 'Schedule'), modeNav),
      dayNav, chooser, schedule),
    h('section', { 'aria-labelledby': 'un-h' }, h('h3', { id: 'un-h' }, 'Not scheduled yet (most votes first)'), unsched));

  return { el, update() {
    const b = B();
    const allDays = days(b);
    if (!ui.day || !allDays.includes(ui.day)) {
      const today = todayIn(tz());
      ui.day = allDays.includes(today) ? today : (allDays.find((d) => d >= today) || allDays[0] || null);
    }
    // status lines: budget and locks
    const lines = [];
    if (ui.meId !== null && b.event.vote_cap > 0) {
      const left = Math.max(0, b.event.vote_cap - votesUsed(b, ui.me));
      lines.push(h('p', { class: 'budget', id: 'budget' }, `Votes left: ${left} of ${b.event.vote_cap}`));
    }
    if (b.event.proposals_locked) lines.push(h('p', { class: 'locked' }, '🔒 New proposals are closed by the organizers.'));
    if (b.event.voting_locked) lines.push(h('p', { class: 'locked' }, '🔒 Voting is closed by the organizers.'));
    replaceChildren(status, lines);
    setBusy(psubmit, ui.busy.has('propose'));
    replaceChildren(perr, errorFor('propose'));

    const editing = ui.editing ? find(b.topics, ui.editing) : null;
    editor.hidden = !editing;
    if (editing && editingShown !== editing.id) {
      editingShown = editing.id;
      eTitle.value = editing.title;
      eDesc.value = editing.description || '';
      eHead.textContent = `Edit “${editing.title}”`;
      requestAnimationFrame(() => eTitle.focus());
    }
    if (!editing) editingShown = null;
    replaceChildren(eErr, editing ? errorFor(`edit:${editing.id}`) : null);

    replaceChildren(dayNav, allDays.map((d) => h('button', {
      type: 'button', 'data-key': `day:${d}`, 'aria-pressed': String(d === ui.day),
      onclick: () => { ui.day = d; ui.claimCell = null; scheduleRender(); },
    }, dayLabel(d))));
    replaceChildren(modeNav, [['list', 'By time'], ['grid', 'Grid']].map(([m, label]) => h('button', {
      type: 'button', 'data-key': `mode:${m}`, 'aria-pressed': String(ui.mode === m),
      onclick: () => { ui.mode = m; scheduleRender(); },
    }, label)));

    const slots = slotsSorted(b).filter((s) => s.day === ui.day);
    const rooms = openSpaceRooms(b);
    if (!slots.length || !rooms.length) replaceChildren(schedule, h('p', null, 'No rooms or time slots yet.'));
    else replaceChildren(schedule, ui.mode === 'grid' ? gridView(rooms, slots) : listView(rooms, slots));
    replaceChildren(chooser, claimChooser(), selectedTopic());

    const list = unscheduled(b);
    replaceChildren(unsched, list.length
      ? h('ul', { class: 'cards' }, list.map((t) => h('li', null, topicCard(t))))
      : h('p', null, 'Nothing waiting: propose a topic!'));
  } };
};

// Topics this person could put into a free cell.
function claimCandidates() {
  const b = B();
  if (ui.meId === null) return [];
  // Own topics first, unscheduled before scheduled (moving), then by votes.
  return b.topics.filter((t) => (t.state === 'proposed' || t.state === 'scheduled') && canEditTopic(t))
    .sort((x, y) => (y.convener === ui.meId) - (x.convener === ui.meId)
      || (x.state === 'scheduled') - (y.state === 'scheduled') || byVotes(x, y));
}

function cellContent(room, slot) {
  const b = B();
  const key = `cell:${room.id}:${slot.id}`;
  const t = topicInCell(b, room.id, slot.id);
  const parts = [];
  if (t) {
    parts.push(h('a', { class: 'cell-topic', href: `#topic-${t.id}`, 'data-key': `celltopic:${t.id}`,
      onclick: (e) => { e.preventDefault(); showTopic(t.id); } }, t.title));
    parts.push(h('span', { class: 'votes' }, ` · ${plural(t.votes, 'vote', 'votes')}`));
    if (t.convener === ui.meId) parts.push(h('span', { class: 'tag' }, ' (yours)'));
  } else {
    parts.push(h('span', { class: 'free' }, 'Free'));
    const cands = claimCandidates();
    if (cands.length) {
      parts.push(' ', btn(key, 'Claim', () => {
        if (cands.length === 1) {
          ui.claimCell = null;
          act(key, { type: 'schedule_topic', topic_id: cands[0].id, room_id: room.id, slot_id: slot.id },
            `“${cands[0].title}” is now in ${room.name} at ${slotLabel(slot, tz())}.`);
        } else {
          ui.claimCell = { room: room.id, slot: slot.id };
          scheduleRender();
          requestAnimationFrame(() => { const s = document.getElementById('claim-topic'); if (s) s.focus(); });
        }
      }, { class: 'small', 'aria-label': `Claim ${room.name} at ${slotLabel(slot, tz())}` }));
    }
  }
  parts.push(errorFor(key));
  return parts;
}

function claimChooser() {
  if (!ui.claimCell) return null;
  const b = B();
  const room = find(b.rooms, ui.claimCell.room);
  const slot = find(b.slots, ui.claimCell.slot);
  if (!room || !slot) return null;
  const key = `cell:${room.id}:${slot.id}`;
  const cands = claimCandidates();
  const sel = h('select', { id: 'claim-topic', 'data-key': 'claim-topic' },
    cands.map((t) => h('option', { value: t.id }, t.title + (t.state === 'scheduled' ? ' (move here)' : ''))));
  return h('div', { class: 'card chooser', role: 'group', 'aria-labelledby': 'claim-h' },
    h('p', { id: 'claim-h' }, `Which topic goes in ${room.name}, ${dayLabel(slot.day)} ${slotLabel(slot, tz())}?`),
    h('label', { for: 'claim-topic', class: 'sr-only' }, 'Topic'), sel,
    h('div', { class: 'row' },
      btn(`${key}:go`, 'Claim this slot', async () => {
        const id = Number(sel.value);
        const ack = await act(key, { type: 'schedule_topic', topic_id: id, room_id: room.id, slot_id: slot.id },
          `Scheduled in ${room.name}.`);
        if (ack) { ui.claimCell = null; scheduleRender(); }
      }),
      btn('claim-cancel', 'Cancel', () => { ui.claimCell = null; scheduleRender(); }, { class: 'secondary' })),
    errorFor(key));
}

function gridView(rooms, slots) {
  return h('div', { class: 'grid-wrap', tabindex: 0, role: 'region', 'aria-label': 'Schedule grid (scrolls sideways)' },
    h('table', { class: 'grid' },
      h('caption', { class: 'sr-only' }, `Open spaces on ${dayLabel(ui.day)}: rooms across, times down`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Time'),
        rooms.map((r) => h('th', { scope: 'col' }, r.name, h('span', { class: 'cap' }, ` (${r.capacity})`))))),
      h('tbody', null, slots.map((s) => h('tr', null,
        h('th', { scope: 'row' }, slotLabel(s, tz())),
        rooms.map((r) => h('td', { class: topicInCell(B(), r.id, s.id) ? 'taken' : 'open' }, cellContent(r, s))))))));
}

function listView(rooms, slots) {
  return h('ol', { class: 'timeline' }, slots.map((s) => h('li', null,
    h('h4', null, slotLabel(s, tz())),
    h('ul', { class: 'cells' }, rooms.map((r) => h('li', { class: topicInCell(B(), r.id, s.id) ? 'taken' : 'open' },
      h('span', { class: 'room' }, r.name), ' ', cellContent(r, s)))))));
}

// Open a scheduled topic from the schedule: its card (votes, owner actions) shows above the grid.
function showTopic(id) {
  ui.selected = id;
  ui.claimCell = null;
  scheduleRender();
  requestAnimationFrame(() => { const el = document.getElementById(`topic-${id}`); if (el) { el.scrollIntoView({ block: 'nearest' }); el.focus(); } });
}

function selectedTopic() {
  const t = ui.selected ? find(B().topics, ui.selected) : null;
  if (!t || t.state !== 'scheduled') return null;
  return h('div', { class: 'selected' }, topicCard(t),
    btn('close-selected', 'Close', () => { ui.selected = null; scheduleRender(); }, { class: 'secondary small', 'aria-label': `Close ${t.title}` }));
}

function topicCard(t, opts = {}) {
  const b = B();
  const voted = votedFor(t);
  const vkey = `vote:${t.id}`;
  const actions = [];
  if (t.state === 'proposed' || t.state === 'scheduled') {
    actions.push(btn(vkey, voted ? 'Voted ✓ — undo' : 'Vote', () => act(vkey,
      { type: voted ? 'unvote' : 'vote', topic_id: t.id }, voted ? 'Vote removed.' : 'Voted.'),
    { 'aria-pressed': String(voted), class: voted ? 'voted' : '', 'aria-label': `${voted ? 'Remove your vote for' : 'Vote for'} ${t.title}` }));
  }
  if (canEditTopic(t) && (t.state === 'proposed' || t.state === 'scheduled') && !opts.compact) {
    const skey = `sched:${t.id}`;
    const free = freeCells(t);
    if (free.length) {
      const sel = h('select', { id: `sel-${t.id}`, 'data-key': `selcell:${t.id}`,
        onchange: (e) => ui.choice.set(skey, e.target.value) },
      free.map(({ room, slot }) => h('option', { value: `${room.id}:${slot.id}`, selected: ui.choice.get(skey) === `${room.id}:${slot.id}` },
        `${dayLabel(slot.day)} ${slotLabel(slot, tz())} · ${room.name}`)));
      actions.push(h('span', { class: 'pick' },
        h('label', { for: `sel-${t.id}`, class: 'sr-only' }, `Slot for ${t.title}`), sel,
        btn(skey, t.state === 'scheduled' ? 'Move' : 'Claim slot', () => {
          const [room_id, slot_id] = sel.value.split(':').map(Number);
          act(skey, { type: 'schedule_topic', topic_id: t.id, room_id, slot_id }, 'Scheduled.');
        })));
    }
    if (t.state === 'scheduled') {
      actions.push(btn(`unsched:${t.id}`, 'Release slot', () => act(`unsched:${t.id}`, { type: 'unschedule_topic', topic_id: t.id }, 'Slot released.'), { class: 'secondary' }));
    }
    actions.push(btn(`edit:${t.id}`, 'Edit', () => { ui.editing = t.id; scheduleRender(); }, { class: 'secondary', 'aria-label': `Edit ${t.title}` }));
    actions.push(btn(`withdraw:${t.id}`, 'Withdraw', () => {
      if (confirm(`Withdraw “${t.title}”? This cannot be undone.`)) act(`withdraw:${t.id}`, { type: 'withdraw_topic', topic_id: t.id }, 'Withdrawn.');
    }, { class: 'secondary danger' }));
  }
  return h('article', { class: `topic card state-${t.state}`, id: `topic-${t.id}`, tabindex: -1, 'aria-labelledby': `tt-${t.id}` },
    h('h4', { id: `tt-${t.id}`, class: 'topic-title' }, t.title),
    h('p', { class: 'meta' },
      h('span', { class: 'count' }, plural(t.votes, 'vote', 'votes')),
      ` · by ${participantName(b, t.convener)}`,
      t.convener === ui.meId ? ' (you)' : '',
      t.state === 'scheduled' ? ` · ${cellLabel(t)}` : '',
      t.state === 'hidden' ? ' · hidden by organizers' : ''),
    t.description ? h('p', { class: 'desc' }, t.description) : null,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    errorFor(vkey), errorFor(`sched:${t.id}`), errorFor(`unsched:${t.id}`), errorFor(`withdraw:${t.id}`));
}

function freeCells(t) {
  const b = B();
  const out = [];
  const rooms = openSpaceRooms(b);
  for (const slot of slotsSorted(b)) {
    if (ui.day && slot.day !== ui.day) continue;
    for (const room of rooms) if (!topicInCell(b, room.id, slot.id) && !(t.room_id === room.id && t.slot_id === slot.id)) out.push({ room, slot });
  }
  return out;
}

// ---------------------------------------------------------------- sprints

const LEVELS = { any: 'Any level', beginner: 'Beginner', intermediate: 'Intermediate', advanced: 'Advanced' };

function moreWanted(p) {
  if (p.capacity === null || p.capacity === undefined) return 'open to anyone';
  const n = p.capacity - p.attendee_count;
  return n > 0 ? `${n} more wanted` : 'full';
}

function tableText(p, day) {
  const room = p.tables[day];
  return room ? roomName(room) : 'no table yet';
}

VIEWS.sprints = () => {
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter projects', onsubmit: (e) => e.preventDefault() });
  const list = h('div');
  const count = h('p', { class: 'meta', role: 'status' });
  const el = h('section', { class: 'view', 'aria-labelledby': 'sprints-h' },
    h('div', { class: 'section-head' }, h('h2', { id: 'sprints-h' }, 'Sprints'),
      h('a', { class: 'button', href: '#/new-project' }, 'List your project')),
    filters, count, list);
  let mountedFilters = false;

  function mountFilters() {
    const b = B();
    const skills = [...new Set(b.projects.flatMap((p) => p.skills))].sort();
    const sel = (id, label, options, field) => {
      const s = h('select', { id, onchange: (e) => { ui.filters[field] = e.target.value; scheduleRender(); } },
        options.map(([v, t]) => h('option', { value: v, selected: ui.filters[field] === v }, t)));
      return h('div', { class: 'field' }, h('label', { for: id }, label), s);
    };
    filters.replaceChildren(
      sel('f-skill', 'Skill', [['', 'Any skill'], ...skills.map((s) => [s, s])], 'skill'),
      sel('f-level', 'Level', [['', 'Any level'], ...Object.entries(LEVELS).filter(([k]) => k !== 'any')], 'level'),
      sel('f-day', 'Day', [['', 'Any day'], ...b.event.sprint_days.map((d) => [d, dayLabel(d)])], 'day'),
      h('div', { class: 'field check' }, h('input', { type: 'checkbox', id: 'f-first', checked: ui.filters.first,
        onchange: (e) => { ui.filters.first = e.target.checked; scheduleRender(); } }),
      h('label', { for: 'f-first' }, 'First-time contributors welcome')));
    filters.dataset.skills = skills.join('\n');
  }

  return { el, update() {
    const b = B();
    const skills = [...new Set(b.projects.flatMap((p) => p.skills))].sort();
    if (!mountedFilters || filters.dataset.skills !== skills.join('\n')) { mountFilters(); mountedFilters = true; }
    const f = ui.filters;
    const shown = b.projects.filter((p) => (p.state === 'active' || (p.state === 'hidden' && isOrganizer()))
      && (!f.skill || p.skills.includes(f.skill))
      && (!f.level || p.level === f.level || p.level === 'any')
      && (!f.day || p.days.includes(f.day))
      && (!f.first || p.first_timers))
      .sort((x, y) => x.name.localeCompare(y.name));
    count.textContent = `${plural(shown.length, 'project', 'projects')} shown`;
    replaceChildren(list, shown.length ? h('ul', { class: 'cards' }, shown.map((p) => h('li', null, projectCard(p))))
      : h('p', null, 'No project matches these filters.'));
  } };
};

function projectCard(p) {
  const mine = joinedProject(p);
  return h('article', { class: 'card project', 'aria-labelledby': `pn-${p.id}` },
    h('h3', { id: `pn-${p.id}` }, h('a', { href: `#/project/${p.id}`, 'data-key': `plink:${p.id}` }, p.name)),
    h('p', { class: 'meta' }, LEVELS[p.level] || p.level,
      p.first_timers ? h('span', { class: 'badge' }, '★ first-timers welcome') : null,
      p.state === 'hidden' ? h('span', { class: 'badge warn' }, 'hidden') : null,
      mine ? h('span', { class: 'badge ok' }, '✓ you joined') : null),
    p.skills.length ? h('p', { class: 'skills' }, 'Help wanted: ', p.skills.join(', ')) : null,
    h('ul', { class: 'tables' }, p.days.map((d) => h('li', null, `${dayLabel(d)}: ${tableText(p, d)}`))),
    h('p', { class: 'meta' }, `${plural(p.attendee_count, 'person', 'people')} joined · ${moreWanted(p)}`));
}

VIEWS.project = (r) => {
  const body = h('div');
  const el = h('section', { class: 'view', 'aria-labelledby': `proj-h` },
    h('p', null, h('a', { href: '#/sprints' }, '← All projects')), body);
  const form = projectForm(r.id);
  let formOpen = false;
  return { el, update() {
    const b = B();
    const p = find(b.projects, r.id);
    if (!p) { replaceChildren(body, h('h2', { id: 'proj-h' }, 'Project not found')); return; }
    const joined = joinedProject(p);
    const jkey = `pjoin:${p.id}`;
    const parts = [
      h('h2', { id: 'proj-h' }, p.name),
      h('p', null, safeLink(p.repo_url)),
      h('p', { class: 'meta' }, LEVELS[p.level] || p.level,
        p.first_timers ? h('span', { class: 'badge' }, '★ first-timers welcome') : null,
        p.state !== 'active' ? h('span', { class: 'badge warn' }, p.state) : null),
      p.description ? h('p', { class: 'desc' }, p.description) : null,
      p.skills.length ? h('p', { class: 'skills' }, 'Help wanted with: ', p.skills.join(', ')) : null,
      h('h3', null, 'Where to find it'),
      p.days.length ? h('ul', { class: 'tables' }, p.days.map((d) => h('li', null, h('strong', null, dayLabel(d)), `: ${tableText(p, d)}`)))
        : h('p', null, 'No sprint days chosen yet.'),
      h('h3', null, 'People'),
      h('p', null, 'Maintainers: ', p.maintainers.map((id) => participantName(b, id)).join(', ') || 'none'),
      h('p', { id: 'joined-count' }, `${plural(p.attendee_count, 'person', 'people')} joined · ${moreWanted(p)}`),
      attendeeList(p),
    ];
    if (p.state === 'active') {
      parts.push(h('div', { class: 'actions' }, btn(jkey, joined ? 'Leave this project' : 'Join this project',
        () => act(jkey, { type: joined ? 'leave_project' : 'join_project', project_id: p.id }, joined ? 'You left.' : 'You joined.'),
        { class: joined ? 'secondary' : '' })), errorFor(jkey));
    }
    if (canEditProject(p) && p.state !== 'withdrawn') parts.push(maintainerTools(p));
    if (isOrganizer() && p.state !== 'withdrawn') {
      const k = `phide:${p.id}`;
      const hidden = p.state === 'hidden';
      parts.push(h('div', { class: 'actions' }, btn(k, hidden ? 'Unhide project' : 'Hide project (organizer)',
        () => act(k, { type: hidden ? 'unhide_project' : 'hide_project', project_id: p.id }, hidden ? 'Unhidden.' : 'Hidden.'),
        { class: 'secondary' })), errorFor(k));
    }
    if (canEditProject(p) && p.state !== 'withdrawn') {
      // A re-rendered <details open> fires 'toggle' again: fill the form only when it is opened,
      // not on every live update, or a change from someone else wipes what is being typed.
      const d = h('details', { class: 'card', open: formOpen, ontoggle: (e) => { const was = formOpen; formOpen = e.target.open; if (formOpen && !was) form.fill(p); } },
        h('summary', null, 'Edit project details'), form.el);
      parts.push(d);
    }
    replaceChildren(body, parts);
    form.update();
  } };
};

function safeLink(url) {
  if (typeof url === 'string' && /^https?:\/\//i.test(url)) return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, url);
  return h('span', null, url || '');
}

function maintainerTools(p) {
  const b = B();
  const rooms = sprintRooms(b);
  const box = h('section', { class: 'card tools', 'aria-labelledby': `mt-${p.id}` }, h('h3', { id: `mt-${p.id}` }, 'Maintainer tools'));
  const sprintDays = p.days.filter((d) => b.event.sprint_days.includes(d));
  if (!sprintDays.length) box.append(h('p', null, 'Pick one of the event’s sprint days for your project to claim a table.'));
  for (const d of sprintDays) {
    const key = `table:${p.id}:${d}`;
    const current = p.tables[d];
    const free = rooms.filter((r) => r.id === current || !projectAtTable(b, d, r.id));
    const sel = h('select', { id: `tsel-${p.id}-${d}`, 'data-key': `tsel:${p.id}:${d}`, onchange: (e) => ui.choice.set(key, e.target.value) },
      free.map((r) => h('option', { value: r.id, selected: String(ui.choice.get(key) ?? current) === String(r.id) }, `${r.name} (${r.capacity} seats)`)));
    box.append(h('div', { class: 'field' },
      h('label', { for: `tsel-${p.id}-${d}` }, `Table on ${dayLabel(d)}${current ? ` (now: ${roomName(current)})` : ''}`),
      h('div', { class: 'row' }, sel,
        btn(key, current ? 'Move here' : 'Claim table', () => act(key, { type: 'claim_table', project_id: p.id, day: d, room_id: Number(sel.value) }, 'Table claimed.')),
        current ? btn(`${key}:rel`, 'Release', () => act(key, { type: 'release_table', project_id: p.id, day: d }, 'Table released.'), { class: 'secondary' }) : null),
      errorFor(key)));
  }
  // Who can be added: an organizer picks from everyone (list_participants), a maintainer from
  // the people who joined the project (project_attendees); the public board lists neither.
  const pool = isOrganizer() ? ui.orgPeople : ui.attendees.get(p.id) || null;
  const others = (pool || []).filter((x) => !p.maintainers.includes(x.id) && !x.removed && x.role !== 'display')
    .sort((x, y) => x.name.localeCompare(y.name));
  if (!pool) {
    box.append(h('p', { class: 'meta' }, 'Loading the people you can add as co-maintainers…'));
    if (isOrganizer()) { if (!loading('org-people')) refreshOrgPeople(); } else if (!loading(`pattend:${p.id}`)) refreshAttendees(p.id, false, true);
  } else if (!others.length) {
    box.append(h('p', { class: 'meta' }, isOrganizer() ? 'Nobody else to add as a co-maintainer yet.'
      : 'Co-maintainers are picked from the people who joined this project: nobody to add yet.'));
  }
  if (others.length) {
    const mkey = `maint:${p.id}`;
    const sel = h('select', { id: `msel-${p.id}`, 'data-key': `msel:${p.id}`, onchange: (e) => ui.choice.set(mkey, e.target.value) },
      others.map((x) => h('option', { value: x.id, selected: ui.choice.get(mkey) === String(x.id) }, x.name)));
    box.append(h('div', { class: 'field' }, h('label', { for: `msel-${p.id}` }, 'Add a co-maintainer'),
      h('div', { class: 'row' }, sel, btn(mkey, 'Add', () => act(mkey, { type: 'add_maintainer', project_id: p.id, participant_id: Number(sel.value) }, 'Maintainer added.'))),
      errorFor(mkey)));
  }
  const wkey = `pwithdraw:${p.id}`;
  box.append(h('div', { class: 'actions' }, btn(wkey, 'Withdraw project', () => {
    if (confirm(`Withdraw “${p.name}”? Its tables are released and it cannot be undone.`)) act(wkey, { type: 'withdraw_project', project_id: p.id }, 'Project withdrawn.');
  }, { class: 'secondary danger' })), errorFor(wkey));
  return box;
}

// The create / edit form. projectId null = create.
function projectForm(projectId) {
  const id = (n) => `pf-${projectId || 'new'}-${n}`;
  const name = h('input', { id: id('name'), maxlength: 120, required: true });
  const repo = h('input', { id: id('repo'), type: 'url', maxlength: 300, required: true, placeholder: 'https://github.com/…' });
  const desc = h('textarea', { id: id('desc'), maxlength: 2000, rows: 4 });
  const skills = h('input', { id: id('skills'), placeholder: 'python, docs, testing' });
  const level = h('select', { id: id('level') }, Object.entries(LEVELS).map(([v, t]) => h('option', { value: v }, t)));
  const first = h('input', { id: id('first'), type: 'checkbox' });
  const capacity = h('input', { id: id('cap'), type: 'number', min: 1, max: 10000, inputmode: 'numeric' });
  const daysBox = h('fieldset', { class: 'days' });
  const err = h('div');
  const key = projectId ? `pedit:${projectId}` : 'pcreate';
  const submit = h('button', { type: 'submit', 'data-key': key }, projectId ? 'Save changes' : 'Create project');
  let hadCapacity = false;

  function renderDays(selected) {
    const b = B();
    daysBox.replaceChildren(h('legend', null, 'Sprint days'), ...b.event.sprint_days.map((d) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: id(`day-${d}`), value: d, checked: selected.includes(d) }),
      h('label', { for: id(`day-${d}`) }, dayLabel(d)))));
  }

  const el = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    const msg = {
      type: projectId ? 'edit_project' : 'create_project',
      name: name.value.trim(), repo_url: repo.value.trim(), description: desc.value.trim(),
      skills: skills.value.split(',').map((s) => s.trim()).filter(Boolean),
      level: level.value, first_timers: first.checked,
      days: [...daysBox.querySelectorAll('input:checked')].map((c) => c.value),
    };
    if (projectId) msg.project_id = projectId;
    if (capacity.value) msg.capacity = Number(capacity.value);
    else if (projectId && hadCapacity) msg.capacity = null;
    const ack = await act(key, msg, projectId ? 'Saved.' : 'Project created.');
    if (ack && !projectId) location.hash = `#/project/${ack.project_id}`;
  } },
  h('label', { for: id('name') }, 'Project name'), name,
  h('label', { for: id('repo') }, 'Repository URL'), repo,
  h('label', { for: id('desc') }, 'What do you need help with?'), desc,
  h('label', { for: id('skills') }, 'Skills wanted (comma separated, up to 10)'), skills,
  h('label', { for: id('level') }, 'Level'), level,
  h('div', { class: 'check' }, first, h('label', { for: id('first') }, 'First-time contributors welcome')),
  daysBox,
  h('label', { for: id('cap') }, 'How many sprinters can you take? (empty = no limit)'), capacity,
  h('div', { class: 'row' }, submit), err);

  return {
    el,
    fill(p) {
      name.value = p ? p.name : '';
      repo.value = p ? p.repo_url : '';
      desc.value = p ? p.description || '' : '';
      skills.value = p ? p.skills.join(', ') : '';
      level.value = p ? p.level : 'any';
      first.checked = p ? !!p.first_timers : true;
      capacity.value = p && p.capacity ? p.capacity : '';
      hadCapacity = !!(p && p.capacity);
      renderDays(p ? p.days : B().event.sprint_days);
    },
    update() {
      setBusy(submit, ui.busy.has(key));
      replaceChildren(err, errorFor(key));
    },
  };
}

VIEWS['new-project'] = () => {
  const form = projectForm(null);
  let filled = false;
  const el = h('section', { class: 'view', 'aria-labelledby': 'np-h' },
    h('p', null, h('a', { href: '#/sprints' }, '← All projects')),
    h('h2', { id: 'np-h' }, 'List your sprint project'),
    h('p', null, 'You become its maintainer: claim a table per day and see who joined.'), form.el);
  return { el, update() { if (!filled) { form.fill(null); filled = true; } form.update(); } };
};

// ---------------------------------------------------------------- my day

VIEWS.me = () => {
  const body = h('div');
  const el = h('section', { class: 'view', 'aria-labelledby': 'me-h' }, h('h2', { id: 'me-h' }, 'My day'), body);
  return { el, update() {
    const b = B();
    if (ui.meId === null) { replaceChildren(body, h('p', null, 'Join the event to see your own agenda here.'), deviceCard()); return; }
    const items = [];   // {day, start, el}
    const later = [];
    for (const t of b.topics) {
      const mine = t.convener === ui.meId;
      const voted = votedFor(t);
      if (!mine && !voted) continue;
      if (t.state !== 'proposed' && t.state !== 'scheduled') continue;
      const why = mine ? 'you convene' : 'you voted';
      if (t.state === 'scheduled') {
        const s = find(b.slots, t.slot_id);
        if (s) {
          items.push({ day: s.day, start: s.start, el: h('li', { class: 'agenda-item' },
            h('span', { class: 'when' }, slotLabel(s, tz())), ' ', h('strong', null, t.title),
            h('span', { class: 'meta' }, ` · ${roomName(t.room_id)} · ${why}`)) });
          continue;
        }
      }
      later.push(h('li', null, h('strong', null, t.title), h('span', { class: 'meta' }, ` · not scheduled yet · ${why} · ${plural(t.votes, 'vote', 'votes')}`)));
    }
    for (const p of b.projects) {
      if (p.state === 'withdrawn') continue;
      const maint = p.maintainers.includes(ui.meId);
      if (!maint && !joinedProject(p)) continue;
      for (const d of p.days) {
        items.push({ day: d, start: `${d}T99`, el: h('li', { class: 'agenda-item' },
          h('span', { class: 'when' }, 'Sprint'), ' ', h('a', { href: `#/project/${p.id}` }, p.name),
          h('span', { class: 'meta' }, ` · ${tableText(p, d)} · ${maint ? 'you maintain it' : 'you joined'}`)) });
      }
    }
    items.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    const byDay = new Map();
    for (const it of items) { if (!byDay.has(it.day)) byDay.set(it.day, []); byDay.get(it.day).push(it.el); }
    const parts = [];
    if (!items.length && !later.length) parts.push(h('p', null, 'Nothing yet: vote for topics, propose one, or join a sprint project.'));
    for (const [d, els] of [...byDay.entries()].sort()) parts.push(h('h3', null, dayLabel(d)), h('ul', { class: 'agenda' }, els));
    if (later.length) parts.push(h('h3', null, 'Not scheduled yet'), h('ul', { class: 'agenda' }, later));
    parts.push(personalLink(), deviceCard());
    replaceChildren(body, parts);
  } };
};

function personalLink() {
  if (!ui.secret) return null;
  const url = `${location.origin}/e/${encodeURIComponent(ui.slug)}#secret=${encodeURIComponent(ui.secret)}`;
  const input = h('input', { id: 'plink', readonly: true, value: url, 'data-key': 'plink' });
  return h('details', { class: 'card' }, h('summary', null, 'Continue on another device'),
    h('p', null, 'Open this personal link on your other device to be the same person there. Keep it to yourself: anyone with it can act as you.'),
    h('label', { for: 'plink' }, 'Your personal link'), h('div', { class: 'row' }, input,
      btn('copy-link', 'Copy', async () => {
        try { await navigator.clipboard.writeText(url); announce('Link copied.'); } catch { input.select(); }
      })));
}

// The identities this device holds for this event: switch between them, or forget the
// active one (sign out) after a confirmation that says what cannot be undone.
function deviceCard() {
  const all = ui.ids.all();
  if (!all.length) return null;
  const active = ui.ids.active();
  const items = all.map((x, i) => h('li', { class: 'identity' },
    h('strong', null, identityLabel(x)),
    x.active ? h('span', { class: 'badge ok' }, '✓ active on this device') : ' ',
    x.active ? null : btn(`switch:${i}`, `Switch to ${x.name || 'this identity'}`, () => {
      announce(`You are ${identityLabel(x)} now.`);
      useIdentity(x.secret);
    }, { class: 'secondary small' })));
  const parts = [h('h3', { id: 'device-h' }, 'This device'),
    h('p', { class: 'meta' }, 'The identities this device holds for this event. Switching keeps the others here.'),
    h('ul', { class: 'plain identities' }, items)];
  if (active) {
    const name = active.name || 'this identity';
    if (ui.choice.get('forget') === 'confirm') {
      parts.push(h('div', { class: 'confirm', role: 'group', 'aria-label': `Confirm forgetting ${name} on this device` },
        h('p', null, `Forget ${name} on this device? This cannot be undone unless you kept your personal link (“Continue on another device” above): without it this device cannot become ${name} again. Other devices where ${name} is signed in stay signed in, and what ${name} proposed, voted for and joined stays on the board.`),
        h('div', { class: 'row' },
          btn('forget', `Yes, forget ${name} here`, forgetActive, { class: 'danger' }),
          btn('forget:cancel', 'Cancel', () => { ui.choice.delete('forget'); scheduleRender(); focusKey('forget:ask'); }, { class: 'secondary' }))));
    } else {
      parts.push(h('div', { class: 'actions' }, btn('forget:ask', 'Sign out / forget this device', () => {
        ui.choice.set('forget', 'confirm');
        scheduleRender();
        focusKey('forget');
      }, { class: 'secondary danger' })));
    }
  }
  return h('section', { class: 'card device', 'aria-labelledby': 'device-h' }, parts);
}

// ---------------------------------------------------------------- organizer

VIEWS.organize = () => {
  const body = h('div');
  const el = h('section', { class: 'view', 'aria-labelledby': 'org-h' }, h('h2', { id: 'org-h' }, 'Organize'), body);
  const forms = organizerForms();
  return { el, update() {
    if (!isOrganizer()) { replaceChildren(body, h('p', null, 'Only organizers can use this page. Open the organizer link printed by the server to become one.')); return; }
    forms.update();
    if (!body.firstChild || body.firstChild !== forms.el) body.replaceChildren(forms.el);
  } };
};

function organizerForms() {
  // Settings
  const cap = h('input', { id: 'o-cap', type: 'number', min: 0, max: 1000, inputmode: 'numeric' });
  const capErr = h('div');
  const capForm = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); act('o-cap', { type: 'set_vote_cap', vote_cap: Number(cap.value || 0) }, 'Vote cap saved.'); } },
    h('label', { for: 'o-cap' }, 'Votes per person (0 = unlimited)'), cap, h('button', { type: 'submit', 'data-key': 'o-cap' }, 'Save'));
  const lockP = h('input', { type: 'checkbox', id: 'o-lock-p' });
  const lockV = h('input', { type: 'checkbox', id: 'o-lock-v' });
  const lockErr = h('div');
  const lockForm = h('form', { class: 'stack', onsubmit: (e) => { e.preventDefault(); act('o-lock', { type: 'set_locks', proposals: lockP.checked, voting: lockV.checked }, 'Locks saved.'); } },
    h('div', { class: 'check' }, lockP, h('label', { for: 'o-lock-p' }, 'Lock proposals (no new topics or projects)')),
    h('div', { class: 'check' }, lockV, h('label', { for: 'o-lock-v' }, 'Lock voting')),
    h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-lock' }, 'Save locks')));
  let settingsSeq = -1;

  // Rooms
  const rName = h('input', { id: 'o-room', maxlength: 120 });
  const rKind = h('select', { id: 'o-kind' }, h('option', { value: 'open_space' }, 'Open-space room'), h('option', { value: 'sprint' }, 'Sprint table / area'));
  const rCap = h('input', { id: 'o-rcap', type: 'number', min: 1, value: 20, inputmode: 'numeric' });
  const roomErr = h('div');
  const roomList = h('div');
  const roomForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    const ack = await act('o-room', { type: 'add_room', name: rName.value.trim(), kind: rKind.value, capacity: Number(rCap.value || 0) }, 'Room added.');
    if (ack) rName.value = '';
  } },
  h('label', { for: 'o-room' }, 'Room or table name'), rName,
  h('label', { for: 'o-kind' }, 'Kind'), rKind,
  h('label', { for: 'o-rcap' }, 'Capacity (people)'), rCap,
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-room' }, 'Add room')));

  // Slots
  const sDay = h('input', { id: 'o-day', type: 'date' });
  const sStart = h('input', { id: 'o-start', type: 'time', value: '11:00' });
  const sEnd = h('input', { id: 'o-end', type: 'time', value: '12:00' });
  const tzNote = h('p', { class: 'meta' });
  const slotErr = h('div');
  const slotList = h('div');
  const slotForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    if (!sDay.value || !sStart.value || !sEnd.value) { ui.errors.set('o-slot', 'Pick a day, a start and an end time.'); scheduleRender(); return; }
    const zone = tz();
    const ack = await act('o-slot', { type: 'add_slot', day: sDay.value, start: zonedToUtcIso(sDay.value, sStart.value, zone), end: zonedToUtcIso(sDay.value, sEnd.value, zone) }, 'Slot added.');
    if (ack) { sStart.value = sEnd.value; const [hh, mm] = sEnd.value.split(':').map(Number); sEnd.value = `${String((hh + 1) % 24).padStart(2, '0')}:${String(mm).padStart(2, '0')}`; }
  } },
  tzNote,
  h('label', { for: 'o-day' }, 'Day'), sDay,
  h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'o-start' }, 'Starts'), sStart),
    h('div', { class: 'field' }, h('label', { for: 'o-end' }, 'Ends'), sEnd)),
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-slot' }, 'Add slot')));

  const topicsBox = h('div');
  const projectsBox = h('div');
  const filter = h('input', { id: 'o-pfilter', type: 'search', placeholder: 'Filter by name', oninput: (e) => { ui.roleFilter = e.target.value; scheduleRender(); } });
  const peopleBox = h('div');
  const peopleCode = h('div', { 'aria-live': 'polite' });
  const links = h('p');

  // Joining: open or ticket-only, and read-only display links for lobby screens.
  const modeOpen = h('input', { type: 'radio', name: 'o-mode', id: 'o-mode-open', value: 'open' });
  const modeTickets = h('input', { type: 'radio', name: 'o-mode', id: 'o-mode-tickets', value: 'tickets' });
  const ticketCount = h('p', { id: 'o-tickets', class: 'meta' });
  const modeErr = h('div');
  let modeSeen = null;
  const modeForm = h('form', { class: 'stack', onsubmit: (e) => {
    e.preventDefault();
    const mode = modeTickets.checked ? 'tickets' : 'open';
    if (mode === B().event.join_mode) { ui.errors.set('o-mode', `Joining is already ${mode === 'open' ? 'open' : 'by ticket code only'}.`); scheduleRender(); return; }
    act('o-mode', { type: 'set_join_mode', mode }, mode === 'open' ? 'Anyone with the link can join now.' : 'Joining now needs a ticket code.');
  } },
  h('fieldset', null, h('legend', null, 'Who can join'),
    h('div', { class: 'check' }, modeOpen, h('label', { for: 'o-mode-open' }, 'Open: anyone with the link picks a name')),
    h('div', { class: 'check' }, modeTickets, h('label', { for: 'o-mode-tickets' }, 'Tickets: each join needs an unused ticket code'))),
  ticketCount,
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-mode' }, 'Save join mode')));
  const dName = h('input', { id: 'o-dname', maxlength: 60, placeholder: 'Lobby display', autocomplete: 'off' });
  const dErr = h('div');
  const dResult = h('div', { 'aria-live': 'polite' });
  const displayForm = h('form', { class: 'stack', onsubmit: async (e) => {
    e.preventDefault();
    const msg = { type: 'create_display' };
    if (dName.value.trim()) msg.name = dName.value.trim();
    const ack = await act('o-display', msg, 'Display link created.');
    if (!ack) return;
    dName.value = '';
    const url = `${location.origin}/lobby/${encodeURIComponent(ui.slug)}#secret=${encodeURIComponent(ack.secret)}`;
    const out = h('input', { id: 'o-dlink', readonly: true, value: url, 'data-key': 'o-dlink' });
    dResult.replaceChildren(h('div', { class: 'card created' },
      h('label', { for: 'o-dlink' }, `Display link for “${ack.participant.name}”`),
      h('div', { class: 'row' }, out, h('button', { type: 'button', 'data-key': 'o-dcopy', onclick: async () => {
        try { await navigator.clipboard.writeText(url); announce('Display link copied.'); } catch { out.select(); }
      } }, 'Copy')),
      h('p', { class: 'meta' }, 'Shown once: the server keeps only a fingerprint of it. Open it on the lobby screen now; it can read the board and change nothing. If you lose it, create a new one and remove the old display below.')));
    out.focus();
    out.select();
  } },
  h('label', { for: 'o-dname' }, 'Screen name (optional)'), dName,
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-display' }, 'Create lobby display link')));

  // Who may read the board, and how much one person may add.
  const visPublic = h('input', { type: 'radio', name: 'o-vis', id: 'o-vis-public', value: 'public' });
  const visMembers = h('input', { type: 'radio', name: 'o-vis', id: 'o-vis-participants', value: 'participants' });
  const visErr = h('div');
  let visSeen = null;
  const visForm = h('form', { class: 'stack', onsubmit: (e) => {
    e.preventDefault();
    const visibility = visMembers.checked ? 'participants' : 'public';
    act('o-vis', { type: 'set_visibility', visibility }, visibility === 'public' ? 'The board is public now.' : 'Only participants can read the board now.');
  } },
  h('fieldset', null, h('legend', null, 'Who can read the board'),
    h('div', { class: 'check' }, visPublic, h('label', { for: 'o-vis-public' }, 'Public: anyone with the address (vote counts only, never who voted)')),
    h('div', { class: 'check' }, visMembers, h('label', { for: 'o-vis-participants' }, 'Participants only: people who joined, and lobby screens with a display link'))),
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-vis' }, 'Save visibility')));
  const topicCap = h('input', { id: 'o-topic-cap', type: 'number', min: 0, max: 100, inputmode: 'numeric' });
  const projectCap = h('input', { id: 'o-project-cap', type: 'number', min: 0, max: 100, inputmode: 'numeric' });
  const capsErr = h('div');
  const capsForm = h('form', { class: 'stack', onsubmit: (e) => {
    e.preventDefault();
    act('o-caps', { type: 'set_caps', topic_cap: Number(topicCap.value || 0), project_cap: Number(projectCap.value || 0) }, 'Limits saved.');
  } },
  h('div', { class: 'row' },
    h('div', { class: 'field' }, h('label', { for: 'o-topic-cap' }, 'Topics per person (0 = no limit)'), topicCap),
    h('div', { class: 'field' }, h('label', { for: 'o-project-cap' }, 'Projects per person (0 = no limit)'), projectCap)),
  h('p', { class: 'meta' }, 'Counts live topics (proposed, scheduled or hidden) and active or hidden projects. Organizers have no limit.'),
  h('div', { class: 'row' }, h('button', { type: 'submit', 'data-key': 'o-caps' }, 'Save limits')));

  // Organizer links: single-use invitations, and rotating the reusable organizer code.
  const inviteErr = h('div');
  const inviteResult = h('div', { 'aria-live': 'polite' });
  const inviteBtn = btn('o-invite', 'Create organizer invitation', async () => {
    const ack = await act('o-invite', { type: 'create_invitation' }, 'Invitation created.');
    if (!ack) return;
    ui.shown.set('o-invite', { label: 'Invitation link (works once)', url: `${location.origin}/e/${encodeURIComponent(ui.slug)}#invite=${encodeURIComponent(ack.code)}`,
      note: 'Shown once: the server keeps only a fingerprint of it. Send it to one person; opening it lets them join as an organizer, then it stops working.' });
    scheduleRender();
    focusKey('o-invite-link');
  });
  const codeErr = h('div');
  const codeResult = h('div', { 'aria-live': 'polite' });
  const codeBox = h('div');

  const el = h('div', { class: 'org' },
    h('section', { class: 'card', 'aria-labelledby': 'o-set-h' }, h('h3', { id: 'o-set-h' }, 'Voting and locks'), capForm, capErr, lockForm, lockErr, links),
    h('section', { class: 'card', 'aria-labelledby': 'o-access-h' }, h('h3', { id: 'o-access-h' }, 'Access and limits'), visForm, visErr, capsForm, capsErr),
    h('section', { class: 'card', 'aria-labelledby': 'o-links-h' }, h('h3', { id: 'o-links-h' }, 'Organizer links'),
      h('p', null, 'Invite another organizer with a link that works once. The reusable organizer link can be replaced at any time: the old one stops working.'),
      h('div', { class: 'row' }, inviteBtn), inviteErr, inviteResult, codeBox, codeErr, codeResult),
    h('section', { class: 'card', 'aria-labelledby': 'o-join-h' }, h('h3', { id: 'o-join-h' }, 'Joining and lobby screens'),
      modeForm, modeErr, h('h4', null, 'Lobby display link'), displayForm, dErr, dResult),
    h('section', { class: 'card', 'aria-labelledby': 'o-rooms-h' }, h('h3', { id: 'o-rooms-h' }, 'Rooms and sprint tables'), roomList, roomForm, roomErr),
    h('section', { class: 'card', 'aria-labelledby': 'o-slots-h' }, h('h3', { id: 'o-slots-h' }, 'Days and time slots'), slotList, slotForm, slotErr),
    h('section', { class: 'card', 'aria-labelledby': 'o-topics-h' }, h('h3', { id: 'o-topics-h' }, 'Moderate topics'), topicsBox),
    h('section', { class: 'card', 'aria-labelledby': 'o-proj-h' }, h('h3', { id: 'o-proj-h' }, 'Moderate sprint projects'), projectsBox),
    h('section', { class: 'card', 'aria-labelledby': 'o-people-h' }, h('h3', { id: 'o-people-h' }, 'People and roles'),
      peopleCode, h('label', { for: 'o-pfilter' }, 'Find a person'), filter, peopleBox));

  return { el, update() {
    const b = B();
    if (settingsSeq < 0 || document.activeElement !== cap) cap.value = b.event.vote_cap;
    if (!ui.busy.has('o-lock')) { lockP.checked = b.event.proposals_locked; lockV.checked = b.event.voting_locked; }
    settingsSeq = ui.store.seq;
    replaceChildren(capErr, errorFor('o-cap'));
    replaceChildren(lockErr, errorFor('o-lock'));
    replaceChildren(roomErr, errorFor('o-room'));
    replaceChildren(slotErr, errorFor('o-slot'));
    replaceChildren(modeErr, errorFor('o-mode'));
    replaceChildren(dErr, errorFor('o-display'));
    replaceChildren(visErr, errorFor('o-vis'));
    replaceChildren(capsErr, errorFor('o-caps'));
    replaceChildren(inviteErr, errorFor('o-invite'));
    replaceChildren(codeErr, errorFor('o-code'), errorFor('o-code-note'));
    const vis = b.event.visibility || 'public';
    if (visSeen !== vis && !ui.busy.has('o-vis')) { visPublic.checked = vis === 'public'; visMembers.checked = vis === 'participants'; visSeen = vis; }
    if (document.activeElement !== topicCap && !ui.busy.has('o-caps')) topicCap.value = b.event.topic_cap ?? 0;
    if (document.activeElement !== projectCap && !ui.busy.has('o-caps')) projectCap.value = b.event.project_cap ?? 0;
    replaceChildren(inviteResult, shownLink('o-invite'));
    const codeShown = ui.shown.get('o-code');
    replaceChildren(codeResult, codeShown && codeShown.where !== 'people' ? shownLink('o-code') : null);
    replaceChildren(peopleCode, codeShown && codeShown.where === 'people' ? shownLink('o-code') : null);
    replaceChildren(codeBox, ui.choice.get('o-rotate') === 'confirm'
      ? h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm replacing the organizer link' },
        h('p', null, 'Replace the organizer link? Everyone who has the old one can no longer use it to become an organizer (organizers who already joined stay organizers).'),
        h('div', { class: 'row' },
          btn('o-rotate', 'Yes, replace it', async () => {
            const ack = await act('o-code', { type: 'rotate_organizer_code' }, 'New organizer link created.');
            ui.choice.delete('o-rotate');
            if (ack && ack.code) { ui.errors.delete('o-code-note'); showOrganizerCode(ack.code, 'links', 'The old organizer link no longer works.'); }
            scheduleRender();
          }, { class: 'danger' }),
          btn('o-rotate:cancel', 'Cancel', () => { ui.choice.delete('o-rotate'); scheduleRender(); focusKey('o-rotate:ask'); }, { class: 'secondary' })))
      : h('div', { class: 'row' }, btn('o-rotate:ask', 'Replace the organizer link', () => { ui.choice.set('o-rotate', 'confirm'); scheduleRender(); focusKey('o-rotate'); }, { class: 'secondary' })));
    const mode = b.event.join_mode || 'open';
    // Follow the board unless the organizer is in the middle of choosing.
    if (modeSeen !== mode && !ui.busy.has('o-mode')) { modeOpen.checked = mode === 'open'; modeTickets.checked = mode === 'tickets'; modeSeen = mode; }
    const tk = b.event.tickets || { total: 0, used: 0 };
    ticketCount.textContent = `Now: ${mode === 'tickets' ? 'ticket holders only' : 'open to anyone with the link'}. Tickets used: ${tk.used} of ${tk.total}.`
      + (tk.total === 0 ? ` Add codes on the server with: boardwalk tickets ${ui.slug} FILE` : '');
    replaceChildren(links, 'Lobby display: ', h('a', { href: `/lobby/${encodeURIComponent(ui.slug)}` }, `/lobby/${ui.slug}`),
      ' · Board as JSON: ', h('a', { href: `/api/events/${encodeURIComponent(ui.slug)}` }, 'snapshot'));
    tzNote.textContent = `Times are in the event’s time zone (${tz()}).`;
    if (!sDay.value) sDay.value = days(b).slice(-1)[0] || todayIn(tz());

    replaceChildren(roomList, b.rooms.length ? h('ul', { class: 'plain' }, b.rooms.map((r) => h('li', null,
      h('strong', null, r.name), ` · ${r.kind === 'sprint' ? 'sprint table' : 'open space'} · ${r.capacity} people`))) : h('p', null, 'No rooms yet.'));
    const byDay = new Map();
    for (const s of slotsSorted(b)) { if (!byDay.has(s.day)) byDay.set(s.day, []); byDay.get(s.day).push(slotLabel(s, tz())); }
    replaceChildren(slotList, byDay.size ? h('ul', { class: 'plain' }, [...byDay.entries()].map(([d, l]) => h('li', null, h('strong', null, dayLabel(d)), `: ${l.join(', ')}`)))
      : h('p', null, 'No slots yet.'));
    if (b.event.sprint_days.length) slotList.append(h('p', { class: 'meta' }, `Sprint days: ${b.event.sprint_days.map(dayLabel).join(', ')}`));

    // topics
    const topics = b.topics.filter((t) => t.state !== 'withdrawn').sort((x, y) => x.id - y.id);
    const live = topics.filter((t) => t.state === 'proposed' || t.state === 'scheduled');
    replaceChildren(topicsBox, topics.length ? h('ul', { class: 'plain modlist' }, topics.map((t) => {
      const hkey = `hide:${t.id}`;
      const mkey = `merge:${t.id}`;
      const row = [h('strong', null, t.title), h('span', { class: 'meta' }, ` · #${t.id} · ${t.state}${t.state === 'merged' ? ` into #${t.merged_into}` : ''} · ${plural(t.votes, 'vote', 'votes')} · by ${participantName(b, t.convener)}`)];
      const acts = [];
      if (t.state === 'hidden') acts.push(btn(hkey, 'Unhide', () => act(hkey, { type: 'unhide_topic', topic_id: t.id }, 'Unhidden.')));
      else if (t.state !== 'merged') acts.push(btn(hkey, 'Hide', () => act(hkey, { type: 'hide_topic', topic_id: t.id }, 'Hidden.'), { class: 'secondary', 'aria-label': `Hide ${t.title}` }));
      const targets = live.filter((x) => x.id !== t.id);
      if (t.state !== 'merged' && t.state !== 'hidden' && targets.length) {
        const sel = h('select', { id: `msel-t-${t.id}`, 'data-key': `mselt:${t.id}`, onchange: (e) => ui.choice.set(mkey, e.target.value) },
          targets.map((x) => h('option', { value: x.id, selected: ui.choice.get(mkey) === String(x.id) }, `#${x.id} ${x.title}`)));
        acts.push(h('label', { for: `msel-t-${t.id}`, class: 'inline' }, 'Merge into'), sel,
          btn(mkey, 'Merge', () => act(mkey, { type: 'merge_topic', topic_id: t.id, into_topic_id: Number(sel.value) }, 'Merged.'), { class: 'secondary', 'aria-label': `Merge ${t.title} into the chosen topic` }));
      }
      return h('li', null, row, h('div', { class: 'actions' }, acts), errorFor(hkey), errorFor(mkey));
    })) : h('p', null, 'No topics yet.'));

    const projects = b.projects.filter((p) => p.state !== 'withdrawn');
    replaceChildren(projectsBox, projects.length ? h('ul', { class: 'plain modlist' }, projects.map((p) => {
      const k = `phide:${p.id}`;
      const hidden = p.state === 'hidden';
      return h('li', null, h('a', { href: `#/project/${p.id}` }, p.name), h('span', { class: 'meta' }, ` · ${p.state} · ${plural(p.attendee_count, 'sprinter', 'sprinters')}`),
        h('div', { class: 'actions' }, btn(k, hidden ? 'Unhide' : 'Hide', () => act(k, { type: hidden ? 'unhide_project' : 'hide_project', project_id: p.id }, hidden ? 'Unhidden.' : 'Hidden.'), { class: 'secondary', 'aria-label': `${hidden ? 'Unhide' : 'Hide'} ${p.name}` })),
        errorFor(k));
    })) : h('p', null, 'No projects yet.'));

    const q = ui.roleFilter.trim().toLowerCase();
    if (!ui.orgPeople) {
      if (!loading('org-people') && !ui.errors.has('o-people')) refreshOrgPeople();
      replaceChildren(peopleBox, errorFor('o-people') || h('p', { class: 'meta' }, 'Loading the people list…'));
      return;
    }
    const people = ui.orgPeople.filter((p) => !q || p.name.toLowerCase().includes(q)).sort((x, y) => x.name.localeCompare(y.name));
    const shown = people.slice(0, 40);
    replaceChildren(peopleBox, errorFor('o-people'), h('p', { class: 'meta' }, `${plural(people.length, 'person', 'people')}${people.length > shown.length ? `, showing ${shown.length}: type to narrow down` : ''}`),
      h('ul', { class: 'plain modlist' }, shown.map((p) => personRow(p))));
  } };
}

// A link the server gives once (invitation, new organizer code): shown with a Copy button
// until the page is reloaded.
function shownLink(key) {
  const s = ui.shown.get(key);
  if (!s) return null;
  const id = `${key}-link`;
  const out = h('input', { id, readonly: true, value: s.url, 'data-key': id });
  return h('div', { class: 'card created', 'data-shown': key },
    s.lead ? h('p', null, s.lead) : null,
    h('label', { for: id }, s.label),
    h('div', { class: 'row' }, out, btn(`${key}-copy`, 'Copy', async () => {
      try { await navigator.clipboard.writeText(s.url); announce('Link copied.'); } catch { out.select(); }
    }, { 'aria-label': `Copy ${s.label}` })),
    h('p', { class: 'meta' }, s.note));
}

function showOrganizerCode(code, where, lead) {
  ui.shown.set('o-code', { where, lead, label: 'New organizer link',
    url: `${location.origin}/e/${encodeURIComponent(ui.slug)}#code=${encodeURIComponent(code)}`,
    note: 'Shown once: the server keeps only a fingerprint of it. Share it only with people who should organize this event; an invitation (works once) is safer.' });
  ui.errors.delete('o-code-note');
  announce('The organizer link changed; the new one is shown once.');
  scheduleRender();
  focusKey('o-code-link');
}

// One person in the organizer's list: role, and Remove (asks first; never yourself).
function personRow(p) {
  const k = `role:${p.id}`;
  const rk = `remove:${p.id}`;
  const who = `${p.name} #${p.id}`;
  const label = [p.name, h('span', { class: 'meta' }, ` #${p.id}`), p.id === ui.meId ? ' (you)' : ''];
  if (p.removed) {
    return h('li', { class: 'person removed-person' }, h('span', { class: 'pname' }, label), ' ',
      h('span', { class: 'tag' }, p.role === 'display' ? 'display screen · removed' : 'removed'));
  }
  const parts = [];
  if (p.role === 'display') {
    parts.push(h('span', { class: 'pname' }, label), ' ', h('span', { class: 'tag' }, 'display screen (read-only)'));
  } else {
    const sel = h('select', { id: `role-${p.id}`, 'data-key': `rolesel:${p.id}`, onchange: (e) => ui.choice.set(k, e.target.value) },
      ['attendee', 'maintainer', 'organizer'].map((r) => h('option', { value: r, selected: (ui.choice.get(k) || p.role) === r }, r)));
    parts.push(h('label', { for: `role-${p.id}` }, label), ' ', sel,
      btn(k, 'Set role', async () => {
        const ack = await act(k, { type: 'set_role', participant_id: p.id, role: sel.value }, 'Role set.');
        if (ack && ack.code) showOrganizerCode(ack.code, 'people', `${p.name} is no longer an organizer, so the organizer code changed: the old organizer link no longer works.`);
        if (ack) refreshOrgPeople(true);
      }, { class: 'secondary', 'aria-label': `Set role of ${who}` }));
  }
  if (p.id !== ui.meId) {
    if (ui.choice.get(rk) === 'confirm') {
      parts.push(h('div', { class: 'confirm', role: 'group', 'aria-label': `Confirm removing ${who}` },
        h('p', null, `Remove ${p.name}? Their device links stop working at once, their open pages are signed out, and their votes and sprint sign-ups are taken back. This cannot be undone.`),
        h('div', { class: 'row' },
          btn(rk, 'Yes, remove', async () => {
            const ack = await act(rk, { type: 'remove_participant', participant_id: p.id }, `${p.name} was removed.`);
            if (ack) { ui.choice.delete(rk); refreshOrgPeople(true); }
            if (ack && ack.code) showOrganizerCode(ack.code, 'people', `${p.name} was an organizer, so the organizer code changed: the old organizer link and ${p.name}’s invitations no longer work.`);
          }, { class: 'danger', 'aria-label': `Yes, remove ${who}` }),
          btn(`${rk}:cancel`, 'Cancel', () => { ui.choice.delete(rk); scheduleRender(); focusKey(`${rk}:ask`); }, { class: 'secondary' }))));
    } else {
      parts.push(btn(`${rk}:ask`, 'Remove', () => { ui.errors.delete(rk); ui.choice.set(rk, 'confirm'); scheduleRender(); focusKey(rk); },
        { class: 'secondary', 'aria-label': `Remove ${who}` }));
    }
  }
  return h('li', { class: 'person' }, parts, errorFor(k), errorFor(rk));
}

function focusKey(key) {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const el = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (el) el.focus();
  }));
}

// ---------------------------------------------------------------- start (after every declaration above)
const route = location.pathname.match(/^\/e\/([^/]+)\/?$/);
if (route) startApp(decodeURIComponent(route[1]));
else showEventList();
