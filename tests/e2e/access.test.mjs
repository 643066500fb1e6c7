// Organizer access tools (issue 11): single-use invitations, replacing the organizer link (and
// its automatic replacement when an organizer is removed or demoted), visibility
// `participants` (join or authenticate before subscribing; lobbies need a display link), the
// per-person caps with `cap_reached`, and `rate_limited` with `retry_after` on failed sign-ins.
// The tests run in order and share the server: the organizer link changes on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, openPropose, organizerUrl, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp; let org; let orgLink;
before(async () => {
  tmp = tempDb('access');
  server = await startServer({ db: tmp.db });
  browser = await launch();
  orgLink = organizerUrl(server);
  org = await newPage(browser, { viewport: { width: 1100, height: 900 } });
  await org.goto(orgLink);
  await org.getByLabel(/Your name/).fill('Olivia Owner');
  await org.getByRole('button', { name: 'Join as organizer' }).click();
  await org.getByText('You: Olivia Owner (organizer)').waitFor();
  await org.getByRole('heading', { name: 'Organize', level: 2 }).waitFor();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const local = (url) => url.replace(/^https?:\/\/[^/]+/, server.base);

async function joinWithLink(link, name) {
  const page = await newPage(browser);
  await page.goto(local(link));
  await page.getByLabel(/Your name/).fill(name);
  await page.getByRole('button', { name: 'Join as organizer' }).click();
  return page;
}

test('an invitation link is shown once, makes one organizer, and then stops working', async () => {
  await org.getByRole('button', { name: 'Create organizer invitation' }).click();
  const box = org.getByLabel('Invitation link (works once)', { exact: true });
  await box.waitFor();
  const link = await box.inputValue();
  assert.match(link, /\/e\/demo#invite=[A-Za-z0-9_%-]{8,}$/);
  await org.getByRole('button', { name: 'Copy Invitation link (works once)' }).waitFor();

  const ines = await joinWithLink(link, 'Ines Invited');
  await ines.getByText('You: Ines Invited (organizer)').waitFor();
  await ines.getByRole('heading', { name: 'Organize', level: 2 }).waitFor();

  const again = await joinWithLink(link, 'Ivan Again');
  await again.locator('[data-error-for="join"]', { hasText: 'This invitation is not valid or has been used already' }).waitFor();
  for (const p of [ines, again]) assert.deepEqual(p.problems, []);
  await again.context().close();

  // Removing an organizer replaces the organizer link: the new one is shown where it happened.
  const inesId = await ines.evaluate(() => window.boardwalk.self.id);
  await org.getByLabel('Find a person').fill('Ines');
  await org.getByRole('button', { name: `Remove Ines Invited #${inesId}` }).click();
  await org.getByRole('button', { name: `Yes, remove Ines Invited #${inesId}` }).click();
  await org.getByText('Ines Invited was an organizer, so the organizer code changed').waitFor({ timeout: 5000 });
  const fresh = await org.getByLabel('New organizer link', { exact: true }).inputValue();
  assert.match(fresh, /\/e\/demo#code=/);
  assert.notEqual(local(fresh), orgLink);
  await ines.getByRole('heading', { name: 'You were removed from this event' }).waitFor({ timeout: 5000 });
  await ines.context().close();

  // The printed link no longer works; the new one does.
  const late = await joinWithLink(orgLink, 'Lars Late');
  await late.locator('[data-error-for="join"]', { hasText: 'This organizer link is not valid' }).waitFor();
  await late.context().close();
  orgLink = local(fresh);
  await org.getByLabel('Find a person').fill('');
});

test('demoting an organizer and replacing the link by hand each show a new link once', async () => {
  const paul = await joinWithLink(orgLink, 'Paul Promoted');
  await paul.getByText('You: Paul Promoted (organizer)').waitFor();
  const paulId = await paul.evaluate(() => window.boardwalk.self.id);
  await org.getByLabel('Find a person').fill('Paul');
  await org.locator(`#role-${paulId}`).selectOption('attendee');
  await org.getByRole('button', { name: `Set role of Paul Promoted #${paulId}` }).click();
  await org.getByText('Paul Promoted is no longer an organizer, so the organizer code changed').waitFor({ timeout: 5000 });
  await paul.getByText('You: Paul Promoted', { exact: true }).waitFor({ timeout: 5000 });
  const afterDemote = await org.getByLabel('New organizer link', { exact: true }).inputValue();
  assert.notEqual(local(afterDemote), orgLink);
  await org.getByLabel('Find a person').fill('');
  await paul.context().close();

  await org.getByRole('button', { name: 'Replace the organizer link' }).click();
  await org.getByText(/Replace the organizer link\? Everyone who has the old one/).waitFor();
  await org.getByRole('button', { name: 'Yes, replace it' }).click();
  await org.locator('section[aria-labelledby="o-links-h"]').getByText('The old organizer link no longer works.').waitFor({ timeout: 5000 });
  const rotated = await org.getByLabel('New organizer link', { exact: true }).inputValue();
  assert.notEqual(rotated, afterDemote);
  const olga = await joinWithLink(rotated, 'Olga Rotated');
  await olga.getByText('You: Olga Rotated (organizer)').waitFor();
  const old = await joinWithLink(afterDemote, 'Otto Old');
  await old.locator('[data-error-for="join"]', { hasText: 'This organizer link is not valid' }).waitFor();
  orgLink = local(rotated);
  for (const p of [olga, old, org]) assert.deepEqual(p.problems, []);
  for (const p of [olga, old]) await p.context().close();
});

test('per-person caps: a second topic over the cap is refused in plain words', async () => {
  await org.getByLabel('Topics per person (0 = no limit)').fill('1');
  await org.getByLabel('Projects per person (0 = no limit)').fill('2');
  await org.getByRole('button', { name: 'Save limits' }).click();
  await org.waitForFunction(() => window.boardwalk.store.board.event.topic_cap === 1 && window.boardwalk.store.board.event.project_cap === 2);
  const tess = await newPage(browser);
  await joinAs(tess, server.base, 'Tess Capped');
  await tess.waitForFunction(() => window.boardwalk.store.board.event.topic_cap === 1);
  await propose(tess, 'First and only topic');
  await openPropose(tess);
  await tess.getByLabel('Title', { exact: true }).fill('One topic too many');
  await tess.getByRole('button', { name: 'Propose', exact: true }).click();
  await tess.locator('[data-error-for="propose"]', { hasText: 'You already have as many as the organizers allow per person' }).waitFor();
  // Organizers are not capped.
  await org.getByRole('link', { name: 'Open spaces' }).click();
  await propose(org, 'Organizer topic one');
  await propose(org, 'Organizer topic two');
  await org.getByRole('link', { name: 'Organize' }).click();
  await org.getByLabel('Topics per person (0 = no limit)').fill('0');
  await org.getByRole('button', { name: 'Save limits' }).click();
  await tess.waitForFunction(() => window.boardwalk.store.board.event.topic_cap === 0);
  for (const p of [tess, org]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await tess.context().close();
});

test('participants only: join before the board, lobbies need a display link, HTTP needs a secret', async () => {
  // A lobby display link made while public, and a public lobby without one.
  await org.getByRole('button', { name: 'Create lobby display link' }).click();
  const displayLink = await org.getByLabel(/^Display link for/).inputValue();
  const plainLobby = await newPage(browser, TV);
  await plainLobby.goto(`${server.base}/lobby/demo`);
  await plainLobby.locator('#conn.conn-online').waitFor();
  const member = await newPage(browser);
  await joinAs(member, server.base, 'Mona Member');

  await org.getByLabel(/^Participants only:/).check();
  await org.getByRole('button', { name: 'Save visibility' }).click();
  await org.waitForFunction(() => window.boardwalk.store.board.event.visibility === 'participants');

  // The lobby without a display link is closed and then shows nothing of the board.
  await plainLobby.getByText('This event is for participants only. Open the display link').waitFor({ timeout: 10000 });
  assert.equal(await plainLobby.evaluate(() => window.boardwalk.store.board), null);
  // A lobby with a display link authenticates before subscribing and shows the board.
  const lobby = await newPage(browser, TV);
  const sent = [];
  lobby.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(JSON.parse(String(f.payload)).type)));
  await lobby.goto(local(displayLink));
  await lobby.locator('#conn.conn-online').waitFor();
  await lobby.locator('#trending li').first().waitFor();
  assert.deepEqual(sent.slice(0, 2), ['auth', 'subscribe'], 'auth goes before subscribe');

  // A stranger gets the join form and a note, and no board until joining.
  const guest = await newPage(browser);
  await guest.goto(`${server.base}/e/demo`);
  await guest.getByText('This event is for participants only: join with your name').waitFor();
  await guest.locator('#conn', { hasText: 'Participants only' }).waitFor();
  assert.equal(await guest.locator('article.topic').count(), 0);
  const status = await guest.evaluate(() => fetch('/api/events/demo').then((r) => r.status));
  assert.equal(status, 401, 'the HTTP board needs a secret');
  guest.problems = guest.problems.filter((x) => !/status of 401/.test(x)); // that refusal was the point
  await guest.getByLabel(/Your name/).fill('Gina Guest');
  await guest.getByRole('button', { name: /^Join/ }).click();
  await guest.getByText('You: Gina Guest').waitFor();
  await guest.locator('article.topic').first().waitFor({ timeout: 5000 });

  // A member who already joined keeps working (auth before subscribe on every reconnect).
  await member.reload();
  await member.getByText('You: Mona Member').waitFor();
  await member.locator('article.topic').first().waitFor();

  for (const p of [lobby, guest, member, org]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await org.getByLabel(/^Public:/).check();
  await org.getByRole('button', { name: 'Save visibility' }).click();
  await org.waitForFunction(() => window.boardwalk.store.board.event.visibility === 'public');
  for (const p of [plainLobby, lobby, guest, member]) await p.context().close();
});

// Last: failed sign-ins from this address back off, which would slow the tests after it.
test('failed sign-ins are answered rate_limited, shown with when to try again', async () => {
  const eve = await newPage(browser);
  await eve.goto(`${server.base}/e/demo#code=not-the-code`);
  await eve.getByLabel(/Your name/).fill('Eve Guessing');
  const error = eve.locator('[data-error-for="join"]');
  let text = '';
  for (let i = 0; i < 60 && !/Try again in/.test(text); i++) {
    await eve.getByRole('button', { name: 'Join as organizer' }).click();
    await eve.waitForFunction(() => !document.querySelector('[data-key="join"][aria-disabled]'));
    await error.waitFor();
    text = await error.innerText();
  }
  assert.match(text, /Slow down a moment: too many attempts at once\. Try again in \d+ (second|seconds|minutes)\./);
  assert.deepEqual(eve.problems, []);
  await eve.context().close();
});
