#!/usr/bin/env node
// A stand-in for the boardwalk server, for front-end work without a C++ build.
// It speaks docs/protocol.md closely enough for the web client and the e2e tests
// (same flags and start-up lines as `boardwalk`); the real server is what CI tests.
// Usage: node tests/e2e/mock-server.mjs --port 0 --db /tmp/x.json --web-root web
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';
import { applyChange } from '../../web/js/board.js';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const port = Number(args.port || 8080);
const dbPath = args.db || null;
const webRoot = path.resolve(args['web-root'] || 'web');

let db = null;
if (dbPath && fs.existsSync(dbPath) && fs.statSync(dbPath).size > 0) db = JSON.parse(fs.readFileSync(dbPath, 'utf8'));
if (!db) db = { events: {} };
const save = () => { if (dbPath) fs.writeFileSync(dbPath, JSON.stringify(db)); };

function demo() {
  const board = {
    event: { slug: 'demo', name: 'Demo Conf 2026', timezone: 'America/Los_Angeles', vote_cap: 5,
             sprint_days: ['2026-05-18', '2026-05-19'], proposals_locked: false, voting_locked: false },
    rooms: [], slots: [], participants: [], topics: [], projects: [],
  };
  const ev = { board, seq: 0, log: [], secrets: {}, code: crypto.randomBytes(6).toString('hex') };
  const add = (kind, fields) => commit(ev, null, kind, fields);
  for (const [i, n] of ['Room 101', 'Room 102', 'Room 103', 'Room 104'].entries()) add('room_added', { room: { id: i + 1, name: n, kind: 'open_space', capacity: [40, 25, 25, 60][i] } });
  for (const [i, n] of ['Table 1', 'Table 2', 'Table 3'].entries()) add('room_added', { room: { id: 5 + i, name: n, kind: 'sprint', capacity: 10 } });
  let sid = 1;
  for (const day of ['2026-05-15', '2026-05-16']) {
    for (let hr = 18; hr < 23; hr++) add('slot_added', { slot: { id: sid++, day, start: `${day}T${hr}:00:00Z`, end: `${day}T${hr + 1}:00:00Z` } });
  }
  db.events.demo = ev;
  save();
}

function commit(ev, actor, kind, fields) {
  const ch = Object.assign({ type: 'change', event: ev.board.event.slug, seq: ev.seq + 1, kind, actor, at: new Date().toISOString().replace(/\.\d+Z/, 'Z') }, fields);
  applyChange(ev.board, ch);
  ev.seq = ch.seq;
  ev.log.push(ch);
  return ch;
}

if (!db.events.demo) demo();

const sockets = new Set();
function broadcast(ev, ch) {
  const line = JSON.stringify(ch);
  for (const s of sockets) if (s.sub === ev.board.event.slug && s.readyState === 1) s.send(line);
}

const err = (code, message, field) => ({ code, message, field: field || null });
const nextId = (list) => list.reduce((m, x) => Math.max(m, x.id), 0) + 1;

