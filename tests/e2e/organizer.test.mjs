// Organizer tools (from the organizer link the server prints), moderation seen live by
// attendees, locks and vote caps with their messages, and identity across devices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, openPropose, topicCard, shot, organizerUrl, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('organizer');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('an organizer sets up rooms, slots, votes and locks, and moderates topics', async () => {
  const org = await newPage(browser, { viewport: { width: 1100, height: 900 } });
  await org.goto(organizerUrl(server));
  assert.ok(!org.url().includes('code='), 'the organizer code is removed from the address bar');
  await org.getByLabel(/Your name/).fill('Olga');
  await org.getByRole('button', { name: 'Join as organizer' }).click();
  await org.getByText('You: Olga (organizer)').waitFor();
  await org.getByRole('heading', { name: 'Organize', level: 2 }).waitFor();

  const ada = await newPage(browser);
  await joinAs(ada, server.base, 'Ada Tester');
  await propose(ada, 'Testing with hypothesis');
  await propose(ada, 'Property-based testing');
  await propose(ada, 'Pytest plugins');

  // Vote cap 2: Ada sees her budget, and a third vote is refused with a clear message.
  await org.getByLabel(/Votes per person/).fill('2');
  await org.getByRole('button', { name: 'Save', exact: true }).click();
  await ada.locator('#budget', { hasText: 'Votes left: 2 of 2' }).waitFor({ timeout: 5000 });
  for (const t of ['Testing with hypothesis', 'Property-based testing']) {
    await topicCard(ada, t).getByRole('button', { name: `Vote for ${t}` }).click();
    await topicCard(ada, t).getByRole('button', { name: `Remove your vote for ${t}` }).waitFor();
  }
  await ada.locator('#budget', { hasText: 'Votes left: 0 of 2' }).waitFor();
  await topicCard(ada, 'Pytest plugins').getByRole('button', { name: 'Vote for Pytest plugins' }).click();
  await topicCard(ada, 'Pytest plugins').locator('.error', { hasText: 'Your votes are all used up' }).waitFor();

  // A new room and a new day's slot appear on the attendee's schedule.
  await org.getByLabel('Room or table name').fill('Hall Z');
  await org.getByLabel('Kind').selectOption('open_space');
  await org.getByLabel('Capacity (people)').fill('80');
  await org.getByRole('button', { name: 'Add room' }).click();
  await org.locator('li', { hasText: 'Hall Z' }).first().waitFor();
  await org.getByLabel('Day', { exact: true }).fill('2030-01-15');
  await org.getByLabel('Starts').fill('11:00');
  await org.getByLabel('Ends').fill('12:00');
  await org.getByRole('button', { name: 'Add slot' }).click();
  await org.locator('li', { hasText: /Jan 15|15 Jan/ }).first().waitFor();
  const sunday = ada.getByRole('button', { name: /Jan 15|15 Jan/ });
  await sunday.waitFor({ timeout: 5000 });
  await sunday.click();
  await ada.locator('.daytabs button[aria-pressed="true"]', { hasText: /Jan 15|15 Jan/ }).waitFor();
  await ada.locator('.cells li', { hasText: 'Hall Z' }).first().waitFor();
  assert.equal(await ada.locator('.cells li', { hasText: 'Hall Z' }).count(), 1, 'one slot on the new day');
  await ada.locator('h4', { hasText: '11:00–12:00' }).waitFor();

  // Lock proposals: the attendee is told why proposing fails.
  await org.getByLabel(/Lock proposals/).check();
  await org.getByRole('button', { name: 'Save locks' }).click();
  await ada.getByText('New proposals are closed by the organizers.').waitFor({ timeout: 5000 });
  await openPropose(ada);
  await ada.getByLabel('Title', { exact: true }).fill('Too late to propose');
  await ada.getByRole('button', { name: 'Propose', exact: true }).click();
  await ada.locator('[data-error-for="propose"]', { hasText: 'locked' }).waitFor();
  await org.getByLabel(/Lock proposals/).uncheck();
  await org.getByRole('button', { name: 'Save locks' }).click();
  await ada.getByText('New proposals are closed by the organizers.').waitFor({ state: 'detached', timeout: 5000 });

  // Hide a topic: gone for attendees; unhide: back.
  const row = (t) => org.locator('.modlist > li', { has: org.locator('strong', { hasText: t }) });
  await row('Pytest plugins').getByRole('button', { name: 'Hide Pytest plugins' }).click();
  await topicCard(ada, 'Pytest plugins').waitFor({ state: 'detached', timeout: 5000 });
  await row('Pytest plugins').getByRole('button', { name: 'Unhide' }).click();
  await topicCard(ada, 'Pytest plugins').waitFor({ timeout: 5000 });

  // Merge a duplicate: it disappears and its vote moves.
  const into = await org.evaluate(() => window.boardwalk.store.board.topics.find((t) => t.title === 'Testing with hypothesis').id);
  await row('Property-based testing').locator('select').selectOption(String(into));
  await row('Property-based testing').getByRole('button', { name: /^Merge/ }).click();
  await topicCard(ada, 'Property-based testing').waitFor({ state: 'detached', timeout: 5000 });
  await ada.locator('#budget', { hasText: 'Votes left: 1 of 2' }).waitFor();
  await topicCard(ada, 'Testing with hypothesis').locator('.count', { hasText: '1 vote' }).waitFor();

  // Roles: make Ada a maintainer.
  await org.getByLabel('Find a person').fill('Ada Tester');
  const adaId = await ada.evaluate(() => window.boardwalk.self.id);
  await org.locator(`#role-${adaId}`).selectOption('maintainer');
  await org.getByRole('button', { name: `Set role of Ada Tester #${adaId}` }).click();
  await ada.getByText('You: Ada Tester (maintainer)').waitFor({ timeout: 5000 });
  await org.getByLabel('Find a person').fill('');

  await org.evaluate(() => window.scrollTo(0, 0));
  await shot(org, 'organizer', { fullPage: true });
  for (const p of [org, ada]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await org.context().close(); await ada.context().close();
});

test('a personal link continues the same person on another device; a bad secret asks for a name', async () => {
  const phone = await newPage(browser);
  await joinAs(phone, server.base, 'Pia');
  await phone.getByRole('link', { name: 'My day' }).click();
  await phone.getByText('Continue on another device').click();
  const link = await phone.getByLabel('Your personal link').inputValue();
  assert.match(link, /\/e\/demo#secret=/);

  const laptop = await newPage(browser, { viewport: { width: 1000, height: 800 } });
  await laptop.goto(link.replace(/^https?:\/\/[^/]+/, server.base));
  await laptop.getByText('You: Pia').waitFor();
  assert.ok(!laptop.url().includes('secret='), 'the secret is removed from the address bar');
  // Reloading keeps the identity (localStorage).
  await laptop.reload();
  await laptop.getByText('You: Pia').waitFor();

  // A secret the server does not know is forgotten and the name form comes back.
  const stranger = await newPage(browser);
  await stranger.goto(`${server.base}/e/demo#secret=not-a-real-secret`);
  await stranger.getByText('We could not recognise this device any more').waitFor();
  await stranger.getByLabel(/Your name/).waitFor();
  assert.equal(await stranger.evaluate(() => localStorage.getItem('boardwalk:demo:identities')), null);
  for (const p of [phone, laptop, stranger]) assert.deepEqual(p.problems, []);
  for (const p of [phone, laptop, stranger]) await p.context().close();
});
