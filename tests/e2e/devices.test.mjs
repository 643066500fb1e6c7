// Identity on a device (issue 11, section 4): a link that would make this device someone else
// asks first and names both; a device holds several identities and switches between them; an
// organizer link on a joined device never joins a second person silently; sign out forgets
// only the active identity, after a confirmation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, topicCard, organizerUrl, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('devices');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const identities = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('boardwalk:demo:identities') || '[]')
  .map((x) => ({ name: x.name, active: !!x.active })));
const personalLink = (page) => page.evaluate(() => `${location.origin}/e/demo#secret=${encodeURIComponent(window.boardwalk.ids.active().secret)}`);
const askBox = (page) => page.locator('section.ask');

// Types of the frames a page sends (to prove that asking sends no join or auth).
function recordSent(page) {
  const sent = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => { try { sent.push(JSON.parse(String(f.payload)).type); } catch { /* not JSON */ } }));
  return sent;
}

test('someone else’s personal link asks first with both names; switching keeps the old identity', async () => {
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  await joinAs(alice, server.base, 'Alice Device');
  await joinAs(bob, server.base, 'Bob <b>Other</b>');
  const title = 'Alice votes on this one';
  await propose(bob, title);
  await topicCard(alice, title).getByRole('button', { name: `Vote for ${title}` }).click();
  await topicCard(alice, title).getByRole('button', { name: `Remove your vote for ${title}` }).waitFor();
  const bobLink = await personalLink(bob);

  // Alice's phone opens Bob's link: nothing changes until she answers.
  await alice.goto(bobLink);
  // (Same page, new hash: the page reads it on hashchange and removes it from the address bar.)
  await alice.waitForFunction(() => !location.hash.includes('secret='));
  await askBox(alice).getByText('This device is signed in as').waitFor();
  await askBox(alice).locator('.ask-current', { hasText: 'Alice Device' }).waitFor();
  await askBox(alice).locator('.ask-other', { hasText: 'Bob <b>Other</b>' }).waitFor({ timeout: 5000 });
  assert.equal(await askBox(alice).locator('b').count(), 0, 'the name is text, not markup');
  await alice.getByText('You: Alice Device').waitFor();
  assert.deepEqual(await identities(alice), [{ name: 'Alice Device', active: true }]);

  // Stay: the question goes away, still Alice, nothing stored for Bob.
  await askBox(alice).getByRole('button', { name: 'Stay Alice Device' }).click();
  await askBox(alice).waitFor({ state: 'hidden' });
  await alice.getByText('You: Alice Device').waitFor();
  assert.deepEqual(await identities(alice), [{ name: 'Alice Device', active: true }]);

  // Open it again and switch: Bob now, Alice kept on the device.
  await alice.goto(bobLink);
  await askBox(alice).getByRole('button', { name: 'Switch to Bob <b>Other</b>' }).click();
  await alice.getByText('You: Bob <b>Other</b>').waitFor({ timeout: 5000 });
  assert.deepEqual(await identities(alice), [{ name: 'Alice Device', active: false }, { name: 'Bob <b>Other</b>', active: true }]);
  // Bob never voted for it: the page shows Bob's own votes, not Alice's.
  await topicCard(alice, title).getByRole('button', { name: `Vote for ${title}` }).waitFor();

  // Switch back from My day: Alice's vote is hers again (from the auth answer's `me`).
  await alice.getByRole('link', { name: 'My day' }).click();
  await alice.locator('.device li', { hasText: 'Bob <b>Other</b>' }).getByText('active on this device').waitFor();
  await alice.getByRole('button', { name: 'Switch to Alice Device' }).click();
  await alice.getByText('You: Alice Device').waitFor({ timeout: 5000 });
  await alice.locator('.agenda', { hasText: title }).getByText('you voted').waitFor();
  await alice.getByRole('link', { name: 'Open spaces' }).click();
  await topicCard(alice, title).getByRole('button', { name: `Remove your vote for ${title}` }).waitFor();

  // The same device reloading keeps the active one.
  await alice.reload();
  await alice.getByText('You: Alice Device').waitFor();

  for (const p of [alice, bob]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  for (const p of [alice, bob]) await p.context().close();
});

test('a personal link that is not valid changes nothing', async () => {
  const dev = await newPage(browser);
  await joinAs(dev, server.base, 'Dev Keeper');
  await dev.goto(`${server.base}/e/demo#secret=made-up-secret-123`);
  await askBox(dev).getByText('not valid (any more), so nothing changes').waitFor({ timeout: 5000 });
  await dev.getByText('You: Dev Keeper').waitFor();
  await askBox(dev).getByRole('button', { name: 'OK' }).click();
  assert.deepEqual(await identities(dev), [{ name: 'Dev Keeper', active: true }]);
  assert.deepEqual(dev.problems, []);
  await dev.context().close();
});

test('an organizer link on a joined device asks, and becoming organizer adds a new identity', async () => {
  const carl = await newPage(browser);
  await joinAs(carl, server.base, 'Carl Joined');
  const sent = recordSent(carl);
  await carl.goto(organizerUrl(server));
  await carl.waitForFunction(() => !location.hash.includes('code='));
  await askBox(carl).getByRole('heading', { name: 'Become an organizer as a new identity?' }).waitFor();
  await askBox(carl).locator('.ask-current', { hasText: 'Carl Joined' }).waitFor();
  await carl.getByText('You: Carl Joined').waitFor();
  await askBox(carl).getByRole('button', { name: 'Stay Carl Joined' }).click();
  await askBox(carl).waitFor({ state: 'hidden' });
  assert.ok(!sent.includes('join'), 'no second participant was created');
  assert.equal(await carl.getByRole('button', { name: 'Join as organizer' }).isVisible(), false);

  await carl.goto(organizerUrl(server));
  await askBox(carl).getByRole('button', { name: 'Become organizer as a new identity' }).click();
  await carl.getByRole('button', { name: 'Join as organizer' }).waitFor();
  // The set-aside identity is offered back.
  await carl.getByRole('button', { name: 'Continue as Carl Joined' }).waitFor();
  assert.ok(!sent.includes('join'), 'still nothing joined before the name is given');
  await carl.getByLabel(/Your name/).fill('Carla Organizer');
  await carl.getByRole('button', { name: 'Join as organizer' }).click();
  await carl.getByText('You: Carla Organizer (organizer)').waitFor();
  assert.deepEqual(await identities(carl), [{ name: 'Carl Joined', active: false }, { name: 'Carla Organizer', active: true }]);
  assert.equal(sent.filter((t) => t === 'join').length, 1);

  // A #code link while already an organizer asks too, and staying changes nothing.
  await carl.goto(organizerUrl(server));
  await askBox(carl).locator('.ask-current', { hasText: 'Carla Organizer (organizer)' }).waitFor();
  await askBox(carl).getByRole('button', { name: 'Stay Carla Organizer' }).click();
  assert.equal(sent.filter((t) => t === 'join').length, 1);
  assert.deepEqual(carl.problems, []);
  await carl.context().close();
});

test('sign out forgets only the active identity, after saying it cannot be undone', async () => {
  const dana = await newPage(browser);
  await joinAs(dana, server.base, 'Dana First');
  const erin = await newPage(browser);
  await joinAs(erin, server.base, 'Erin Second');
  await dana.goto(await personalLink(erin));
  await askBox(dana).getByRole('button', { name: 'Switch to Erin Second' }).click();
  await dana.getByText('You: Erin Second').waitFor();

  await dana.getByRole('link', { name: 'My day' }).click();
  await dana.getByRole('button', { name: 'Sign out / forget this device' }).click();
  await dana.getByText(/Forget Erin Second on this device\? This cannot be undone unless you kept your personal link/).waitFor();
  await dana.getByRole('button', { name: 'Cancel' }).click();
  await dana.getByText('You: Erin Second').waitFor();
  await dana.getByRole('button', { name: 'Sign out / forget this device' }).click();
  await dana.getByRole('button', { name: 'Yes, forget Erin Second here' }).click();

  // Signed out: the join form, Dana offered back, Erin gone from this device only.
  await dana.getByLabel(/Your name/).waitFor();
  assert.equal(await dana.locator('#whoami').isVisible(), false);
  assert.deepEqual(await identities(dana), [{ name: 'Dana First', active: false }]);
  await erin.reload();
  await erin.getByText('You: Erin Second').waitFor();
  await dana.getByRole('button', { name: 'Continue as Dana First' }).click();
  await dana.getByText('You: Dana First').waitFor({ timeout: 5000 });

  // Forgetting the last one leaves nothing behind.
  await dana.getByRole('link', { name: 'My day' }).click();
  await dana.getByRole('button', { name: 'Sign out / forget this device' }).click();
  await dana.getByRole('button', { name: 'Yes, forget Dana First here' }).click();
  await dana.getByLabel(/Your name/).waitFor();
  assert.equal(await dana.evaluate(() => localStorage.getItem('boardwalk:demo:identities')), null);
  for (const p of [dana, erin]) assert.deepEqual(p.problems, []);
  for (const p of [dana, erin]) await p.context().close();
});

test('a device from before keeps its single stored secret as its active identity', async () => {
  const old = await newPage(browser);
  await joinAs(old, server.base, 'Olive Legacy');
  const secret = await old.evaluate(() => window.boardwalk.ids.active().secret);
  await old.evaluate((s) => {
    localStorage.removeItem('boardwalk:demo:identities');
    localStorage.setItem('boardwalk:demo:secret', s);
  }, secret);
  await old.reload();
  await old.getByText('You: Olive Legacy').waitFor();
  assert.equal(await old.evaluate(() => localStorage.getItem('boardwalk:demo:secret')), null);
  assert.deepEqual(await identities(old), [{ name: 'Olive Legacy', active: true }]);
  await old.context().close();
});
