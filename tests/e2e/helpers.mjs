// Shared helpers for the end-to-end tests: start a real `boardwalk` on a loopback port
// with a fresh database, and drive Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Test runs write their screenshots under build/, so that running the tests leaves the
// repository unchanged; BOARDWALK_SCREENSHOTS=docs/screenshots refreshes the ones in the docs.
export const SHOTS = path.resolve(REPO, process.env.BOARDWALK_SCREENSHOTS || path.join('build', 'e2e-screenshots'));

export function binary() {
  const bin = process.env.BOARDWALK_BINARY || path.join(REPO, 'build', 'server', 'boardwalk');
  if (!fs.existsSync(bin)) throw new Error(`boardwalk binary not found at ${bin} (set BOARDWALK_BINARY)`);
  return bin;
}

export function tempDb(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `boardwalk-e2e-${name}-`));
  return { dir, db: path.join(dir, 'board.db') };
}

// Start boardwalk; resolves once it prints "listening on http://127.0.0.1:PORT/".
// Returns { proc, port, base, organizerLinks: {slug: url}, log(), stop() }.
export function startServer({ db, port = 0, timeoutMs = 20000 }) {
  const bin = binary();
  const isJs = bin.endsWith('.mjs') || bin.endsWith('.js');
  const args = ['--port', String(port), '--db', db, '--web-root', path.join(REPO, 'web')];
  const proc = isJs ? spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const organizerLinks = {};
  const server = { proc, port: 0, base: '', organizerLinks, log: () => out };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`boardwalk did not start in ${timeoutMs} ms:\n${out}`)); }, timeoutMs);
    const onData = (chunk) => {
      out += chunk.toString();
      for (const m of out.matchAll(/(https?:\/\/[^\s"']+\/e\/([^\s#"'/]+)#code=[^\s"']+)/g)) organizerLinks[m[2]] = m[1];
      const l = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (l && !server.port) {
        server.port = Number(l[1]);
        server.base = `http://127.0.0.1:${server.port}`;
        // Organizer links are printed right after start-up: give them a moment.
        setTimeout(() => { clearTimeout(timer); resolve(server); }, 300);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code, sig) => { if (!server.port) { clearTimeout(timer); reject(new Error(`boardwalk exited (${code ?? sig}) before listening:\n${out}`)); } });
    server.stop = (signal = 'SIGTERM') => new Promise((res) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return res();
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', () => { clearTimeout(t); res(); });
      proc.kill(signal);
    });
  });
}

// The organizer link with the host of the running server (the printed one may use PUBLIC_URL).
export function organizerUrl(server, slug = 'demo') {
  const link = server.organizerLinks[slug];
  if (!link) throw new Error(`no organizer link for ${slug} in server output:\n${server.log()}`);
  const u = new URL(link);
  return `${server.base}${u.pathname}${u.hash}`;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
export const TV = { viewport: { width: 1280, height: 720 } };

// A fresh browser context (own localStorage) with a page that records errors and dialogs.
export async function newPage(browser, opts = PHONE) {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  page.problems = [];
  page.dialogs = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { page.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  return page;
}

export async function joinAs(page, base, name, slug = 'demo') {
  await page.goto(`${base}/e/${slug}`);
  await page.getByLabel(/Your name/).fill(name);
  await page.getByRole('button', { name: /^Join/ }).click();
  await page.getByText(`You: ${name}`).waitFor();
}

export async function openPropose(page) {
  const form = page.locator('details.propose');
  if (!(await form.evaluate((d) => d.open))) await page.getByText('Propose a topic', { exact: true }).click();
}

export async function propose(page, title, description = '') {
  await openPropose(page);
  await page.getByLabel('Title', { exact: true }).fill(title);
  if (description) await page.getByLabel(/What is it about/).fill(description);
  await page.getByRole('button', { name: 'Propose', exact: true }).click();
  await page.locator('.topic-title', { hasText: title }).first().waitFor();
}

export function topicCard(page, title) {
  return page.locator('article.topic').filter({ has: page.locator('.topic-title', { hasText: title }) });
}

export function shot(page, name, opts = {}) {
  // Screenshots for the docs come from the real server only, never from the stand-in.
  if (binary().endsWith('mock-server.mjs')) return Promise.resolve();
  fs.mkdirSync(SHOTS, { recursive: true });
  return page.screenshot(Object.assign({ path: path.join(SHOTS, `${name}.png`) }, opts));
}

// The secret a page signs in with (the app's active identity, or a lobby's display secret).
export function pageSecret(page, slug = 'demo') {
  return page.evaluate((s) => {
    const ids = window.boardwalk && window.boardwalk.ids;
    const active = ids && ids.active();
    return active ? active.secret : localStorage.getItem(`boardwalk:lobby:${s}:secret`);
  }, slug);
}

// GET /api/events/SLUG from the page, with its secret (a participants-only event needs one).
export async function fetchSnapshot(page, slug = 'demo') {
  const secret = await pageSecret(page, slug);
  return page.evaluate(({ s, secret: k }) => fetch(`/api/events/${s}`, k ? { headers: { Authorization: `Bearer ${k}` } } : {})
    .then((r) => r.json()), { s: slug, secret });
}

// The page's board (built from a snapshot plus every change it applied) must equal a fresh
// snapshot from the server: the reducer follows protocol.md's change table exactly.
export async function assertBoardMatchesServer(page, assert, slug = 'demo') {
  const norm = (b) => {
    const byId = (l) => [...l].sort((x, y) => x.id - y.id);
    const out = JSON.parse(JSON.stringify(b));
    for (const k of ['rooms', 'slots', 'participants', 'topics', 'projects']) out[k] = byId(out[k] || []);
    for (const p of out.projects) p.maintainers = [...p.maintainers].sort((x, y) => x - y);
    return out;
  };
  // Wait until the page has caught up with the server's seq, then compare.
  let server; let mine;
  for (let i = 0; i < 50; i++) {
    server = await fetchSnapshot(page, slug);
    mine = await page.evaluate(() => ({ seq: window.boardwalk.store.seq, board: window.boardwalk.store.board }));
    if (mine.seq === server.seq) break;
    await page.waitForTimeout(100);
  }
  assert.equal(mine.seq, server.seq, 'page caught up with the server seq');
  assert.deepEqual(norm(mine.board), norm(server.board), 'page board equals a fresh snapshot');
}
