// Lobby display (/lobby/<slug>): read-only, never joins or sends commands, runs for days.
// With a display link (/lobby/<slug>#secret=…, made by an organizer) it stores the secret per
// event, removes it from the address bar and presents it with `auth` on every new connection
// before subscribing (a `participants`-only event needs this); without one it simply
// subscribes, which works for public events only.
// Reconnects forever and resyncs from its last seq (see conn.js); re-renders on every change
// and every 20 s so "now" and "next" follow the clock.
import {
  Store, find, slotsSorted, openSpaceRooms, topicInCell, unscheduled, liveProjects,
  slotLabel, dayLabel, timeLabel, todayIn,
} from './board.js';
import { Connection } from './conn.js';
import { h } from './dom.js';

const m = location.pathname.match(/^\/lobby\/([^/]+)\/?$/);
const slug = m ? decodeURIComponent(m[1]) : (new URLSearchParams(location.search).get('event') || 'demo');
const store = new Store(slug);
const $ = (id) => document.getElementById(id);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

const secretKey = `boardwalk:lobby:${slug}:secret`;
const safeGet = (k) => { try { return localStorage.getItem(k); } catch { return null; } };
const safeSet = (k, v) => { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch { /* private mode */ } };
let secret = safeGet(secretKey);
function readHash() {
  const hash = location.hash.slice(1);
  if (!hash.includes('=')) return;
  const s = new URLSearchParams(hash).get('secret');
  history.replaceState(null, '', location.pathname + location.search);
  if (s) { secret = s; safeSet(secretKey, s); authedWs = null; if (conn) conn.restart(); }
}
let authedWs = null;
let conn = null;
readHash();
window.addEventListener('hashchange', readHash);

// Identify as this event's display screen. Never fatal for a public event: the lobby shows the
// public board anyway.
async function authenticate() {
  if (!secret || !conn.ws || authedWs === conn.ws) return;
  const ws = conn.ws;
  authedWs = ws;
  try {
    const ack = await conn.send({ type: 'auth', event: slug, secret });
    document.body.dataset.display = ack.participant.name;
  } catch (e) {
    if (e.code === 'bad_secret' || e.code === 'not_found') {
      // Revoked (removed by an organizer) or never valid: forget it, stay a public screen.
      secret = null;
      safeSet(secretKey, null);
      delete document.body.dataset.display;
    } else if (authedWs === ws) {
      // Rate limited or offline: try again on a fresh connection (a participants-only event
      // shows nothing until then).
      authedWs = null;
      const wait = Math.max(3000, (e.retryAfter || 0) * 1000);
      setTimeout(() => { if (conn.ws === ws && authedWs === null) conn.restart(); }, wait);
    }
  }
}

const qr = $('qr');
const qrSrc = () => `/api/events/${encodeURIComponent(slug)}/qr.svg`;
qr.src = qrSrc();
let qrBroken = false;
qr.addEventListener('error', () => { qrBroken = true; });
$('qr-url').textContent = `${location.host}/e/${slug}`;

conn = new Connection({
  slug, store, idleCheckMs: 30000,
  onStatus(status) {
    const el = $('conn');
    el.className = `conn conn-${status}`;
    el.querySelector('.conn-text').textContent = { online: 'Live', connecting: 'Connecting…', offline: 'Offline — reconnecting', not_found: `No event “${slug}”`, members_only: 'Participants only: needs a display link' }[status] || status;
  },
  beforeSubscribe: authenticate,
  onReady() {
    document.body.classList.remove('members-only');
    if (qrBroken) { qrBroken = false; qr.src = `${qrSrc()}?t=${Date.now()}`; }
  },
  onNotJoined() {
    // Participants only, and this screen has no (valid) display link: show nothing of the board.
    store.board = null;
    store.seq = 0;
    document.body.classList.add('members-only');
    $('now').replaceChildren(h('p', { class: 'day-note' },
      'This event is for participants only. Open the display link an organizer created for this screen.'));
    $('trending').replaceChildren();
    $('sprint-list').replaceChildren();
  },
});

window.boardwalk = { store, conn }; // for debugging and the e2e tests

let queued = false;
function schedule() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => { queued = false; render(); });
}
store.onChange(schedule);
window.addEventListener('resize', schedule);
setInterval(schedule, 20000);
setInterval(tick, 1000);
conn.start();
tick();

function tz() { return (store.board && store.board.event.timezone) || 'UTC'; }

function tick() {
  const now = new Date();
  $('lb-clock').textContent = timeLabel(now.toISOString(), tz());
  $('lb-day').textContent = dayLabel(todayIn(tz(), now));
}

function render() {
  const b = store.board;
  if (!b) return;
  $('lb-title').textContent = b.event.name;
  document.title = `${b.event.name} · lobby`;
  renderNow(b);
  renderTrending(b);
  renderSprints(b);
  tick();
}

function topicCell(b, t) {
  if (!t) return h('td', null, h('span', { class: 'none' }, 'free'));
  return h('td', null, h('span', { class: 't' }, t.title), h('span', { class: 'v' }, plural(t.votes, 'vote', 'votes')));
}

