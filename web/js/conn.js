// One WebSocket connection to boardwalk, shared by the attendee app and the lobby.
// - splits every server frame on "\n" (JSON Lines) and handles each message in order;
// - on every (re)connect first identifies (beforeSubscribe: `auth` with the stored secret,
//   which a `participants`-only event needs), then subscribes with `since` = last seq, so the
//   page resyncs exactly;
// - reconnects forever with capped, jittered exponential backoff;
// - checks that a quiet connection is still alive (Wi-Fi drops without a close);
// - request() returns a promise for the one `ack` or `error` answering it.

export class OfflineError extends Error {
  constructor() {
    super('You are offline right now; the page reconnects by itself. Try again in a moment.');
    this.code = 'offline';
  }
}

export class ServerError extends Error {
  constructor(msg) {
    super(msg.message || msg.code || 'The server refused this.');
    this.code = msg.code;
    this.field = msg.field;
    // rate_limited may say when to try again (seconds).
    this.retryAfter = typeof msg.retry_after === 'number' ? msg.retry_after : null;
  }
}

export class Connection {
  // opts: { slug, store, onStatus(status), beforeSubscribe() (async, on each new socket: send
  //         `auth` here), onReady(ack) (after each subscribe), onNotJoined() (the event is for
  //         participants only and this socket has not joined: status 'members_only', the
  //         socket stays open so the page can `join` on it and call subscribe()),
  //         onClose(closeEvent) (the server closed the socket), idleCheckMs }
  constructor(opts) {
    this.slug = opts.slug;
    this.store = opts.store;
    this.onStatus = opts.onStatus || (() => {});
    this.onReady = opts.onReady || (() => {});
    this.beforeSubscribe = opts.beforeSubscribe || (async () => {});
    this.onNotJoined = opts.onNotJoined || (() => {});
    this.onClose = opts.onClose || (() => {});
    this.idleCheckMs = opts.idleCheckMs || 60000;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.attempt = 0;
    this.timer = null;
    this.lastHeard = Date.now();
    this.status = 'connecting';
    this.subscribed = false;
    this.resyncing = false;
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    window.addEventListener('online', () => this.kick());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.kick(); });
    setInterval(() => this.checkAlive(), Math.min(15000, this.idleCheckMs));
  }

  setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    this.onStatus(s);
  }

  start() { this.open(); }

  // Reconnect now instead of waiting for the backoff timer (network came back, tab shown).
  kick() {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    this.setStatus('connecting');
    let ws;
    try { ws = new WebSocket(this.url); } catch { this.scheduleReconnect(); return; }
    this.ws = ws;
    this.subscribed = false;
    ws.onopen = async () => {
      this.lastHeard = Date.now();
      // Identify first: a participants-only event refuses `subscribe` before `auth`/`join`.
      try { await this.beforeSubscribe(); } catch { /* the page shows its own problem */ }
      if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
      this.subscribe();
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      if (typeof ev.data !== 'string') return;
      for (const line of ev.data.split('\n')) {
        if (!line.trim()) continue;
        let msg;
        try { msg = JSON.parse(line); } catch { continue; }
        this.handle(msg);
      }
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.subscribed = false;
      this.failPending();
      this.setStatus('offline');
      // e.g. code 1008 "removed by an organizer": the page forgets its secret before the
      // reconnect, so it comes back as a read-only viewer instead of failing auth forever.
      try { this.onClose(ev); } catch { /* never stop reconnecting because of a handler */ }
      this.scheduleReconnect();
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  scheduleReconnect() {
    clearTimeout(this.timer);
    const base = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5));
    const delay = base / 2 + Math.random() * base / 2;
    this.attempt += 1;
    this.timer = setTimeout(() => this.open(), delay);
  }

  // Start over on a fresh socket now (the page switched identity: the new one's `auth` goes
  // first on a new connection rather than replacing the old one's on this one).
  restart() {
    const ws = this.ws;
    this.ws = null;
    this.subscribed = false;
    if (ws) { try { ws.close(); } catch { /* already closing */ } }
    this.failPending();
    this.attempt = 0;
    this.open();
  }

  drop() {
    // Close a connection we no longer trust; onclose schedules the reconnect.
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.subscribed = false;
    try { ws.close(); } catch { /* already closing */ }
    this.failPending();
    this.setStatus('offline');
    this.scheduleReconnect();
  }

  failPending() {
    for (const { reject, timer } of this.pending.values()) { clearTimeout(timer); reject(new OfflineError()); }
    this.pending.clear();
  }

  checkAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.status === 'members_only') {
      // Ask again now and then: the organizers may make the event public again.
      if (Date.now() - this.lastHeard >= this.idleCheckMs) { this.lastHeard = Date.now(); this.subscribe(); }
      return;
    }
    if (!this.subscribed) return;
    if (Date.now() - this.lastHeard < this.idleCheckMs) return;
    // A quiet line may be dead: re-subscribing from our seq costs one small answer.
    this.subscribe();
  }

  async subscribe() {
    const msg = { type: 'subscribe', event: this.slug };
    if (this.store.board && this.store.seq > 0) msg.since = this.store.seq;
    try {
      const ack = await this.send(msg, 10000);
      this.subscribed = true;
      this.resyncing = false;
      this.attempt = 0;
      this.setStatus('online');
      this.onReady(ack);
    } catch (e) {
      if (e instanceof ServerError && e.code === 'not_joined') {
        // Participants only: keep the socket; the page joins on it, then subscribes again.
        this.resyncing = false;
        this.setStatus('members_only');
        this.onNotJoined(e);
      } else if (e instanceof ServerError) {
        this.setStatus(e.code === 'not_found' ? 'not_found' : 'offline');
        if (e.code !== 'not_found') this.drop();
      } else {
        this.drop();
      }
    }
  }

  handle(msg) {
    switch (msg.type) {
      case 'snapshot':
        if (msg.event && msg.event !== this.slug) return;
        this.store.setSnapshot(msg);
        break;
      case 'change': {
        if (msg.event && msg.event !== this.slug) return;
        const r = this.store.apply(msg);
        if (r === 'gap' && !this.resyncing) {
          // We missed something: ask again from what we have.
          this.resyncing = true;
          this.subscribe();
        }
        break;
      }
      case 'ack':
      case 'error': {
        const p = this.pending.get(msg.id);
        if (!p) break;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.type === 'ack') p.resolve(msg); else p.reject(new ServerError(msg));
        break;
      }
      default: break;
    }
  }

  // Send a request; resolves with the ack, rejects with ServerError or OfflineError.
  send(msg, timeoutMs = 15000) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new OfflineError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        reject(new OfflineError());
        this.drop();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify(Object.assign({}, msg, { id })));
    });
  }

  // A command for the joined participant: only once subscribed (and identified).
  request(msg) {
    if (!this.subscribed) return Promise.reject(new OfflineError());
    return this.send(msg);
  }
}

// Learn whose personal link `secret` is without touching the page's own connection: `auth` on
// a separate short-lived socket, then close it. Resolves {id, name, role}; rejects with a
// ServerError (bad_secret, rate_limited…) or an OfflineError when the server cannot be asked.
export function peekIdentity(slug, secret, timeoutMs = 6000) {
  return new Promise((resolve, reject) => {
    let ws;
    try {
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    } catch { reject(new OfflineError()); return; }
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { ws.close(); } catch { /* already closed */ }
      fn(value);
    };
    const timer = setTimeout(() => finish(reject, new OfflineError()), timeoutMs);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', id: 1, event: slug, secret }));
    ws.onmessage = (ev) => {
      for (const line of String(ev.data).split('\n')) {
        let msg;
        try { msg = JSON.parse(line); } catch { continue; }
        if (msg.id !== 1) continue;
        if (msg.type === 'ack' && msg.participant) finish(resolve, msg.participant);
        else if (msg.type === 'error') finish(reject, new ServerError(msg));
      }
    };
    ws.onclose = () => finish(reject, new OfflineError());
  });
}
