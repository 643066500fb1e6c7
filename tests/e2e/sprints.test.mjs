// Sprints: a maintainer lists a project and claims a table; an attendee filters, joins and
// leaves; the maintainer sees who joined; a taken table gives a clear message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, shot, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('sprints');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function createProject(page, p) {
  await page.goto(`${page.url().split('#')[0]}#/new-project`);
  await page.getByLabel('Project name').fill(p.name);
  await page.getByLabel('Repository URL').fill(p.repo);
  await page.getByLabel('What do you need help with?').fill(p.description);
  await page.getByLabel(/Skills wanted/).fill(p.skills);
  await page.getByLabel('Level', { exact: true }).selectOption(p.level);
  await page.getByLabel('First-time contributors welcome').setChecked(p.first);
  if (p.capacity) await page.getByLabel(/How many sprinters/).fill(String(p.capacity));
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('heading', { level: 2, name: p.name }).waitFor();
}

test('maintainers list projects and claim tables; attendees filter, join and leave', async () => {
  const mia = await newPage(browser);
  const max = await newPage(browser);
  const sam = await newPage(browser);
  await joinAs(mia, server.base, 'Mia');
  await joinAs(max, server.base, 'Max');
  await joinAs(sam, server.base, 'Sam');

  const snap = await mia.evaluate(() => fetch('/api/events/demo').then((r) => r.json()));
  const sprintDays = snap.board.event.sprint_days;
  const tables = snap.board.rooms.filter((r) => r.kind === 'sprint');
  assert.ok(sprintDays.length > 0 && tables.length > 0, 'the demo event has sprint days and tables');

  await createProject(mia, { name: 'attrs-e2e', repo: 'https://github.com/python-attrs/attrs', description: 'Docs, typing and first PRs.\nMentors at the table.', skills: 'python, docs', level: 'beginner', first: true, capacity: 3 });
  await createProject(max, { name: 'pyo3-e2e', repo: 'https://github.com/PyO3/pyo3', description: 'Rust bindings.', skills: 'rust, python', level: 'advanced', first: false });

  // Mia claims a table for the first sprint day.
  const day = sprintDays[0];
  const pick = mia.locator('select[id^="tsel-"]').first();
  const freeTable = await pick.locator('option').first().getAttribute('value');
  await pick.selectOption(freeTable);
  await mia.getByRole('button', { name: 'Claim table' }).first().click();
  const tableName = tables.find((t) => String(t.id) === freeTable).name;
  await mia.getByText(`(now: ${tableName})`).waitFor();

  // Max cannot take a table Mia holds: the option is gone; racing through the protocol gives table_taken.
  const maxTaken = await max.evaluate(async ({ day, room }) => {
    const b = window.boardwalk;
    const p = b.store.board.projects.find((x) => x.name === 'pyo3-e2e');
    try { await b.conn.request({ type: 'claim_table', project_id: p.id, day, room_id: Number(room) }); return 'ack'; } catch (e) { return e.code; }
  }, { day, room: freeTable });
  assert.equal(maxTaken, 'table_taken');

  // Sam filters the list.
  await sam.getByRole('link', { name: 'Sprints' }).click();
  await sam.locator('article.project', { hasText: 'pyo3-e2e' }).waitFor();
  await sam.getByLabel('First-time contributors welcome').check();
  await sam.locator('article.project', { hasText: 'pyo3-e2e' }).waitFor({ state: 'detached' });
  assert.equal(await sam.locator('article.project', { hasText: 'attrs-e2e' }).count(), 1);
  await sam.getByLabel('First-time contributors welcome').uncheck();
  await sam.locator('article.project', { hasText: 'pyo3-e2e' }).waitFor();
  await sam.getByLabel('Skill').selectOption('rust');
  await sam.locator('article.project', { hasText: 'attrs-e2e' }).waitFor({ state: 'detached' });
  assert.equal(await sam.locator('article.project', { hasText: 'pyo3-e2e' }).count(), 1);
  await sam.getByLabel('Skill').selectOption('');
  await sam.locator('article.project', { hasText: 'attrs-e2e' }).waitFor();
  await sam.getByLabel('Level').selectOption('advanced');
  await sam.locator('article.project', { hasText: 'attrs-e2e' }).waitFor({ state: 'detached' });
  await sam.getByLabel('Level').selectOption('');
  await sam.getByLabel('Day').selectOption(day);
  await sam.locator('article.project', { hasText: 'attrs-e2e' }).getByText(`${tableName}`).waitFor();
  await sam.evaluate(() => window.scrollTo(0, 0));
  await shot(sam, 'sprints-phone');

  // Project page, join: the maintainer sees it live.
  await sam.getByRole('link', { name: 'attrs-e2e' }).click();
  await sam.getByRole('link', { name: 'https://github.com/python-attrs/attrs' }).waitFor();
  await sam.getByText('0 people joined · 3 more wanted').waitFor();
  await sam.getByRole('button', { name: 'Join this project' }).click();
  await sam.getByText('1 person joined · 2 more wanted').waitFor();
  await mia.getByText('1 person joined · 2 more wanted').waitFor({ timeout: 5000 });
  await mia.locator('ul.people li', { hasText: 'Sam' }).waitFor();
  // Names of who joined are for the maintainers (project_attendees), not for everyone.
  assert.equal(await sam.locator('ul.people').count(), 0, 'an attendee sees the count, not the names');
  // A maintainer (not an organizer) picks co-maintainers from the people who joined.
  const coOptions = await mia.locator('select[id^="msel-"] option').allTextContents();
  assert.deepEqual(coOptions, ['Sam'], 'the co-maintainer picker lists the project’s attendees');
  await shot(sam, 'project-phone', { fullPage: true });

  // My day lists the project with its table.
  await sam.getByRole('link', { name: 'My day' }).click();
  await sam.locator('.agenda-item', { hasText: 'attrs-e2e' }).first().getByText(tableName, { exact: false }).waitFor();

  // The lobby shows the project, its table and how many more it wants.
  const lobby = await newPage(browser, TV);
  await lobby.clock.setFixedTime(new Date(`${day}T20:00:00Z`));
  await lobby.goto(`${server.base}/lobby/demo`);
  const row = lobby.locator('#sprint-list li', { hasText: 'attrs-e2e' });
  await row.getByText(tableName).waitFor({ timeout: 5000 });
  await row.getByText('needs 2 more').waitFor();

  // Leave again.
  await sam.goBack();
  await sam.getByRole('button', { name: 'Leave this project' }).click();
  await sam.getByText('0 people joined · 3 more wanted').waitFor();
  await row.getByText('needs 3 more').waitFor({ timeout: 5000 });

  // Edit: the maintainer changes the description; everyone sees it.
  await mia.getByText('Edit project details').click();
  await mia.getByLabel('What do you need help with?').fill('Now also: packaging.');
  await mia.getByRole('button', { name: 'Save changes' }).click();
  await sam.goto(`${server.base}/e/demo#/sprints`);
  await sam.getByRole('link', { name: 'attrs-e2e' }).click();
  await sam.getByText('Now also: packaging.').waitFor({ timeout: 15000 });

  // Release the table.
  await mia.getByRole('button', { name: 'Release' }).first().click();
  await mia.getByRole('button', { name: 'Claim table' }).first().waitFor();

  for (const p of [mia, max, sam, lobby]) {
    assert.deepEqual(p.problems, []);
    await assertBoardMatchesServer(p, assert);
  }
  await lobby.context().close();
  for (const p of [mia, max, sam]) await p.context().close();
});
