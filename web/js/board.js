// Board state shared by the attendee app and the lobby display.
// applyChange() follows the change table of docs/protocol.md exactly; a Store
// wraps a board with its seq and tells listeners when it changed.

function byId(list, id) {
  for (const x of list) if (x.id === id) return x;
  return null;
}

function removeFrom(list, value) {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}

function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item; else list.push(item);
}

export function emptyBoard(slug) {
  return {
    event: { slug, name: slug, timezone: 'UTC', vote_cap: 0, sprint_days: [],
             proposals_locked: false, voting_locked: false,
             join_mode: 'open', tickets: { total: 0, used: 0 },
             visibility: 'public', topic_cap: 0, project_cap: 0 },
    rooms: [], slots: [], participants: [], topics: [], projects: [],
  };
}

// Normalise a board received in a snapshot so later code can rely on every list existing.
// The public board carries counts (`votes`, `attendee_count`), never who voted or joined,
// and lists only the participants a screen names (conveners and maintainers).
export function normaliseBoard(board, slug) {
  const b = Object.assign(emptyBoard(slug), board || {});
  b.event = Object.assign(emptyBoard(slug).event, b.event || {});
  b.event.tickets = Object.assign({ total: 0, used: 0 }, b.event.tickets || {});
  for (const p of b.participants) if (p.removed === undefined) p.removed = false;
  for (const t of b.topics) if (typeof t.votes !== 'number') t.votes = 0;
  for (const p of b.projects) normaliseProject(p);
  return b;
}

function normaliseProject(p) {
  if (typeof p.attendee_count !== 'number') p.attendee_count = 0;
  if (!Array.isArray(p.maintainers)) p.maintainers = [];
  if (!Array.isArray(p.skills)) p.skills = [];
  if (!Array.isArray(p.days)) p.days = [];
  if (!p.tables || typeof p.tables !== 'object') p.tables = {};
  return p;
}

function clearCell(t) {
  t.room_id = null;
  t.slot_id = null;
}

// A change that names a convener or maintainer carries their public entry: list (or update) it.
function listParticipant(b, entry) {
  if (!entry || typeof entry.id !== 'number') return;
  upsert(b.participants, Object.assign({ removed: false }, entry));
}

function setCount(list, id, field, value) {
  const x = byId(list, id);
  if (x && typeof value === 'number') x[field] = value;
}

