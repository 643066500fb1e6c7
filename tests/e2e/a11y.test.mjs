// Accessibility basics that a browser can check: landmarks, labelled controls,
// keyboard use without losing focus on live updates, and reflow at 200 % zoom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, topicCard, TV } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('a11y');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => {
      if (el.tagName === 'BUTTON') return !(el.getAttribute('aria-label') || el.textContent.trim());
      return !(el.labels && el.labels.length) && !el.getAttribute('aria-label');
    }).map((el) => el.outerHTML.slice(0, 80)));
}

test('landmarks and labels on every screen', async () => {
  const page = await newPage(browser);
  await joinAs(page, server.base, 'Kim');
  await propose(page, 'Accessible dashboards');
  for (const view of ['spaces', 'sprints', 'me', 'new-project']) {
    await page.goto(`${server.base}/e/demo#/${view}`);
    await page.locator('main .view h2').first().waitFor();
    assert.equal(await page.locator('header').count(), 1);
    assert.equal(await page.locator('nav[aria-label]').count(), 1);
    assert.equal(await page.locator('main').count(), 1);
    assert.deepEqual(await unlabelled(page), [], `unlabelled controls on ${view}`);
  }
  const lobby = await newPage(browser, TV);
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  assert.equal(await lobby.locator('main').count(), 1);
  assert.ok(await lobby.locator('#qr').getAttribute('alt'));
  await page.context().close(); await lobby.context().close();
});

test('voting with the keyboard keeps focus on the button through the live update', async () => {
  const page = await newPage(browser);
  await joinAs(page, server.base, 'Lee');
  await propose(page, 'Keyboard first');
  const vote = topicCard(page, 'Keyboard first').getByRole('button', { name: 'Vote for Keyboard first' });
  await vote.focus();
  await page.keyboard.press('Enter');
  await topicCard(page, 'Keyboard first').getByRole('button', { name: 'Remove your vote for Keyboard first' }).waitFor();
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('aria-label'));
  assert.equal(focused, 'Remove your vote for Keyboard first');
  // The state is not told by colour alone: the button's text and aria-pressed change too.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-pressed')), 'true');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Voted/);
  await page.context().close();
});

test('at 200 % zoom (180 CSS px wide) the phone screens reflow without sideways scrolling', async () => {
  const page = await newPage(browser, { viewport: { width: 180, height: 370 }, deviceScaleFactor: 2 });
  await joinAs(page, server.base, 'Zoe');
  await propose(page, 'A rather long topic title that must wrap nicely on small screens');
  for (const view of ['spaces', 'sprints', 'me', 'new-project']) {
    await page.goto(`${server.base}/e/demo#/${view}`);
    await page.locator('main .view h2').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${view} overflows sideways by ${overflow}px at 200 % zoom`);
  }
  await page.context().close();
});

test('the start page lists events; an unknown event says so in words', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/`);
  await page.getByRole('heading', { name: 'Pick your event' }).waitFor();
  const link = page.locator('.cards a[href="/e/demo"]');
  await link.waitFor();
  await link.click();
  await page.getByLabel(/Your name/).waitFor();
  await page.goto(`${server.base}/e/no-such-event`);
  await page.getByRole('heading', { name: 'No such event' }).waitFor();
  assert.match(await page.locator('#conn').innerText(), /No such event/);
  await page.context().close();
});
