// Every change kind reaches a watching page and its board equals a fresh snapshot, both live
// and when the page was offline and resyncs with `since` (replayed changes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, organizerUrl, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('resync');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Send commands through the page's own connection; returns the acks (or error codes).
function run(page, cmds) {
  return page.evaluate(async (list) => {
    const out = [];
    const ids = {};
    for (const c of list) {
      const msg = JSON.parse(JSON.stringify(c).replace(/"\$(\w+)"/g, (_, k) => String(ids[k])));
      delete msg.as;
      // The server allows about 10 changes a second per person (bursts of 30): a burst this
      // long is told `rate_limited`, and waits a moment like a person would.
      for (let attempt = 0; ; attempt++) {
        try {
          const ack = await window.boardwalk.conn.request(msg);
          for (const k of ['topic_id', 'project_id', 'room_id', 'slot_id']) if (ack[k]) ids[`${c.as || k}`] = ack[k];
          out.push('ok');
        } catch (e) {
          if (e.code === 'rate_limited' && attempt < 10) { await new Promise((r) => setTimeout(r, 300)); continue; }
          out.push(`${c.type}: ${e.code} ${e.message}`);
        }
        break;
      }
    }
    return out;
  }, cmds);
}

async function organizer() {
  const org = await newPage(browser, { viewport: { width: 1000, height: 800 } });
  await org.goto(organizerUrl(server));
  await org.getByLabel(/Your name/).fill('Orla');
  await org.getByRole('button', { name: 'Join as organizer' }).click();
  await org.getByText('You: Orla (organizer)').waitFor();
  return org;
}

function everyKind(day, sprintDay, suffix) {
  return [
    { type: 'add_room', name: `Room R${suffix}`, kind: 'open_space', capacity: 30, as: 'room' },
    { type: 'add_room', name: `Table T${suffix}`, kind: 'sprint', capacity: 8, as: 'table' },
    { type: 'add_slot', day, start: `${day}T08:00:00Z`, end: `${day}T09:00:00Z`, as: 'slot' },
    { type: 'propose_topic', title: `Topic A${suffix}`, description: 'line one\nline two', as: 'a' },
    { type: 'propose_topic', title: `Topic B${suffix}`, as: 'b' },
    { type: 'propose_topic', title: `Topic C${suffix}`, as: 'c' },
    { type: 'vote', topic_id: '$a' },
    { type: 'vote', topic_id: '$b' },
    { type: 'edit_topic', topic_id: '$a', title: `Topic A${suffix} (renamed)` },
    { type: 'schedule_topic', topic_id: '$a', room_id: '$room', slot_id: '$slot' },
    { type: 'unschedule_topic', topic_id: '$a' },
    { type: 'schedule_topic', topic_id: '$b', room_id: '$room', slot_id: '$slot' },
    { type: 'hide_topic', topic_id: '$b' },
    { type: 'unhide_topic', topic_id: '$b' },
    { type: 'merge_topic', topic_id: '$b', into_topic_id: '$a' },
    { type: 'unvote', topic_id: '$a' },
    { type: 'withdraw_topic', topic_id: '$c' },
    { type: 'set_vote_cap', vote_cap: 7 },
    { type: 'set_locks', proposals: true, voting: false },
    { type: 'set_locks', proposals: false, voting: false },
    { type: 'create_project', name: `Proj P${suffix}`, repo_url: 'https://example.org/p', skills: ['python'], level: 'any', first_timers: true, days: [sprintDay], capacity: 4, as: 'p' },
    { type: 'create_project', name: `Proj Q${suffix}`, repo_url: 'https://example.org/q', days: [sprintDay], as: 'q' },
    { type: 'claim_table', project_id: '$p', day: sprintDay, room_id: '$table' },
    { type: 'edit_project', project_id: '$p', description: 'edited' },
    { type: 'join_project', project_id: '$p' },
    { type: 'leave_project', project_id: '$p' },
    { type: 'join_project', project_id: '$p' },
    { type: 'hide_project', project_id: '$q' },
    { type: 'unhide_project', project_id: '$q' },
    { type: 'release_table', project_id: '$p', day: sprintDay },
    { type: 'claim_table', project_id: '$q', day: sprintDay, room_id: '$table' },
    { type: 'withdraw_project', project_id: '$q' },
  ];
}