// Apply one `change` message to a board (mutates it). Unknown kinds are ignored
// so an older page keeps working against a newer server.
export function applyChange(b, ch) {
  const topic = (id) => byId(b.topics, id);
  const project = (id) => byId(b.projects, id);
  switch (ch.kind) {
    case 'event_created':
      Object.assign(b.event, { name: ch.name, timezone: ch.timezone, vote_cap: ch.vote_cap,
                               sprint_days: ch.sprint_days || [] });
      if (ch.event) b.event.slug = ch.event;
      break;
    case 'room_added': upsert(b.rooms, ch.room); break;
    case 'slot_added': upsert(b.slots, ch.slot); break;
    case 'vote_cap_set': b.event.vote_cap = ch.vote_cap; break;
    case 'locks_set':
      b.event.proposals_locked = !!ch.proposals;
      b.event.voting_locked = !!ch.voting;
      break;
    case 'visibility_set': b.event.visibility = ch.visibility; break;
    case 'caps_set':
      if (typeof ch.topic_cap === 'number') b.event.topic_cap = ch.topic_cap;
      if (typeof ch.project_cap === 'number') b.event.project_cap = ch.project_cap;
      break;
    case 'topic_hidden': {
      const t = topic(ch.topic_id);
      if (t) { t.state = 'hidden'; clearCell(t); }
      break;
    }
    case 'topic_unhidden': {
      const t = topic(ch.topic_id);
      if (t) { t.state = 'proposed'; clearCell(t); }
      break;
    }
    case 'topic_merged': {
      const t = topic(ch.topic_id);
      if (t) {
        t.votes = 0; // its votes moved to the surviving topic
        t.state = 'merged';
        t.merged_into = ch.into_topic_id;
        clearCell(t);
      }
      setCount(b.topics, ch.into_topic_id, 'votes', ch.votes);
      break;
    }
    case 'project_hidden': { const p = project(ch.project_id); if (p) p.state = 'hidden'; break; }
    case 'project_unhidden': { const p = project(ch.project_id); if (p) p.state = 'active'; break; }
    case 'participant_joined':
      // Nobody is named: plain attendees are not on the public board. A ticket join used one.
      if (ch.ticket === true) b.event.tickets.used += 1;
      break;
    case 'participant_removed': {
      const p = byId(b.participants, ch.participant_id);
      if (p) p.removed = true;
      // Their live votes and sign-ups go: the change lists the counts that changed.
      for (const x of ch.topics || []) setCount(b.topics, x.id, 'votes', x.votes);
      for (const x of ch.projects || []) setCount(b.projects, x.id, 'attendee_count', x.attendee_count);
      break;
    }
    case 'join_mode_set': b.event.join_mode = ch.mode; break;
    case 'tickets_added': b.event.tickets.total += Number(ch.count) || 0; break;
    case 'participant_role_set': {
      const p = byId(b.participants, ch.participant_id);
      if (p) p.role = ch.role; // only listed participants are on the board
      break;
    }
    case 'topic_proposed': {
      const t = Object.assign({ votes: 0, room_id: null, slot_id: null, merged_into: null }, ch.topic);
      upsert(b.topics, t);
      listParticipant(b, ch.participant);
      break;
    }
    case 'topic_edited': {
      const t = topic(ch.topic_id);
      if (t) {
        if (ch.title !== undefined) t.title = ch.title;
        if (ch.description !== undefined) t.description = ch.description;
      }
      break;
    }
    case 'topic_withdrawn': {
      const t = topic(ch.topic_id);
      if (t) { t.state = 'withdrawn'; clearCell(t); }
      break;
    }
    case 'topic_scheduled': {
      const t = topic(ch.topic_id);
      if (t) { t.state = 'scheduled'; t.room_id = ch.room_id; t.slot_id = ch.slot_id; }
      break;
    }
    case 'topic_unscheduled': {
      const t = topic(ch.topic_id);
      if (t) { t.state = 'proposed'; clearCell(t); }
      break;
    }
    case 'vote_added':
    case 'vote_removed':
      setCount(b.topics, ch.topic_id, 'votes', ch.votes);
      break;
    case 'project_created':
    case 'project_edited': {
      upsert(b.projects, normaliseProject(Object.assign({}, ch.project)));
      listParticipant(b, ch.participant);
      break;
    }
    case 'project_withdrawn': {
      const p = project(ch.project_id);
      if (p) { p.state = 'withdrawn'; p.tables = {}; }
      break;
    }
    case 'maintainer_added': {
      const p = project(ch.project_id);
      if (p && !p.maintainers.includes(ch.participant_id)) p.maintainers.push(ch.participant_id);
      listParticipant(b, ch.participant); // their public entry, with the role after
      break;
    }
    case 'table_claimed': { const p = project(ch.project_id); if (p) p.tables[ch.day] = ch.room_id; break; }
    case 'table_released': { const p = project(ch.project_id); if (p) delete p.tables[ch.day]; break; }
    case 'project_joined':
    case 'project_left':
      setCount(b.projects, ch.project_id, 'attendee_count', ch.attendee_count);
      break;
    default: break; // invitation_created, organizer_code_set and future kinds change no board field
  }
  return b;
}

// A board plus its seq. apply() returns 'applied', 'old' (seq already seen) or 'gap'.
export class Store {
  constructor(slug) {
    this.slug = slug;
    this.board = null;
    this.seq = 0;
    this.listeners = new Set();
  }

  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  notify(reason) { for (const fn of this.listeners) fn(reason); }

  setSnapshot(msg) {
    this.board = normaliseBoard(msg.board, this.slug);
    this.seq = msg.seq;
    this.notify('snapshot');
  }