function handleCommand(s, msg) {
  const ev = db.events[s.event];
  const b = ev.board;
  const me = b.participants.find((p) => p.id === s.pid);
  const org = me.role === 'organizer';
  const topic = b.topics.find((t) => t.id === msg.topic_id);
  const project = b.projects.find((p) => p.id === msg.project_id);
  const needTopic = () => { if (!topic) throw err('not_found', `no topic ${msg.topic_id}`, 'topic_id'); if (topic.state === 'withdrawn') throw err('invalid_state', 'topic withdrawn', 'topic_id'); };
  const ownTopic = () => { needTopic(); if (!org && topic.convener !== me.id) throw err('forbidden', 'not your topic', 'topic_id'); };
  const needProject = () => { if (!project) throw err('not_found', `no project ${msg.project_id}`, 'project_id'); if (project.state === 'withdrawn') throw err('invalid_state', 'project withdrawn', 'project_id'); };
  const ownProject = () => { needProject(); if (!org && !project.maintainers.includes(me.id)) throw err('forbidden', 'not your project', 'project_id'); };
  const orgOnly = () => { if (!org) throw err('forbidden', 'organizers only', 'type'); };
  const str = (f, max, opt) => {
    const v = msg[f];
    if (v === undefined && opt) return;
    if (typeof v !== 'string') throw err('bad_request', `${f} must be a string`, f);
    if (!opt && v.length < 1) throw err('invalid_value', `${f} must not be empty`, f);
    if ([...v].length > max) throw err('too_long', `${f} is longer than ${max} characters`, f);
  };
  switch (msg.type) {
    case 'propose_topic': {
      str('title', 120); str('description', 2000, true);
      if (b.event.proposals_locked && !org) throw err('locked', 'proposals are locked', 'type');
      const t = { id: nextId(b.topics), title: msg.title, description: msg.description || '', convener: me.id, state: 'proposed', room_id: null, slot_id: null, merged_into: null, voters: [] };
      return [{ topic_id: t.id }, 'topic_proposed', { topic: t }];
    }
    case 'edit_topic': ownTopic(); str('title', 120, true); str('description', 2000, true);
      return [{}, 'topic_edited', { topic_id: topic.id, title: msg.title ?? topic.title, description: msg.description ?? topic.description }];
    case 'withdraw_topic': ownTopic(); return [{}, 'topic_withdrawn', { topic_id: topic.id }];
    case 'schedule_topic': {
      ownTopic();
      if (topic.state !== 'proposed' && topic.state !== 'scheduled') throw err('invalid_state', `topic is ${topic.state}`, 'topic_id');
      const room = b.rooms.find((r) => r.id === msg.room_id && r.kind === 'open_space');
      if (!room) throw err('not_found', `no open-space room ${msg.room_id}`, 'room_id');
      if (!b.slots.find((x) => x.id === msg.slot_id)) throw err('not_found', `no slot ${msg.slot_id}`, 'slot_id');
      const other = b.topics.find((t) => t.state === 'scheduled' && t.room_id === msg.room_id && t.slot_id === msg.slot_id && t.id !== topic.id);
      if (other) throw err('cell_taken', `room ${msg.room_id} is already taken in slot ${msg.slot_id} by topic ${other.id}`, 'slot_id');
      return [{}, 'topic_scheduled', { topic_id: topic.id, room_id: msg.room_id, slot_id: msg.slot_id }];
    }
    case 'unschedule_topic': ownTopic(); if (topic.state !== 'scheduled') throw err('invalid_state', 'not scheduled', 'topic_id'); return [{}, 'topic_unscheduled', { topic_id: topic.id }];
    case 'vote': case 'unvote': {
      needTopic();
      if (b.event.voting_locked) throw err('locked', 'voting is locked', 'type');
      const has = topic.voters.includes(me.id);
      if (msg.type === 'vote') {
        if (has) throw err('already_voted', 'already voted', 'topic_id');
        const used = b.topics.filter((t) => t.voters.includes(me.id) && t.state !== 'withdrawn' && t.state !== 'merged').length;
        if (b.event.vote_cap > 0 && used >= b.event.vote_cap) throw err('vote_cap_reached', `you have used all ${b.event.vote_cap} votes`, 'topic_id');
        return [{}, 'vote_added', { topic_id: topic.id, participant_id: me.id }];
      }
      if (!has) throw err('not_voted', 'no vote to remove', 'topic_id');
      return [{}, 'vote_removed', { topic_id: topic.id, participant_id: me.id }];
    }
    case 'create_project': case 'edit_project': {
      if (msg.type === 'edit_project') ownProject();
      else if (b.event.proposals_locked && !org) throw err('locked', 'proposals are locked', 'type');
      str('name', 120, msg.type === 'edit_project'); str('repo_url', 300, msg.type === 'edit_project'); str('description', 2000, true);
      if (msg.repo_url !== undefined && !/^https?:\/\//.test(msg.repo_url)) throw err('invalid_value', 'repo_url must start with http:// or https://', 'repo_url');
      const base = project ? { ...project } : { id: nextId(b.projects), name: '', repo_url: '', description: '', maintainers: [me.id], skills: [], level: 'any', first_timers: false, days: [], tables: {}, attendees: [], capacity: null, state: 'active' };
      for (const f of ['name', 'repo_url', 'description', 'skills', 'level', 'first_timers', 'days', 'capacity']) if (msg[f] !== undefined) base[f] = msg[f];
      return [msg.type === 'create_project' ? { project_id: base.id } : {}, msg.type === 'create_project' ? 'project_created' : 'project_edited', { project: base }];
    }
    case 'withdraw_project': ownProject(); return [{}, 'project_withdrawn', { project_id: project.id }];
    case 'add_maintainer': ownProject(); if (project.maintainers.includes(msg.participant_id)) throw err('conflict', 'already a maintainer', 'participant_id'); return [{}, 'maintainer_added', { project_id: project.id, participant_id: msg.participant_id }];
    case 'claim_table': {
      ownProject();
      if (!b.rooms.find((r) => r.id === msg.room_id && r.kind === 'sprint')) throw err('not_found', `no sprint room ${msg.room_id}`, 'room_id');
      if (!b.event.sprint_days.includes(msg.day) || !project.days.includes(msg.day)) throw err('invalid_value', 'not a sprint day of this project', 'day');
      const other = b.projects.find((p) => p.id !== project.id && p.state !== 'withdrawn' && p.tables[msg.day] === msg.room_id);
      if (other) throw err('table_taken', `table ${msg.room_id} is taken on ${msg.day} by project ${other.id}`, 'room_id');
      return [{}, 'table_claimed', { project_id: project.id, day: msg.day, room_id: msg.room_id }];
    }
    case 'release_table': ownProject(); return [{}, 'table_released', { project_id: project.id, day: msg.day }];
    case 'join_project': case 'leave_project': {
      needProject();
      const has = project.attendees.includes(me.id);
      if (msg.type === 'join_project') {
        if (has) throw err('already_joined', 'already joined', 'project_id');
        if (project.capacity && project.attendees.length >= project.capacity) throw err('project_full', 'project is full', 'project_id');
        return [{}, 'project_joined', { project_id: project.id, participant_id: me.id }];
      }
      if (!has) throw err('not_joined_project', 'not joined', 'project_id');
      return [{}, 'project_left', { project_id: project.id, participant_id: me.id }];
    }
    case 'add_room': orgOnly(); str('name', 120); if (b.rooms.find((r) => r.name === msg.name)) throw err('conflict', 'room name exists', 'name');
      { const room = { id: nextId(b.rooms), name: msg.name, kind: msg.kind, capacity: msg.capacity }; return [{ room_id: room.id }, 'room_added', { room }]; }
    case 'add_slot': orgOnly(); { const slot = { id: nextId(b.slots), day: msg.day, start: msg.start, end: msg.end }; return [{ slot_id: slot.id }, 'slot_added', { slot }]; }
    case 'set_vote_cap': orgOnly(); return [{}, 'vote_cap_set', { vote_cap: msg.vote_cap }];
    case 'set_locks': orgOnly(); return [{}, 'locks_set', { proposals: msg.proposals ?? b.event.proposals_locked, voting: msg.voting ?? b.event.voting_locked }];
    case 'set_role': orgOnly(); return [{}, 'participant_role_set', { participant_id: msg.participant_id, role: msg.role }];
    case 'hide_topic': orgOnly(); needTopic(); return [{}, 'topic_hidden', { topic_id: topic.id }];
    case 'unhide_topic': orgOnly(); needTopic(); return [{}, 'topic_unhidden', { topic_id: topic.id }];
    case 'merge_topic': orgOnly(); needTopic(); return [{}, 'topic_merged', { topic_id: topic.id, into_topic_id: msg.into_topic_id }];
    case 'hide_project': orgOnly(); needProject(); return [{}, 'project_hidden', { project_id: project.id }];
    case 'unhide_project': orgOnly(); needProject(); return [{}, 'project_unhidden', { project_id: project.id }];
    default: throw err('unknown_type', `unknown type ${msg.type}`, 'type');
  }
}

function onMessage(s, text) {
  let msg;
  const reply = (o) => s.send(JSON.stringify(o));
  try { msg = JSON.parse(text); } catch { reply({ type: 'error', id: null, code: 'bad_json', message: 'not JSON', field: null }); return; }
  const id = msg.id ?? null;
  const ev = db.events[msg.event || s.event];
  try {
    if (msg.type === 'subscribe') {
      if (!db.events[msg.event]) throw err('not_found', `no event '${msg.event}'`, 'event');
      s.sub = msg.event; s.event = s.event || msg.event;
      const e = db.events[msg.event];
      if (typeof msg.since === 'number' && msg.since <= e.seq && msg.since >= 0) {
        const lines = e.log.filter((c) => c.seq > msg.since).map((c) => JSON.stringify(c));
        lines.push(JSON.stringify({ type: 'ack', id, seq: e.seq, mode: 'replay' }));
        s.send(lines.join('\n'));
      } else {
        s.send(`${JSON.stringify({ type: 'snapshot', event: msg.event, seq: e.seq, board: e.board })}\n${JSON.stringify({ type: 'ack', id, seq: e.seq, mode: 'snapshot' })}`);
      }
      return;
    }
    if (msg.type === 'join' || msg.type === 'auth') {
      if (!ev) throw err('not_found', 'no such event', 'event');
      if (msg.type === 'auth') {
        const pid = ev.secrets[crypto.createHash('sha256').update(String(msg.secret)).digest('hex')];
        if (!pid) throw err('bad_secret', 'unknown secret', 'secret');
        s.pid = pid; s.event = msg.event;
        reply({ type: 'ack', id, seq: ev.seq, participant: ev.board.participants.find((p) => p.id === pid) });
        return;
      }
      if (typeof msg.name !== 'string' || !msg.name.trim() || [...msg.name].length > 60) throw err('invalid_value', 'name must be 1-60 characters', 'name');
      if (msg.code !== undefined && msg.code !== ev.code) throw err('bad_secret', 'wrong organizer code', 'code');
      const participant = { id: nextId(ev.board.participants), name: msg.name, role: msg.code ? 'organizer' : 'attendee' };
      const secret = crypto.randomBytes(16).toString('base64url');
      ev.secrets[crypto.createHash('sha256').update(secret).digest('hex')] = participant.id;
      const ch = commit(ev, participant.id, 'participant_joined', { participant });
      save();
      s.pid = participant.id; s.event = msg.event;
      reply({ type: 'ack', id, seq: ch.seq, participant, secret });
      broadcast(ev, ch);
      return;
    }
    if (!s.sub) throw err('not_subscribed', 'subscribe first', 'type');
    if (!s.pid) throw err('not_joined', 'join first', 'type');
    const [extra, kind, fields] = handleCommand(s, msg);
    const e = db.events[s.event];
    const ch = commit(e, s.pid, kind, fields);
    save();
    reply(Object.assign({ type: 'ack', id, seq: ch.seq }, extra));
    broadcast(e, ch);
  } catch (x) {
    if (x instanceof Error) { console.error(x); reply({ type: 'error', id, code: 'storage_error', message: x.message, field: null }); return; }
    reply(Object.assign({ type: 'error', id }, x));
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:";

function qrSvg(text) {
  // Not a real QR code: a deterministic pattern, good enough for layout work.
  const n = 29; const hash = crypto.createHash('sha256').update(text).digest();
  let rects = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const finder = (x < 7 && y < 7) || (x >= n - 7 && y < 7) || (x < 7 && y >= n - 7);
    const on = finder ? (Math.max(Math.abs((x % (n - 7)) - 3), Math.abs((y % (n - 7)) - 3)) !== 2 && Math.max(Math.abs((x % (n - 7)) - 3), Math.abs((y % (n - 7)) - 3)) <= 3)
      : (hash[(x * 7 + y * 13) % 32] >> ((x + y) % 8)) & 1;
    if (on) rects += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect x="-2" y="-2" width="${n + 4}" height="${n + 4}" fill="#fff"/>${rects}</svg>`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }); res.end(JSON.stringify(body)); };
  let m;
  if (url.pathname === '/api/events') return json(200, Object.values(db.events).map((e) => ({ slug: e.board.event.slug, name: e.board.event.name, timezone: e.board.event.timezone, seq: e.seq })));
  if ((m = url.pathname.match(/^\/api\/events\/([^/]+)(\/qr\.svg)?$/))) {
    const e = db.events[m[1]];
    if (!e) return json(404, { code: 'not_found', message: `no event '${m[1]}'`, field: 'event' });
    if (m[2]) { res.writeHead(200, { 'content-type': 'image/svg+xml' }); return res.end(qrSvg(`http://${req.headers.host}/e/${m[1]}`)); }
    return json(200, { type: 'snapshot', event: m[1], seq: e.seq, board: e.board });
  }
  let file = url.pathname;
  if (file === '/' || /^\/e\/[^/]+\/?$/.test(file)) file = '/index.html';
  else if (/^\/lobby\/[^/]+\/?$/.test(file)) file = '/lobby.html';
  const full = path.join(webRoot, path.normalize(file));
  if (!full.startsWith(webRoot) || !fs.existsSync(full) || fs.statSync(full).isDirectory()) { res.writeHead(404); return res.end('not found'); }
  res.writeHead(200, { 'content-type': TYPES[path.extname(full)] || 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-cache' });
  fs.createReadStream(full).pipe(res);
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 16384 });
wss.on('connection', (s) => {
  sockets.add(s);
  s.on('message', (data, isBinary) => {
    if (isBinary) { s.send(JSON.stringify({ type: 'error', id: null, code: 'bad_frame', message: 'binary frame', field: null })); return; }
    onMessage(s, data.toString());
  });
  s.on('close', () => sockets.delete(s));
});

server.listen(port, '127.0.0.1', () => {
  const p = server.address().port;
  console.log(`boardwalk (mock) listening on http://127.0.0.1:${p}/`);
  for (const e of Object.values(db.events)) console.log(`organizer link for ${e.board.event.slug}: http://127.0.0.1:${p}/e/${e.board.event.slug}#code=${e.code}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { save(); process.exit(0); });
