// Identity and moderation: an organizer removes a participant (their open page is signed out
// at once and their vote disappears everywhere), ticket-only joining with its plain-words
// errors, and a read-only display link for a lobby screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, tempDb, launch, newPage, joinAs, propose, topicCard, organizerUrl, binary, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp; let orgLink;
before(async () => {
  tmp = tempDb('identity');
  // The first start creates the demo event (and prints its organizer link); ticket codes can
  // only be added while no server holds the database, so stop, import, start again.
  const first = await startServer({ db: tmp.db });
  orgLink = organizerUrl(first).replace(first.base, '');
  await first.stop();
  const codes = path.join(tmp.dir, 'codes.csv');
  fs.writeFileSync(codes, '# badge,name\nAAA-111,Ann\nBBB-222,Ben\n');
  if (binary().endsWith('.mjs')) execFileSync(process.execPath, [binary(), '--db', tmp.db, 'tickets', 'demo', codes], { stdio: 'pipe' });
  else execFileSync(binary(), ['--db', tmp.db, 'tickets', 'demo', codes], { stdio: 'pipe' });
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function organizer(name) {
  const org = await newPage(browser, { viewport: { width: 1100, height: 900 } });
  await org.goto(`${server.base}${orgLink}`);
  await org.getByLabel(/Your name/).fill(name);
  await org.getByRole('button', { name: 'Join as organizer' }).click();
  await org.getByText(`You: ${name} (organizer)`).waitFor();
  await org.getByRole('heading', { name: 'Organize', level: 2 }).waitFor();
  return org;
}

test('an organizer removes an attendee: their page is signed out and their vote disappears live', async () => {
  const org = await organizer('Oona');
  const ada = await newPage(browser);
  const bob = await newPage(browser);
  await joinAs(ada, server.base, 'Ada Prank');
  await joinAs(bob, server.base, 'Bob Fair');
  const title = 'Ballot stuffing for fun';
  await propose(bob, title);
  await topicCard(ada, title).getByRole('button', { name: `Vote for ${title}` }).click();
  await topicCard(bob, title).locator('.count', { hasText: '1 vote' }).waitFor({ timeout: 5000 });

  // Ada only votes, so she is not on the public board: the organizer's list comes from
  // list_participants.
  const adaId = await ada.evaluate(() => window.boardwalk.self.id);
  const orgId = await org.evaluate(() => window.boardwalk.self.id);
  assert.equal(await ada.evaluate((id) => window.boardwalk.store.board.participants.some((p) => p.id === id), adaId), false,
    'a plain attendee is not in the public participant list');
  await org.getByLabel('Find a person').fill('Oona');
  assert.equal(await org.getByRole('button', { name: `Remove Oona #${orgId}` }).count(), 0, 'no Remove button for yourself');
  await org.getByLabel('Find a person').fill('Ada Prank');
  await org.getByRole('button', { name: `Remove Ada Prank #${adaId}` }).click();
  // Asked first; Cancel keeps her.
  await org.getByText(/Remove Ada Prank\? Their device links stop working/).waitFor();
  await org.getByRole('button', { name: 'Cancel' }).click();
  await org.getByRole('button', { name: `Remove Ada Prank #${adaId}` }).click();
  await org.getByRole('button', { name: `Yes, remove Ada Prank #${adaId}` }).click();
  await org.locator('.removed-person', { hasText: 'Ada Prank' }).waitFor({ timeout: 5000 });

  // Her page says so plainly, forgets the secret and stays a read-only viewer.
  await ada.getByRole('heading', { name: 'You were removed from this event' }).waitFor({ timeout: 5000 });
  await ada.locator('.joinbox .removed', { hasText: 'An organizer removed you from this event.' }).waitFor();
  assert.equal(await ada.evaluate(() => localStorage.getItem('boardwalk:demo:identities')), null, 'the dead secret is forgotten');
  assert.equal(await ada.getByLabel(/Your name/).isVisible(), false, 'no name form for a removed person');
  // Her vote is gone on Bob's page, live.
  await topicCard(bob, title).locator('.count', { hasText: '0 votes' }).waitFor({ timeout: 5000 });
  // It reconnects as a viewer and does not try the dead secret again (no error loop).
  const sent = [];
  ada.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  await ada.locator('#conn.conn-online').waitFor({ timeout: 10000 });
  await ada.reload();
  await ada.getByRole('heading', { name: 'You were removed from this event' }).waitFor();
  await ada.locator('#conn.conn-online').waitFor();
  await topicCard(ada, title).waitFor();
  assert.deepEqual(sent.map((s) => JSON.parse(s).type).filter((t) => t !== 'subscribe'), [], 'only subscribes after removal');

  for (const p of [org, ada, bob]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  for (const p of [org, ada, bob]) await p.context().close();
});

test('ticket-only joining: the ticket field, a made-up code, a valid code, and a used one', async () => {
  const org = await organizer('Omar');
  await org.getByText('Tickets used: 0 of 2').waitFor();
  await org.getByLabel(/^Tickets: each join needs/).check();
  await org.getByRole('button', { name: 'Save join mode' }).click();
  await org.getByText(/Now: ticket holders only/).waitFor({ timeout: 5000 });

  let tia = await newPage(browser);
  await tia.goto(`${server.base}/e/demo`);
  await tia.getByLabel('Ticket code').waitFor();
  await tia.getByLabel(/Your name/).fill('Tia');
  await tia.getByLabel('Ticket code').fill('MADE-UP-1');
  await tia.getByRole('button', { name: /^Join/ }).click();
  await tia.locator('[data-error-for="join"]', { hasText: 'That ticket code is not valid for this event' }).waitFor();

  // A ticket link prefills the code and leaves the address bar clean.
  await tia.context().close();
  tia = await newPage(browser);
  await tia.goto(`${server.base}/e/demo#ticket=AAA-111`);
  await tia.getByLabel('Ticket code').waitFor();
  assert.ok(!tia.url().includes('ticket='), 'the ticket code is removed from the address bar');
  assert.equal(await tia.getByLabel('Ticket code').inputValue(), 'AAA-111');
  await tia.getByLabel(/Your name/).fill('Tia');
  await tia.getByRole('button', { name: /^Join/ }).click();
  await tia.getByText('You: Tia').waitFor();
  await org.getByText('Tickets used: 1 of 2').waitFor({ timeout: 5000 });

  const tom = await newPage(browser);
  await tom.goto(`${server.base}/e/demo`);
  await tom.getByLabel(/Your name/).fill('Tom');
  await tom.getByLabel('Ticket code').fill('AAA-111');
  await tom.getByRole('button', { name: /^Join/ }).click();
  await tom.locator('[data-error-for="join"]', {
    hasText: 'This ticket has already been used. Open your personal link on the device you joined with.',
  }).waitFor();

  // Back to open joining: the ticket field goes away live.
  await org.getByLabel(/^Open: anyone with the link/).check();
  await org.getByRole('button', { name: 'Save join mode' }).click();
  await tom.getByLabel('Ticket code').waitFor({ state: 'hidden', timeout: 5000 });

  for (const p of [org, tia, tom]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  for (const p of [org, tia, tom]) await p.context().close();
});

test('an organizer creates a lobby display link; the lobby opened with it shows the board', async () => {
  const org = await organizer('Odile');
  await org.getByLabel('Screen name (optional)').fill('Hall B TV');
  await org.getByRole('button', { name: 'Create lobby display link' }).click();
  const linkBox = org.getByLabel('Display link for “Hall B TV”');
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  assert.match(link, /\/lobby\/demo#secret=[A-Za-z0-9_%-]{20,}/);
  await org.getByText(/Shown once/).waitFor();
  await org.getByLabel('Find a person').fill('Hall B TV');
  await org.locator('.person', { hasText: 'display screen (read-only)' }).waitFor();

  const lobby = await newPage(browser, TV);
  const sent = [];
  lobby.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(JSON.parse(String(f.payload)))));
  await lobby.goto(link.replace(/^https?:\/\/[^/]+/, server.base));
  assert.ok(!lobby.url().includes('secret='), 'the secret is removed from the address bar');
  await lobby.locator('#conn.conn-online').waitFor();
  await lobby.waitForFunction(() => document.body.dataset.display === 'Hall B TV');
  const name = await org.evaluate(() => window.boardwalk.store.board.event.name);
  await lobby.locator('#lb-title', { hasText: name }).waitFor();
  assert.ok(await lobby.evaluate(() => !!localStorage.getItem('boardwalk:lobby:demo:secret')));

  // Live: a topic proposed now shows among the trending ones.
  const phone = await newPage(browser);
  await joinAs(phone, server.base, 'Lia');
  await propose(phone, 'Seen on the hallway TV');
  await lobby.locator('#trending li', { hasText: 'Seen on the hallway TV' }).waitFor({ timeout: 5000 });
  assert.deepEqual([...new Set(sent.map((m) => m.type))].sort(), ['auth', 'subscribe'], 'the lobby only subscribes and authenticates');

  for (const p of [org, lobby, phone]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  for (const p of [org, lobby, phone]) await p.context().close();
});
