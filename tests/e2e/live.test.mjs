// Two phones and a lobby at once: live proposals and votes, the race for a cell,
// and a hostile topic title that must stay text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, topicCard, shot, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('live');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a proposal and a vote on one phone appear live on the other phone and the lobby', async () => {
  const ada = await newPage(browser);
  const bob = await newPage(browser);
  const lobby = await newPage(browser, TV);
  await joinAs(ada, server.base, 'Ada');
  await joinAs(bob, server.base, 'Bob');
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();

  const title = 'Wheels and lock files';
  await propose(ada, title, 'Wheels, lock files and what comes next.');
  await topicCard(ada, title).getByRole('button', { name: `Vote for ${title}` }).click();
  await topicCard(ada, title).getByRole('button', { name: `Remove your vote for ${title}` }).waitFor();

  // Bob sees it with Ada's vote, without reloading.
  await topicCard(bob, title).locator('.count', { hasText: '1 vote' }).waitFor({ timeout: 5000 });
  await assert.doesNotReject(topicCard(bob, title).getByText('by Ada').waitFor());
  // The lobby shows it among the trending topics with its vote.
  const row = lobby.locator('#trending li', { hasText: title });
  await row.waitFor({ timeout: 5000 });
  assert.equal((await row.locator('.n').innerText()).split('\n')[0], '1');

  // Bob votes too: both the proposer and the lobby see 2.
  await topicCard(bob, title).getByRole('button', { name: `Vote for ${title}` }).click();
  await topicCard(ada, title).locator('.count', { hasText: '2 votes' }).waitFor({ timeout: 5000 });
  await lobby.locator('#trending li', { hasText: title }).locator('.n', { hasText: /^2/ }).waitFor({ timeout: 5000 });

  // The convener edits the title: everyone sees the new one.
  await topicCard(ada, title).getByRole('button', { name: `Edit ${title}` }).click();
  await ada.getByLabel('New title').waitFor();
  const edited = `${title} (edited)`;
  await ada.getByLabel('New title').fill(edited);
  await ada.getByRole('button', { name: 'Save', exact: true }).click();
  await topicCard(bob, edited).waitFor({ timeout: 5000 });
  await lobby.locator('#trending li', { hasText: edited }).waitFor({ timeout: 5000 });

  // The vote budget is shown when the event caps votes.
  const cap = await ada.evaluate(() => fetch('/api/events/demo').then((r) => r.json()).then((s) => s.board.event.vote_cap));
  if (cap > 0) await ada.locator('#budget', { hasText: `of ${cap}` }).waitFor();

  for (const p of [ada, bob, lobby]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await ada.context().close(); await bob.context().close(); await lobby.context().close();
});

