// The lobby survives a server restart (same binary, port and database) without a reload,
// and shows changes made after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, tempDb, launch, newPage, joinAs, propose, TV, assertBoardMatchesServer } from './helpers.mjs';

let server; let browser; let tmp;
before(async () => {
  tmp = tempDb('restart');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the lobby reconnects after a restart and shows what changed after it', async () => {
  const lobby = await newPage(browser, TV);
  await lobby.goto(`${server.base}/lobby/demo`);
  await lobby.locator('#conn.conn-online').waitFor();
  const ada = await newPage(browser);
  await joinAs(ada, server.base, 'Ada');
  await propose(ada, 'Before the restart');
  await lobby.locator('#trending li', { hasText: 'Before the restart' }).waitFor({ timeout: 5000 });
  const marker = await lobby.evaluate(() => { window.__sameDocument = 'yes'; return 1; });
  assert.equal(marker, 1);

  // Kill the server hard, and bring it back on the same port and database.
  const port = server.port;
  await server.stop('SIGKILL');
  await lobby.locator('#conn.conn-offline').waitFor({ timeout: 10000 });
  assert.match(await lobby.locator('#conn').innerText(), /Offline/);
  server = await startServer({ db: tmp.db, port });
  await lobby.locator('#conn.conn-online').waitFor({ timeout: 30000 });

  // The phone reconnects too and keeps its identity (auth with the stored secret).
  await ada.locator('#conn.conn-online').waitFor({ timeout: 30000 });
  await ada.getByText('You: Ada').waitFor();
  await propose(ada, 'After the restart');
  await lobby.locator('#trending li', { hasText: 'After the restart' }).waitFor({ timeout: 5000 });
  assert.equal(await lobby.locator('#trending li', { hasText: 'Before the restart' }).count(), 1, 'old topic shown once');
  assert.equal(await lobby.evaluate(() => window.__sameDocument), 'yes', 'the lobby was not reloaded');
  // Its state equals a fresh snapshot from the server: nothing lost, nothing twice.
  await assertBoardMatchesServer(lobby, assert);
  await assertBoardMatchesServer(ada, assert);
  const onlyNet = (list) => list.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
  assert.deepEqual(onlyNet(lobby.problems), []);
  assert.deepEqual(onlyNet(ada.problems), []);
  await lobby.context().close(); await ada.context().close();
});
