#!/usr/bin/env node
// A stand-in for the boardwalk server, for front-end work without a C++ build.
// It speaks docs/protocol.md (with the privacy, visibility, invitation and cap changes of
// issue 11) closely enough for the web client and the e2e tests, with the same flags and
// start-up lines as `boardwalk`; the real server is what CI tests.
// It keeps the private state (who voted, who joined) and sends only the public projection,
// so a test comparing a page's board with GET /api/events/SLUG checks the page's reducer
// against an independent implementation.
// Usage: node tests/e2e/mock-server.mjs --port 0 --db /tmp/x.json --web-root web
//        node tests/e2e/mock-server.mjs --db /tmp/x.json tickets SLUG FILE   (import ticket codes)
// --signin-failures N: failed sign-ins (bad secret, code, ticket, invitation) from one address
// to one event before they are answered `rate_limited` with a growing `retry_after` (default 10).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';
import { todayIn, zonedToUtcIso } from '../../web/js/board.js';

const argv = process.argv.slice(2);
const args = {};
const positional = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) { args[argv[i].slice(2)] = argv[i + 1]; i += 1; } else positional.push(argv[i]);
}
const port = Number(args.port || 8080);
const dbPath = args.db || null;
const webRoot = path.resolve(args['web-root'] || 'web');
const signinFailures = Number(args['signin-failures'] || 10);

let db = null;
if (dbPath && fs.existsSync(dbPath) && fs.statSync(dbPath).size > 0) db = JSON.parse(fs.readFileSync(dbPath, 'utf8'));
if (!db || db.version !== 2) db = { version: 2, events: {} };
const save = () => { if (dbPath) fs.writeFileSync(dbPath, JSON.stringify(db)); };
const hash = (s) => crypto.createHash('sha256').update(String(s)).digest('hex');
const now = () => new Date().toISOString().replace(/\.\d+Z/, 'Z');