test('a cell claimed by two phones at the same moment has one winner and a clear message for the other', async () => {
  const ada = await newPage(browser);
  const bob = await newPage(browser);
  await joinAs(ada, server.base, 'Ada2');
  await joinAs(bob, server.base, 'Bob2');
  await propose(ada, 'Async all the things');
  await propose(bob, 'Rust for Pythonistas');

  // Both look at the same day in the list view and aim at the first free cell.
  for (const p of [ada, bob]) await p.getByRole('button', { name: 'By time' }).click();
  const firstFree = async (p) => p.locator('.cells li.open button', { hasText: 'Claim' }).first().getAttribute('aria-label');
  const label = await firstFree(ada);
  assert.equal(await firstFree(bob), label);
  const aBtn = ada.getByRole('button', { name: label, exact: true });
  const bBtn = bob.getByRole('button', { name: label, exact: true });
  // Each page has exactly one own topic, so "Claim" schedules it at once. Fire both together.
  await Promise.all([aBtn.evaluate((b) => b.click()), bBtn.evaluate((b) => b.click())]);

  const [room] = label.replace(/^Claim /, '').split(' at ');
  const errA = ada.locator('.error', { hasText: /Too late/ });
  const errB = bob.locator('.error', { hasText: /Too late/ });
  await Promise.race([errA.first().waitFor({ timeout: 10000 }), errB.first().waitFor({ timeout: 10000 })]);
  await ada.waitForTimeout(300);
  const aLost = (await errA.count()) > 0;
  const bLost = (await errB.count()) > 0;
  assert.ok(aLost !== bLost, `exactly one page must lose (ada lost: ${aLost}, bob lost: ${bLost})`);
  const [winnerTitle, loserPage] = aLost ? ['Rust for Pythonistas', ada] : ['Async all the things', bob];
  // The loser sees the message next to the cell, and the cell shows the winner's topic.
  const cell = loserPage.locator('.cells li', { has: loserPage.locator('.room', { hasText: room }) }).first();
  await cell.locator('.cell-topic', { hasText: winnerTitle }).waitFor({ timeout: 5000 });
  await cell.locator('.error', { hasText: /another topic just took that slot/ }).waitFor();
  // Both agree on the board.
  for (const p of [ada, bob]) {
    await p.locator('.cells li', { has: p.locator('.room', { hasText: room }) }).first().locator('.cell-topic', { hasText: winnerTitle }).waitFor();
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await ada.context().close(); await bob.context().close();
});

test('a topic titled like HTML is shown as text and runs nothing', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const mal = await newPage(browser);
  const viewer = await newPage(browser);
  const lobby = await newPage(browser, TV);
  await joinAs(mal, server.base, 'Mallory <b>bold</b>');
  await viewer.goto(`${server.base}/e/demo`);
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  await propose(mal, evil, '<script>alert(2)</script>');
  await topicCard(mal, evil).getByRole('button', { name: `Vote for ${evil}` }).click();
  await topicCard(viewer, evil).waitFor({ timeout: 5000 });
  await lobby.locator('#trending li', { hasText: evil }).waitFor({ timeout: 5000 });
  for (const p of [mal, viewer, lobby]) {
    assert.equal(await p.locator('img[src="x"]').count(), 0, 'no <img> was created from the title');
    assert.ok(await p.getByText(evil).first().isVisible(), 'the title is visible as text');
  }
  assert.ok(await viewer.getByText('by Mallory <b>bold</b>').isVisible());
  await viewer.waitForTimeout(300);
  for (const p of [mal, viewer, lobby]) {
    assert.deepEqual(p.dialogs, [], 'no dialog fired');
    assert.deepEqual(p.problems, []);
  }
  await mal.context().close(); await viewer.context().close(); await lobby.context().close();
});

test('screenshots: phone attendee view and lobby', async () => {
  const ada = await newPage(browser);
  await joinAs(ada, server.base, 'Ada3');
  for (const [t, d] of [['Type hints at scale', 'How big codebases adopt typing.'], ['Teaching Python to kids', ''], ['Free-threaded CPython: war stories', '']]) {
    await propose(ada, t, d);
  }
  await topicCard(ada, 'Type hints at scale').getByRole('button', { name: /^Vote for/ }).click();
  await topicCard(ada, 'Type hints at scale').getByRole('button', { name: /^Remove your vote/ }).waitFor();
  await ada.getByRole('button', { name: 'By time' }).click();
  await ada.evaluate(() => { document.querySelector('details.propose').open = false; });
  await ada.evaluate(() => window.scrollTo(0, 0));
  await shot(ada, 'attendee-phone', { fullPage: false });
  await shot(ada, 'attendee-phone-full', { fullPage: true });

  // The lobby at a moment inside the event, so "now" and "next" have sessions.
  const snap = await ada.evaluate(() => fetch('/api/events/demo').then((r) => r.json()));
  const slots = [...snap.board.slots].sort((a, b) => (a.start < b.start ? -1 : 1));
  const lobbyCtx = await browser.newContext(TV);
  const lobby = await lobbyCtx.newPage();
  if (slots.length) await lobby.clock.setFixedTime(new Date(Date.parse(slots[0].start) + 10 * 60000));
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  await lobby.locator('#trending li').first().waitFor();
  await lobby.waitForTimeout(300);
  await shot(lobby, 'lobby');
  // Nothing on the lobby needs scrolling.
  const overflow = await lobby.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
  assert.ok(overflow <= 0, `lobby overflows by ${overflow}px`);
  await lobbyCtx.close(); await ada.context().close();
});