// A participant who votes on a live and a withdrawn topic and joins a project, so that
// removing them exercises every part of `participant_removed`.
async function voterToRemove(name) {
  const vic = await newPage(browser);
  await joinAs(vic, server.base, name);
  const projectId = await vic.evaluate(() => window.boardwalk.store.board.projects.find((p) => p.state === 'active').id);
  const results = await run(vic, [
    { type: 'propose_topic', title: `${name} live`, as: 'x' },
    { type: 'propose_topic', title: `${name} withdrawn`, as: 'y' },
    { type: 'vote', topic_id: '$x' },
    { type: 'vote', topic_id: '$y' },
    { type: 'withdraw_topic', topic_id: '$y' },
    { type: 'join_project', project_id: projectId },
  ]);
  assert.deepEqual(results.filter((r) => r !== 'ok'), []);
  const id = await vic.evaluate(() => window.boardwalk.self.id);
  return { vic, id };
}

// The identity kinds: a display screen joins, the join mode switches, limits change, an
// invitation is issued, a participant is removed. (Rotating the organizer code is left to
// access.test.mjs: it would end the organizer link the next test opens.)
function identityKinds(removeId) {
  return [
    { type: 'create_display', name: 'Hall TV' },
    { type: 'set_join_mode', mode: 'tickets' },
    { type: 'set_join_mode', mode: 'open' },
    { type: 'set_caps', topic_cap: 7, project_cap: 2 },
    { type: 'create_invitation' },
    { type: 'remove_participant', participant_id: removeId },
  ];
}

test('every change kind, applied live, gives exactly the server snapshot', async () => {
  const org = await organizer();
  const watcher = await newPage(browser);
  await joinAs(watcher, server.base, 'Wes');
  const lobby = await newPage(browser, TV);
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  const sprintDay = await org.evaluate(() => window.boardwalk.store.board.event.sprint_days[0]);
  const wesId = await watcher.evaluate(() => window.boardwalk.self.id);
  const { vic, id: vicId } = await voterToRemove('Vic');
  const results = await run(org, [...everyKind('2031-03-03', sprintDay, '1'),
    { type: 'add_maintainer', project_id: 1, participant_id: wesId },
    { type: 'set_role', participant_id: wesId, role: 'organizer' }]);
  assert.deepEqual(results.filter((r) => r !== 'ok'), []);
  assert.deepEqual((await run(org, identityKinds(vicId))).filter((r) => r !== 'ok'), []);
  await vic.context().close();
  for (const p of [org, watcher, lobby]) {
    await assertBoardMatchesServer(p, assert);
    assert.deepEqual(p.problems, []);
  }
  await watcher.getByText('You: Wes (organizer)').waitFor();
  for (const p of [org, watcher, lobby]) await p.context().close();
});

test('a page that was offline replays what it missed with `since` and matches the server', async () => {
  const org = await organizer();
  const lobby = await newPage(browser, TV);
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  const before = await lobby.evaluate(() => window.boardwalk.store.seq);
  // Cut the lobby off and keep it from reconnecting while the board changes.
  await lobby.evaluate(() => {
    const c = window.boardwalk.conn;
    c.realOpen = c.open;
    c.open = () => { c.setStatus('offline'); };
    c.drop();
  });
  await lobby.locator('#conn.conn-offline').waitFor();
  const sprintDay = await org.evaluate(() => window.boardwalk.store.board.event.sprint_days[0]);
  const { vic, id: vicId } = await voterToRemove('Val');
  const results = await run(org, everyKind('2031-04-04', sprintDay, '2'));
  assert.deepEqual(results.filter((r) => r !== 'ok'), []);
  assert.deepEqual((await run(org, identityKinds(vicId))).filter((r) => r !== 'ok'), []);
  await vic.context().close();
  assert.equal(await lobby.evaluate(() => window.boardwalk.store.seq), before, 'nothing arrived while offline');
  // Reconnect: the page subscribes with since=<its seq> and gets the missed changes replayed.
  const sent = [];
  lobby.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  await lobby.evaluate(() => { const c = window.boardwalk.conn; c.open = c.realOpen; c.kick(); });
  await lobby.locator('#conn.conn-online').waitFor();
  await assertBoardMatchesServer(lobby, assert);
  const sub = sent.map((s) => JSON.parse(s)).find((m) => m.type === 'subscribe');
  assert.equal(sub.since, before, 'resubscribed from its last seq');
  await lobby.locator('#trending li', { hasText: 'Topic A2 (renamed)' }).waitFor();
  assert.deepEqual(lobby.problems, []);
  for (const p of [org, lobby]) await p.context().close();
});