// The demo event, like the real server's (server/app/demo.cpp): days from today in the
// event's zone, rooms, slots, six participants nobody holds the secrets of, topics, votes and
// projects, all made through the same commands (and changes) as a live board.
function demo() {
  const tz = 'America/Los_Angeles';
  const days = [0, 1, 2, 3].map((i) => todayIn(tz, new Date(Date.now() + i * 86400000)));
  const ev = {
    event: { slug: 'demo', name: 'Demo Conference', timezone: tz, vote_cap: 5,
             sprint_days: [days[2], days[3]], proposals_locked: false, voting_locked: false,
             join_mode: 'open', visibility: 'public', topic_cap: 5, project_cap: 3 },
    rooms: [], slots: [], people: [], topics: [], projects: [],
    seq: 0, log: [], code: crypto.randomBytes(6).toString('hex'), invites: {}, tickets: {},
  };
  db.events.demo = ev;
  const system = { event: 'demo', pid: 0 };
  ev.people.push({ id: 0, name: 'system', role: 'organizer', removed: true });
  const run = (s, msg) => {
    const [, kind, fields] = handleCommand(s, msg, true);
    record(ev, kind, fields);
  };
  for (const room of ['Room 101', 'Room 102', 'Room 103', 'Hallway Lounge']) run(system, { type: 'add_room', name: room, kind: 'open_space', capacity: 40 });
  for (const table of ['Sprint Room A', 'Sprint Room B', 'Sprint Room C']) run(system, { type: 'add_room', name: table, kind: 'sprint', capacity: 12 });
  for (const day of days.slice(0, 2)) {
    for (let hour = 11; hour < 18; hour++) {
      const hh = (x) => `${String(x).padStart(2, '0')}:00`;
      run(system, { type: 'add_slot', day, start: zonedToUtcIso(day, hh(hour), tz), end: zonedToUtcIso(day, hh(hour + 1), tz) });
    }
  }
  for (const name of ['Ada', 'Guido', 'Mariatta', 'Brett', 'Carol', 'Łukasz']) {
    ev.people.push({ id: nextId(ev.people), name, role: 'attendee', removed: false, secretHash: null });
    record(ev, 'participant_joined', { ticket: false });
  }
  const by = (pid) => ({ event: 'demo', pid });
  run(by(1), { type: 'propose_topic', title: 'Packaging in 2026: what hurts?', description: 'Bring your pyproject.toml horror stories.' });
  run(by(2), { type: 'propose_topic', title: 'Free-threaded Python in production', description: 'Who runs 3.14t? What broke?' });
  run(by(3), { type: 'propose_topic', title: 'Mentoring first-time contributors' });
  run(by(4), { type: 'propose_topic', title: 'Typing: gradual or gradually painful?' });
  run(by(5), { type: 'propose_topic', title: 'Teaching Python to kids', description: 'Share curricula and tools.' });
  run(by(6), { type: 'propose_topic', title: 'Async web frameworks round table' });
  run(by(1), { type: 'schedule_topic', topic_id: 1, room_id: 1, slot_id: 2 });
  run(by(2), { type: 'schedule_topic', topic_id: 2, room_id: 2, slot_id: 3 });
  run(by(3), { type: 'schedule_topic', topic_id: 3, room_id: 1, slot_id: 9 });
  for (const [topic, voter] of [[1, 2], [1, 3], [1, 4], [2, 1], [2, 5], [4, 6], [4, 1], [5, 2], [6, 3], [6, 4], [6, 5]]) run(by(voter), { type: 'vote', topic_id: topic });
  run(by(2), { type: 'create_project', name: 'CPython', repo_url: 'https://github.com/python/cpython', description: 'Docs fixes, test coverage and triage of easy issues.', skills: ['C', 'Python', 'docs'], level: 'intermediate', first_timers: true });
  run(by(4), { type: 'create_project', name: 'pip', repo_url: 'https://github.com/pypa/pip', description: 'Resolver error messages and documentation.', skills: ['Python', 'packaging'], level: 'beginner', first_timers: true, capacity: 8 });
  run(by(5), { type: 'create_project', name: 'Django', repo_url: 'https://github.com/django/django', description: 'Async ORM work and ticket triage.', skills: ['Python', 'SQL', 'async'], level: 'advanced' });
  run(by(2), { type: 'edit_project', project_id: 1, days: [days[2]] });
  run(by(4), { type: 'edit_project', project_id: 2, days: [days[2]] });
  run(by(5), { type: 'edit_project', project_id: 3, days: [days[3]] });
  run(by(2), { type: 'claim_table', project_id: 1, day: days[2], room_id: 5 });
  run(by(4), { type: 'claim_table', project_id: 2, day: days[2], room_id: 6 });
  run(by(5), { type: 'claim_table', project_id: 3, day: days[3], room_id: 7 });
  run(by(1), { type: 'join_project', project_id: 1 });
  run(by(3), { type: 'join_project', project_id: 1 });
  run(by(6), { type: 'join_project', project_id: 2 });
  save();
}

// ---- the public projection (what every subscriber may see)

function listed(ev, id) {
  return ev.topics.some((t) => t.convener === id) || ev.projects.some((p) => p.maintainers.includes(id));
}
const publicEntry = (p) => ({ id: p.id, name: p.name, role: p.role, removed: !!p.removed });
function publicTopic(t) { const { voters, ...rest } = t; return Object.assign(rest, { votes: voters.length }); }
function publicProject(p) { const { attendees, ...rest } = p; return Object.assign(JSON.parse(JSON.stringify(rest)), { attendee_count: attendees.length }); }
function publicBoard(ev) {
  const codes = Object.values(ev.tickets);
  return {
    event: Object.assign({}, ev.event, { tickets: { total: codes.length, used: codes.filter((x) => x !== null).length } }),
    rooms: ev.rooms, slots: ev.slots,
    participants: ev.people.filter((p) => listed(ev, p.id)).map(publicEntry),
    topics: ev.topics.map(publicTopic),
    projects: ev.projects.map(publicProject),
  };
}
function meOf(ev, id) {
  return { votes: ev.topics.filter((t) => t.voters.includes(id)).map((t) => t.id),
           projects: ev.projects.filter((p) => p.attendees.includes(id)).map((p) => p.id) };
}

function record(ev, kind, fields) {
  // `actor` is stored for the record but never broadcast.
  const ch = Object.assign({ type: 'change', event: ev.event.slug, seq: ev.seq + 1, kind, at: now() }, fields);
  ev.seq = ch.seq;
  ev.log.push(ch);
  return ch;
}

const sockets = new Set();
function broadcast(ev, ch) {
  const line = JSON.stringify(ch);
  for (const s of sockets) if (s.sub === ev.event.slug && s.readyState === 1) s.send(line);
}