function renderNow(b) {
  const box = $('now');
  const now = Date.now();
  const slots = slotsSorted(b);
  const rooms = openSpaceRooms(b);
  const current = slots.find((s) => Date.parse(s.start) <= now && now < Date.parse(s.end)) || null;
  const after = current ? Date.parse(current.end) : now;
  const next = slots.find((s) => Date.parse(s.start) >= after && s !== current) || null;
  if (!rooms.length || (!current && !next)) {
    box.replaceChildren(h('p', { class: 'day-note' }, slots.length ? 'No more open-space sessions scheduled.' : 'Open spaces have not been set up yet.'));
    return;
  }
  const today = todayIn(tz());
  const label = (s) => (s.day === today ? slotLabel(s, tz()) : `${dayLabel(s.day)} ${slotLabel(s, tz())}`);
  const cols = [];
  if (current) cols.push({ title: `Now · ${label(current)}`, slot: current });
  if (next) cols.push({ title: `Next · ${label(next)}`, slot: next });
  const table = h('table', { class: 'rooms' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Room'), cols.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', null, rooms.map((r) => h('tr', null, h('th', { scope: 'row' }, r.name),
      cols.map((c) => topicCell(b, topicInCell(b, r.id, c.slot.id)))))));
  box.replaceChildren(table);
  // Rooms that do not fit are summarised rather than scrolled.
  const rows = [...table.tBodies[0].rows];
  let hidden = 0;
  while (rows.length > 1 && table.offsetHeight > box.clientHeight) { rows.pop().remove(); hidden += 1; }
  if (hidden) box.append(h('p', { class: 'more' }, `+ ${plural(hidden, 'more room', 'more rooms')} on your phone`));
}

function renderTrending(b) {
  const list = $('trending');
  // Most votes first; among equals the newest first, so fresh topics get seen.
  const topics = unscheduled(b).sort((x, y) => y.votes - x.votes || y.id - x.id).slice(0, 12);
  if (!topics.length) {
    list.replaceChildren(h('li', null, h('span', { class: 't' }, 'No topics waiting — propose one from your phone!')));
    return;
  }
  list.replaceChildren(...topics.map((t) => h('li', null,
    h('span', { class: 'n' }, String(t.votes), h('small', null, t.votes === 1 ? 'vote' : 'votes')),
    h('span', { class: 't' }, t.title))));
  fit(list, (n) => `+ ${plural(n, 'more topic', 'more topics')}`);
}

function sprintDay(b) {
  const daysList = [...b.event.sprint_days].sort();
  if (!daysList.length) return null;
  const today = todayIn(tz());
  return daysList.includes(today) ? today : (daysList.find((d) => d > today) || daysList[daysList.length - 1]);
}

function renderSprints(b) {
  const list = $('sprint-list');
  const day = sprintDay(b);
  const heading = $('sprint-h');
  const projects = liveProjects(b).filter((p) => !day || p.days.includes(day));
  heading.textContent = day ? `Sprints · ${day === todayIn(tz()) ? 'today' : dayLabel(day)}` : 'Sprints';
  if (!projects.length) {
    list.replaceChildren(h('li', null, 'No sprint projects listed yet.'));
    return;
  }
  const roomName = (id) => { const r = find(b.rooms, id); return r ? r.name : ''; };
  // Projects with a table first (by table name), then the rest by name.
  const tableOf = (p) => (day && p.tables[day] ? roomName(p.tables[day]) : null);
  projects.sort((x, y) => (tableOf(x) === null) - (tableOf(y) === null)
    || (tableOf(x) || '').localeCompare(tableOf(y) || '', undefined, { numeric: true }) || x.name.localeCompare(y.name));
  list.replaceChildren(...projects.map((p) => {
    const room = day ? p.tables[day] : null;
    const wanted = p.capacity === null || p.capacity === undefined ? null : Math.max(0, p.capacity - p.attendee_count);
    const need = wanted === null ? 'all welcome' : wanted > 0 ? `needs ${wanted} more` : 'full';
    return h('li', null,
      h('div', null, h('span', { class: 'p' }, p.name), ' · ', h('span', { class: 'where' }, room ? roomName(room) : 'table to be announced')),
      h('div', { class: 'small' }, h('span', { class: 'need' }, need),
        p.first_timers ? ' · ★ first-timers welcome' : '',
        p.skills.length ? ` · ${p.skills.slice(0, 4).join(', ')}` : ''));
  }));
  fit(list, (n) => `+ ${plural(n, 'more project', 'more projects')} on your phone`);
}

// Drop list items that do not fit and say how many were left out.
function fit(list, moreText) {
  if (list.scrollHeight <= list.clientHeight + 1) return;
  const items = [...list.children];
  const more = h('li', { class: 'more' });
  list.append(more);
  let hidden = 0;
  while (items.length > 1 && list.scrollHeight > list.clientHeight + 1) {
    items.pop().remove();
    hidden += 1;
    more.textContent = moreText(hidden);
  }
}