  apply(ch) {
    if (!this.board) return 'gap';
    if (ch.seq <= this.seq) return 'old';
    if (ch.seq !== this.seq + 1) return 'gap';
    applyChange(this.board, ch);
    this.seq = ch.seq;
    this.notify(ch);
    return 'applied';
  }
}

// ---- selectors shared by both pages ----

export const find = byId;

export function participantName(b, id) {
  const p = byId(b.participants, id);
  return p ? p.name : 'someone';
}

export function slotsSorted(b) {
  return [...b.slots].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.id - y.id));
}

export function days(b) {
  return [...new Set(slotsSorted(b).map((s) => s.day))];
}

export function openSpaceRooms(b) {
  return b.rooms.filter((r) => r.kind === 'open_space');
}

export function sprintRooms(b) {
  return b.rooms.filter((r) => r.kind === 'sprint');
}

export function topicInCell(b, roomId, slotId) {
  return b.topics.find((t) => t.state === 'scheduled' && t.room_id === roomId && t.slot_id === slotId) || null;
}

export function visibleTopics(b) {
  return b.topics.filter((t) => t.state === 'proposed' || t.state === 'scheduled');
}

export function byVotes(a, b) {
  return b.votes - a.votes || a.id - b.id;
}

export function unscheduled(b) {
  return b.topics.filter((t) => t.state === 'proposed').sort(byVotes);
}

export function liveProjects(b) {
  return b.projects.filter((p) => p.state === 'active');
}

export function projectAtTable(b, day, roomId) {
  return b.projects.find((p) => p.state !== 'withdrawn' && p.tables[day] === roomId) || null;
}

// What the signed-in participant knows about themselves (from the join/auth ack and the acks
// of vote/unvote/join_project/leave_project): {votes: [topic ids], projects: [project ids]}.
export function emptyMe() { return { votes: [], projects: [] }; }

export function normaliseMe(me) {
  return {
    votes: Array.isArray(me && me.votes) ? [...me.votes] : [],
    projects: Array.isArray(me && me.projects) ? [...me.projects] : [],
  };
}

// Keep `me` in step with a public change between acks: a merge moves the vote (kept once).
export function applyChangeToMe(me, ch) {
  if (!me) return me;
  if (ch.kind === 'topic_merged' && me.votes.includes(ch.topic_id)) {
    me.votes = me.votes.filter((id) => id !== ch.topic_id);
    if (!me.votes.includes(ch.into_topic_id)) me.votes.push(ch.into_topic_id);
  }
  return me;
}

export function votesUsed(b, me) {
  // Live votes: votes on topics that still count (not withdrawn or merged away).
  if (!me) return 0;
  return me.votes.filter((id) => {
    const t = byId(b.topics, id);
    return !t || (t.state !== 'withdrawn' && t.state !== 'merged');
  }).length;
}

// ---- time helpers (slot start/end are UTC; show them in the event's time zone) ----

const fmtCache = new Map();
function fmt(tz, opts) {
  const key = tz + JSON.stringify(opts);
  let f = fmtCache.get(key);
  if (!f) {
    try { f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: tz }, opts)); }
    catch { f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: 'UTC' }, opts)); }
    fmtCache.set(key, f);
  }
  return f;
}

export function timeLabel(iso, tz) {
  return fmt(tz, { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function slotLabel(slot, tz) {
  return `${timeLabel(slot.start, tz)}–${timeLabel(slot.end, tz)}`;
}

export function dayLabel(day) {
  // `day` is a calendar date (YYYY-MM-DD) already in the event's zone: format it at noon UTC.
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return fmt('UTC', { weekday: 'short', day: 'numeric', month: 'short' }).format(d);
}

// Today's calendar date in the event's time zone.
export function todayIn(tz, now = new Date()) {
  const parts = fmt(tz, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

// Offset (ms) of time zone `tz` from UTC at instant `ms`.
function tzOffset(ms, tz) {
  const parts = fmt(tz, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
                          minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// "2026-05-15" + "11:00" in the event's zone → "2026-05-15T18:00:00Z".
export function zonedToUtcIso(day, hhmm, tz) {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = hhmm.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let utc = guess - tzOffset(guess, tz);
  utc = guess - tzOffset(utc, tz);
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