const err = (code, message, field, extra) => Object.assign({ code, message, field: field || null }, extra || {});
const nextId = (list) => list.reduce((m, x) => Math.max(m, x.id), 0) + 1;
const liveVote = (t) => t.state !== 'withdrawn' && t.state !== 'merged';

// Returns [ackExtra, kind, fields] for a change, or [ackExtra] for a read.
// `setup`: the demo is built with the same commands (participant 0 stands for the server).
function handleCommand(s, msg, setup = false) {
  const ev = db.events[s.event];
  const me = ev.people.find((p) => p.id === s.pid);
  if (!me || (me.removed && !setup)) throw err('not_joined', 'join first', 'type');
  if (me.role === 'display') throw err('forbidden', 'a display screen only reads', 'type');
  const org = me.role === 'organizer';
  const topic = ev.topics.find((t) => t.id === msg.topic_id);
  const project = ev.projects.find((p) => p.id === msg.project_id);
  const needTopic = () => { if (!topic) throw err('not_found', `no topic ${msg.topic_id}`, 'topic_id'); if (topic.state === 'withdrawn') throw err('invalid_state', 'topic withdrawn', 'topic_id'); };
  const ownTopic = () => { needTopic(); if (!org && topic.convener !== me.id) throw err('forbidden', 'not your topic', 'topic_id'); };
  const needProject = () => { if (!project) throw err('not_found', `no project ${msg.project_id}`, 'project_id'); if (project.state === 'withdrawn') throw err('invalid_state', 'project withdrawn', 'project_id'); };
  const ownProject = () => { needProject(); if (!org && !project.maintainers.includes(me.id)) throw err('forbidden', 'not your project', 'project_id'); };
  const orgOnly = () => { if (!org) throw err('forbidden', 'organizers only', 'type'); };
  const str = (f, max, opt) => {
    const v = msg[f];
    if (v === undefined && opt) return;
    if (typeof v !== 'string') throw err('bad_request', `${f} must be a string`, f);
    if (!opt && !v.replace(/[\s\u200b-\u200f\u2060\ufeff\u00ad]/g, '')) throw err('invalid_value', `${f} must show something`, f);
    if ([...v].length > max) throw err('too_long', `${f} is longer than ${max} characters`, f);
  };
  const person = (id) => ev.people.find((p) => p.id === id);
  const promote = (p) => { if (p.role === 'attendee') p.role = 'maintainer'; };
  const rotate = () => { ev.code = crypto.randomBytes(6).toString('hex'); return ev.code; };
  switch (msg.type) {
    case 'propose_topic': {
      str('title', 120); str('description', 2000, true);
      if (ev.event.proposals_locked && !org) throw err('locked', 'proposals are locked', 'type');
      const mine = ev.topics.filter((t) => t.convener === me.id && ['proposed', 'scheduled', 'hidden'].includes(t.state)).length;
      if (!org && ev.event.topic_cap > 0 && mine >= ev.event.topic_cap) throw err('cap_reached', `you already have ${ev.event.topic_cap} live topics`, 'type');
      const t = { id: nextId(ev.topics), title: msg.title, description: msg.description || '', convener: me.id, state: 'proposed', room_id: null, slot_id: null, merged_into: null, voters: [] };
      ev.topics.push(t);
      return [{ topic_id: t.id }, 'topic_proposed', { topic: publicTopic(t), participant: publicEntry(me) }];
    }
    case 'edit_topic': ownTopic(); str('title', 120, true); str('description', 2000, true);
      if (msg.title !== undefined) topic.title = msg.title;
      if (msg.description !== undefined) topic.description = msg.description;
      return [{}, 'topic_edited', { topic_id: topic.id, title: topic.title, description: topic.description }];
    case 'withdraw_topic': ownTopic(); topic.state = 'withdrawn'; topic.room_id = null; topic.slot_id = null; return [{}, 'topic_withdrawn', { topic_id: topic.id }];
    case 'schedule_topic': {
      ownTopic();
      if (topic.state !== 'proposed' && topic.state !== 'scheduled') throw err('invalid_state', `topic is ${topic.state}`, 'topic_id');
      const room = ev.rooms.find((r) => r.id === msg.room_id && r.kind === 'open_space');
      if (!room) throw err('not_found', `no open-space room ${msg.room_id}`, 'room_id');
      if (!ev.slots.find((x) => x.id === msg.slot_id)) throw err('not_found', `no slot ${msg.slot_id}`, 'slot_id');
      const other = ev.topics.find((t) => t.state === 'scheduled' && t.room_id === msg.room_id && t.slot_id === msg.slot_id && t.id !== topic.id);
      if (other) throw err('cell_taken', `room ${msg.room_id} is already taken in slot ${msg.slot_id} by topic ${other.id}`, 'slot_id');
      Object.assign(topic, { state: 'scheduled', room_id: msg.room_id, slot_id: msg.slot_id });
      return [{}, 'topic_scheduled', { topic_id: topic.id, room_id: msg.room_id, slot_id: msg.slot_id }];
    }
    case 'unschedule_topic': ownTopic(); if (topic.state !== 'scheduled') throw err('invalid_state', 'not scheduled', 'topic_id');
      Object.assign(topic, { state: 'proposed', room_id: null, slot_id: null });
      return [{}, 'topic_unscheduled', { topic_id: topic.id }];
    case 'vote': case 'unvote': {
      needTopic();
      if (ev.event.voting_locked) throw err('locked', 'voting is locked', 'type');
      const has = topic.voters.includes(me.id);
      if (msg.type === 'vote') {
        if (has) throw err('already_voted', 'already voted', 'topic_id');
        const used = ev.topics.filter((t) => t.voters.includes(me.id) && liveVote(t)).length;
        if (ev.event.vote_cap > 0 && used >= ev.event.vote_cap) throw err('vote_cap_reached', `you have used all ${ev.event.vote_cap} votes`, 'topic_id');
        topic.voters.push(me.id);
        return [{ me: meOf(ev, me.id) }, 'vote_added', { topic_id: topic.id, votes: topic.voters.length }];
      }
      if (!has) throw err('not_voted', 'no vote to remove', 'topic_id');
      topic.voters = topic.voters.filter((v) => v !== me.id);
      return [{ me: meOf(ev, me.id) }, 'vote_removed', { topic_id: topic.id, votes: topic.voters.length }];
    }
    case 'create_project': case 'edit_project': {
      if (msg.type === 'edit_project') ownProject();
      else {
        if (ev.event.proposals_locked && !org) throw err('locked', 'proposals are locked', 'type');
        const mine = ev.projects.filter((p) => p.maintainers.includes(me.id) && p.state !== 'withdrawn').length;
        if (!org && ev.event.project_cap > 0 && mine >= ev.event.project_cap) throw err('cap_reached', `you already have ${ev.event.project_cap} projects`, 'type');
      }
      str('name', 120, msg.type === 'edit_project'); str('repo_url', 300, msg.type === 'edit_project'); str('description', 2000, true);
      if (msg.repo_url !== undefined && !/^https?:\/\//.test(msg.repo_url)) throw err('invalid_value', 'repo_url must start with http:// or https://', 'repo_url');
      const base = project || { id: nextId(ev.projects), name: '', repo_url: '', description: '', maintainers: [me.id], skills: [], level: 'any', first_timers: false, days: [], tables: {}, attendees: [], capacity: null, state: 'active' };
      for (const f of ['name', 'repo_url', 'description', 'skills', 'level', 'first_timers', 'days', 'capacity']) if (msg[f] !== undefined) base[f] = msg[f];
      if (project) return [{}, 'project_edited', { project: publicProject(base) }];
      ev.projects.push(base);
      promote(me);
      return [{ project_id: base.id }, 'project_created', { project: publicProject(base), participant: publicEntry(me) }];
    }
    case 'withdraw_project': ownProject(); project.state = 'withdrawn'; project.tables = {}; return [{}, 'project_withdrawn', { project_id: project.id }];
    case 'add_maintainer': {
      ownProject();
      const who = person(msg.participant_id);
      if (!who) throw err('not_found', `no participant ${msg.participant_id}`, 'participant_id');
      if (who.removed || who.role === 'display') throw err('invalid_value', 'removed participants and display screens cannot maintain', 'participant_id');
      if (project.maintainers.includes(who.id)) throw err('conflict', 'already a maintainer', 'participant_id');
      project.maintainers.push(who.id);
      promote(who);
      return [{}, 'maintainer_added', { project_id: project.id, participant_id: who.id, participant: publicEntry(who) }];
    }
    case 'claim_table': {
      ownProject();
      if (!ev.rooms.find((r) => r.id === msg.room_id && r.kind === 'sprint')) throw err('not_found', `no sprint room ${msg.room_id}`, 'room_id');
      if (!ev.event.sprint_days.includes(msg.day) || !project.days.includes(msg.day)) throw err('invalid_value', 'not a sprint day of this project', 'day');
      const other = ev.projects.find((p) => p.id !== project.id && p.state !== 'withdrawn' && p.tables[msg.day] === msg.room_id);
      if (other) throw err('table_taken', `table ${msg.room_id} is taken on ${msg.day} by project ${other.id}`, 'room_id');
      project.tables[msg.day] = msg.room_id;
      return [{}, 'table_claimed', { project_id: project.id, day: msg.day, room_id: msg.room_id }];
    }
    case 'release_table': ownProject(); delete project.tables[msg.day]; return [{}, 'table_released', { project_id: project.id, day: msg.day }];
    case 'join_project': case 'leave_project': {
      needProject();
      const has = project.attendees.includes(me.id);
      if (msg.type === 'join_project') {
        if (has) throw err('already_joined', 'already joined', 'project_id');
        if (project.capacity && project.attendees.length >= project.capacity) throw err('project_full', 'project is full', 'project_id');
        project.attendees.push(me.id);
        return [{ me: meOf(ev, me.id) }, 'project_joined', { project_id: project.id, attendee_count: project.attendees.length }];
      }
      if (!has) throw err('not_joined_project', 'not joined', 'project_id');
      project.attendees = project.attendees.filter((a) => a !== me.id);
      return [{ me: meOf(ev, me.id) }, 'project_left', { project_id: project.id, attendee_count: project.attendees.length }];
    }
    case 'project_attendees':
      needProject();
      if (!org && !project.maintainers.includes(me.id)) throw err('forbidden', 'maintainers and organizers only', 'project_id');
      return [{ attendees: project.attendees.map((id) => { const p = person(id); return { id, name: p.name }; }) }];
    case 'list_participants': orgOnly(); return [{ participants: ev.people.filter((p) => p.id !== 0).map(publicEntry) }];
    case 'add_room': orgOnly(); str('name', 120); if (ev.rooms.find((r) => r.name === msg.name)) throw err('conflict', 'room name exists', 'name');
      { const room = { id: nextId(ev.rooms), name: msg.name, kind: msg.kind, capacity: msg.capacity }; ev.rooms.push(room); return [{ room_id: room.id }, 'room_added', { room }]; }
    case 'add_slot': orgOnly(); { const slot = { id: nextId(ev.slots), day: msg.day, start: msg.start, end: msg.end }; ev.slots.push(slot); return [{ slot_id: slot.id }, 'slot_added', { slot }]; }
    case 'set_vote_cap': orgOnly(); ev.event.vote_cap = msg.vote_cap; return [{}, 'vote_cap_set', { vote_cap: msg.vote_cap }];
    case 'set_locks': orgOnly();
      ev.event.proposals_locked = msg.proposals ?? ev.event.proposals_locked;
      ev.event.voting_locked = msg.voting ?? ev.event.voting_locked;
      return [{}, 'locks_set', { proposals: ev.event.proposals_locked, voting: ev.event.voting_locked }];
    case 'set_visibility': orgOnly();
      if (!['public', 'participants'].includes(msg.visibility)) throw err('invalid_value', 'visibility is public or participants', 'visibility');
      ev.event.visibility = msg.visibility;
      return [{}, 'visibility_set', { visibility: msg.visibility }];
    case 'set_caps': {
      orgOnly();
      for (const f of ['topic_cap', 'project_cap']) {
        if (msg[f] !== undefined && (!Number.isInteger(msg[f]) || msg[f] < 0 || msg[f] > 100)) throw err('invalid_value', `${f} must be 0-100`, f);
      }
      if (msg.topic_cap !== undefined) ev.event.topic_cap = msg.topic_cap;
      if (msg.project_cap !== undefined) ev.event.project_cap = msg.project_cap;
      return [{}, 'caps_set', { topic_cap: ev.event.topic_cap, project_cap: ev.event.project_cap }];
    }
    case 'create_invitation': {
      orgOnly();
      const code = crypto.randomBytes(8).toString('base64url');
      ev.invites[hash(code)] = { by: me.id, used: false };
      return [{ code }, 'invitation_created', {}];
    }
    case 'rotate_organizer_code': orgOnly(); return [{ code: rotate() }, 'organizer_code_set', {}];
    case 'set_role': {
      orgOnly();
      const who = person(msg.participant_id);
      if (!who) throw err('not_found', `no participant ${msg.participant_id}`, 'participant_id');
      if (!['attendee', 'maintainer', 'organizer'].includes(msg.role)) throw err('invalid_value', 'bad role', 'role');
      const extra = {};
      if (who.role === 'organizer' && msg.role !== 'organizer') {
        extra.code = rotate();
        for (const inv of Object.values(ev.invites)) if (inv.by === who.id) inv.used = true;
      }
      who.role = msg.role;
      return [extra, 'participant_role_set', { participant_id: who.id, role: msg.role }];
    }
    case 'remove_participant': {
      orgOnly();
      const who = person(msg.participant_id);
      if (!who) throw err('not_found', `no participant ${msg.participant_id}`, 'participant_id');
      if (who.id === me.id) throw err('invalid_value', 'organizers cannot remove themselves', 'participant_id');
      if (who.removed) throw err('invalid_state', 'already removed', 'participant_id');
      who.removed = true;
      who.secretHash = null;
      const topics = [];
      for (const t of ev.topics) if (t.state !== 'withdrawn' && t.voters.includes(who.id)) { t.voters = t.voters.filter((v) => v !== who.id); topics.push({ id: t.id, votes: t.voters.length }); }
      const projects = [];
      for (const p of ev.projects) if (p.attendees.includes(who.id)) { p.attendees = p.attendees.filter((a) => a !== who.id); projects.push({ id: p.id, attendee_count: p.attendees.length }); }
      const wasOrg = who.role === 'organizer';
      const extra = {};
      if (wasOrg) {
        extra.code = rotate();
        for (const inv of Object.values(ev.invites)) if (inv.by === who.id) inv.used = true;
      }
      s.afterAck = () => {
        for (const o of sockets) if (o.event === s.event && o.pid === who.id) o.close(1008, 'removed by an organizer');
      };
      return [extra, 'participant_removed', { participant_id: who.id, topics, projects, organizer_code_rotated: wasOrg }];
    }
    case 'hide_topic': orgOnly(); needTopic(); topic.state = 'hidden'; topic.room_id = null; topic.slot_id = null; return [{}, 'topic_hidden', { topic_id: topic.id }];
    case 'unhide_topic': orgOnly(); needTopic(); topic.state = 'proposed'; return [{}, 'topic_unhidden', { topic_id: topic.id }];
    case 'merge_topic': {
      orgOnly(); needTopic();
      const into = ev.topics.find((t) => t.id === msg.into_topic_id);
      if (!into || !['proposed', 'scheduled'].includes(into.state) || into.id === topic.id) throw err('invalid_value', 'cannot merge into that topic', 'into_topic_id');
      for (const v of topic.voters) if (!into.voters.includes(v)) into.voters.push(v);
      Object.assign(topic, { voters: [], state: 'merged', merged_into: into.id, room_id: null, slot_id: null });
      return [{}, 'topic_merged', { topic_id: topic.id, into_topic_id: into.id, votes: into.voters.length }];
    }
    case 'hide_project': orgOnly(); needProject(); project.state = 'hidden'; return [{}, 'project_hidden', { project_id: project.id }];
    case 'unhide_project': orgOnly(); needProject(); project.state = 'active'; return [{}, 'project_unhidden', { project_id: project.id }];
    case 'set_join_mode': orgOnly(); ev.event.join_mode = msg.mode; return [{}, 'join_mode_set', { mode: msg.mode }];
    case 'create_display': {
      orgOnly();
      const p = { id: nextId(ev.people), name: msg.name || 'Lobby display', role: 'display', removed: false };
      const secret = crypto.randomBytes(16).toString('base64url');
      p.secretHash = hash(secret);
      ev.people.push(p);
      return [{ participant: publicEntry(p), secret }, 'participant_joined', { ticket: false }];
    }
    default: throw err('unknown_type', `unknown type ${msg.type}`, 'type');
  }
}

// Failed sign-ins per address and event back off: after `signinFailures` failures, every
// further attempt within the back-off is `rate_limited` with `retry_after` (doubling).
const failures = new Map(); // `${address} ${slug}` -> {count, until}
function checkSignin(s, slug) {
  const f = failures.get(`${s.address} ${slug}`);
  if (f && f.until > Date.now()) throw err('rate_limited', 'too many failed sign-ins: wait', 'type', { retry_after: Math.ceil((f.until - Date.now()) / 1000) });
}
function failedSignin(s, slug) {
  const key = `${s.address} ${slug}`;
  const f = failures.get(key) || { count: 0, until: 0 };
  f.count += 1;
  if (f.count >= signinFailures) f.until = Date.now() + 1000 * 2 ** Math.min(8, f.count - signinFailures + 2);
  failures.set(key, f);
}

function signin(s, msg, id, reply) {
  const ev = db.events[msg.event];
  if (!ev) throw err('not_found', 'no such event', 'event');
  checkSignin(s, msg.event);
  const fail = (e) => { failedSignin(s, msg.event); throw e; };
  if (msg.type === 'auth') {
    const p = ev.people.find((x) => x.secretHash && x.secretHash === hash(msg.secret));
    if (!p) fail(err('bad_secret', 'unknown secret', 'secret'));
    s.pid = p.id; s.event = msg.event;
    reply({ type: 'ack', id, seq: ev.seq, participant: { id: p.id, name: p.name, role: p.role }, me: meOf(ev, p.id) });
    return;
  }
  if (typeof msg.name !== 'string' || !msg.name.trim() || [...msg.name].length > 60) throw err('invalid_value', 'name must be 1-60 characters', 'name');
  let role = 'attendee';
  let ticket = false;
  if (msg.code !== undefined) {
    if (msg.code !== ev.code) fail(err('bad_secret', 'wrong organizer code', 'code'));
    role = 'organizer';
  } else if (msg.invite !== undefined) {
    const inv = ev.invites[hash(msg.invite)];
    if (!inv || inv.used) fail(err('bad_secret', 'unknown or used invitation', 'invite'));
    inv.used = true;
    role = 'organizer';
  } else if (ev.event.join_mode === 'tickets') {
    if (!msg.ticket) throw err('ticket_required', 'this event needs a ticket code', 'ticket');
    const h = hash(msg.ticket);
    if (!(h in ev.tickets)) fail(err('bad_secret', 'unknown ticket', 'ticket'));
    if (ev.tickets[h] !== null) throw err('ticket_used', 'ticket already used', 'ticket');
    ticket = h;
  }
  const p = { id: nextId(ev.people), name: msg.name.trim(), role, removed: false };
  const secret = crypto.randomBytes(16).toString('base64url');
  p.secretHash = hash(secret);
  ev.people.push(p);
  if (ticket) ev.tickets[ticket] = p.id;
  const ch = record(ev, 'participant_joined', { ticket: !!ticket });
  save();
  s.pid = p.id; s.event = msg.event;
  reply({ type: 'ack', id, seq: ch.seq, participant: { id: p.id, name: p.name, role }, secret, me: meOf(ev, p.id) });
  broadcast(ev, ch);
}

if (!db.events.demo) demo();

// `boardwalk tickets SLUG FILE`: one code per line (a CSV's first column), # comments skipped.
if (positional[0] === 'tickets') {
  const ev = db.events[positional[1]];
  if (!ev) { console.error(`no event '${positional[1]}'`); process.exit(1); }
  const codes = fs.readFileSync(positional[2], 'utf8').split('\n').map((l) => l.split(',')[0].trim()).filter((l) => l && !l.startsWith('#'));
  let added = 0;
  for (const c of codes) if (!(hash(c) in ev.tickets)) { ev.tickets[hash(c)] = null; added += 1; }
  record(ev, 'tickets_added', { count: added });
  save();
  console.log(`added ${added} ticket codes to ${positional[1]}`);
  process.exit(0);
}

function onMessage(s, text) {
  let msg;
  const reply = (o) => s.send(JSON.stringify(o));
  try { msg = JSON.parse(text); } catch { reply({ type: 'error', id: null, code: 'bad_json', message: 'not JSON', field: null }); return; }
  const id = msg.id ?? null;
  try {
    if (msg.type === 'subscribe') {
      const e = db.events[msg.event];
      if (!e) throw err('not_found', `no event '${msg.event}'`, 'event');
      if (e.event.visibility === 'participants' && !(s.event === msg.event && s.pid)) throw err('not_joined', 'this event is for participants only: join or auth first', 'event');
      s.sub = msg.event; s.event = s.event || msg.event;
      if (typeof msg.since === 'number' && msg.since <= e.seq && msg.since >= 0) {
        const lines = e.log.filter((c) => c.seq > msg.since).map((c) => JSON.stringify(c));
        lines.push(JSON.stringify({ type: 'ack', id, seq: e.seq, mode: 'replay' }));
        s.send(lines.join('\n'));
      } else {
        s.send(`${JSON.stringify({ type: 'snapshot', event: msg.event, seq: e.seq, board: publicBoard(e) })}\n${JSON.stringify({ type: 'ack', id, seq: e.seq, mode: 'snapshot' })}`);
      }
      return;
    }
    if (msg.type === 'join' || msg.type === 'auth') { signin(s, msg, id, reply); return; }
    if (!s.pid) throw err('not_joined', 'join first', 'type');
    const ev = db.events[s.event];
    const [extra, kind, fields] = handleCommand(s, msg);
    if (!kind) { reply(Object.assign({ type: 'ack', id, seq: ev.seq }, extra)); return; }
    const ch = record(ev, kind, fields);
    save();
    reply(Object.assign({ type: 'ack', id, seq: ch.seq }, extra));
    broadcast(ev, ch);
    if (s.afterAck) { const f = s.afterAck; s.afterAck = null; f(); }
    if (kind === 'visibility_set' && fields.visibility === 'participants') {
      for (const o of sockets) if (o.sub === s.event && !o.pid) o.close(1008, 'this event is for participants only');
    }
  } catch (x) {
    if (x instanceof Error) { console.error(x); reply({ type: 'error', id, code: 'storage_error', message: x.message, field: null }); return; }
    reply(Object.assign({ type: 'error', id }, x));
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:";

function qrSvg(text) {
  // Not a real QR code: a deterministic pattern, good enough for layout work.
  const n = 29; const digest = crypto.createHash('sha256').update(text).digest();
  let rects = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const finder = (x < 7 && y < 7) || (x >= n - 7 && y < 7) || (x < 7 && y >= n - 7);
    const on = finder ? (Math.max(Math.abs((x % (n - 7)) - 3), Math.abs((y % (n - 7)) - 3)) !== 2 && Math.max(Math.abs((x % (n - 7)) - 3), Math.abs((y % (n - 7)) - 3)) <= 3)
      : (digest[(x * 7 + y * 13) % 32] >> ((x + y) % 8)) & 1;
    if (on) rects += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 ${n + 4} ${n + 4}" shape-rendering="crispEdges"><rect x="-2" y="-2" width="${n + 4}" height="${n + 4}" fill="#fff"/>${rects}</svg>`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }); res.end(JSON.stringify(body)); };
  let m;
  if (url.pathname === '/api/events') return json(200, Object.values(db.events).map((e) => ({ slug: e.event.slug, name: e.event.name, timezone: e.event.timezone, seq: e.seq, visibility: e.event.visibility })));
  if ((m = url.pathname.match(/^\/api\/events\/([^/]+)(\/qr\.svg)?$/))) {
    const e = db.events[m[1]];
    if (!e) return json(404, { code: 'not_found', message: `no event '${m[1]}'`, field: 'event' });
    if (m[2]) { res.writeHead(200, { 'content-type': 'image/svg+xml' }); return res.end(qrSvg(`http://${req.headers.host}/e/${m[1]}`)); }
    if (e.event.visibility === 'participants') {
      const bearer = (req.headers.authorization || '').match(/^Bearer (.+)$/);
      const ok = bearer && e.people.some((p) => p.secretHash && p.secretHash === hash(bearer[1]));
      if (!ok) return json(401, { code: 'not_joined', message: 'this event is for participants only', field: 'event' });
    }
    return json(200, { type: 'snapshot', event: m[1], seq: e.seq, board: publicBoard(e) });
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
wss.on('connection', (s, req) => {
  s.address = req.socket.remoteAddress;
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
  for (const e of Object.values(db.events)) console.log(`organizer link for ${e.event.slug}: http://127.0.0.1:${p}/e/${e.event.slug}#code=${e.code}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { save(); process.exit(0); });
