// End to end, the administrator's side of the desktop app: a server window and two client
// windows, each the real UI on its own Neutralino test host with its own real netcore.
// Chat goes both ways with the 🔴 markers and unread counts; Send Warning reaches the one
// client it was meant for; Disconnect Selected tells the client why and puts it back to
// Disconnected; the log is filtered in the Logs tab and exported through the native save
// dialog to .xlsx, .txt and .csv, and the .xlsx is opened with SheetJS (and, when it is
// installed, converted by LibreOffice) to check it holds what the table showed.
// Screenshots go to test-artifacts/desktop/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Locator } from 'playwright-core';
import * as XLSX from 'xlsx';
import { launchBrowser, type BrowserHandle } from '../support/browser';
import { closeApp, closeEverything, expectCount, expectText, openApp, screenshot, textOf, type AppWindow } from '../support/desktop-app';
import { writeRandomFile } from '../support/file-tree';
import { makeSubDir, makeTempDir } from '../support/temp-dir';
import { waitUntil } from '../support/wait';
import { chromiumNeed, conditionNeed, testIf } from '../support/tools';

const browserTest = testIf(test, chromiumNeed());

const HEADER = ['Date/Time', 'Category', 'Session', 'Client Address', 'Details'];

let browser: BrowserHandle | undefined;
let base = '';
let server: AppWindow | undefined;
let alpha: AppWindow | undefined;
let beta: AppWindow | undefined;
/** Session ids on the server, learnt from who wrote first. */
let alphaId = '';
let betaId = '';
/** The chat-only .xlsx the Logs test exported, and the cells SheetJS read from it. */
let exported: { xlsxPath: string; rows: string[][] } | undefined;

test.before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  base = await makeTempDir('e2e-admin');
  await writeRandomFile(join(base, 'share', 'readme – راهنما.txt'), 2_000);
  await writeRandomFile(join(base, 'share', 'data', 'table 1.csv'), 40_000);
});

test.after(() => closeEverything(browser, [server, alpha, beta], base));

/** Launch Client, type the address, Connect, accept the fingerprint. */
async function connectClient(app: AppWindow, port: number): Promise<void> {
  await app.id('launcher-client').click();
  await app.id('client-host').fill('127.0.0.1');
  await app.id('client-port').fill(String(port));
  await app.id('client-connect').click();
  await app.id('trust-accept').click();
  await app.page.locator('[data-testid="client-phase"][data-state="connected"]').waitFor({ timeout: 15_000 });
  // Chat opens on its own once the session is up.
  await app.page.locator('[data-testid="chat-with-server"]:not([disabled])').waitFor({ timeout: 15_000 });
}

/** The client's own chat window. */
function clientChat(app: AppWindow, testid: string): Locator {
  return app.page.locator(`pss-chat-window [data-testid="${testid}"]`);
}

function serverChat(id: string, testid: string): Locator {
  return server!.page.locator(`pss-chat-window[data-session-id="${id}"] [data-testid="${testid}"]`);
}

function notifications(app: AppWindow): { title: string; content: string }[] {
  return app.host.callsTo('os.showNotification').map((c) => c.data as { title: string; content: string });
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

browserTest('a server without a password on a port the system picks; two clients connect to the port it shows', async () => {
  assert.ok(browser, 'Chromium launched');
  server = await openApp(browser, { label: 'server', base });
  const s = server;
  await s.id('launcher-server').click();
  await s.id('share-path').fill(join(base, 'share'));
  await s.id('share-path').press('Tab');
  await s.id('server-port').fill('0');
  await s.id('server-start').click();
  await s.page.locator('[data-testid="server-state"][data-state="running"]').waitFor({ timeout: 20_000 });
  assert.is(await textOf(s.id('server-password-required')), 'Not required');
  // The person reads the port off the Server IP line.
  const shown = await textOf(s.id('server-address').first());
  const port = Number(/:(\d+)$/.exec(shown)?.[1]);
  assert.ok(port > 0, `a real port is shown: ${shown}`);

  [alpha, beta] = await Promise.all([openApp(browser, { label: 'alpha', base }), openApp(browser, { label: 'beta', base })]);
  await connectClient(alpha, port);
  await connectClient(beta, port);
  await s.id('tab-clients').click();
  await expectCount(s.id('session-row'), 2, 'both clients in Client Management');
  await expectText(s.id('server-statusline'), /Connected clients: 2/, 'the status line to count both clients');
});

browserTest('chat, client to server: 🔴 on the Chats tab and unread counts while the window is closed; opening it reads them', async () => {
  assert.ok(server && alpha && beta, 'the tests before this one set it up');
  const s = server;
  assert.is(await s.id('tab-chats-marker').count(), 0, 'no marker before any message');

  await alpha.id('chat-with-server').click();
  await clientChat(alpha, 'chat-input').fill('Hello from alpha 👋');
  await clientChat(alpha, 'chat-send').click();
  await expectCount(clientChat(alpha, 'chat-message'), 1, 'alpha to see its own message');
  assert.is(await clientChat(alpha, 'chat-message').getAttribute('data-from'), 'client');
  await alpha.id('chat-close').click();

  // The server is on Client Management: the marker is on the Chats tab all the same.
  await s.id('tab-chats-marker').waitFor({ timeout: 10_000 });
  await s.id('tab-chats').click();
  const unreadRow = s.page.locator('[data-testid="chat-client"]', { has: s.page.locator('[data-testid="chat-unread"]') });
  await expectCount(unreadRow, 1, 'one client with unread messages');
  alphaId = (await unreadRow.getAttribute('data-session-id'))!;
  assert.is(await textOf(unreadRow.locator('[data-testid="chat-unread"]')), '1');
  await waitUntil(() => notifications(s).some((n) => n.content === 'Hello from alpha 👋'), 'the server to be notified of the message');

  await beta.id('chat-with-server').click();
  await clientChat(beta, 'chat-input').fill('سلام from beta');
  await clientChat(beta, 'chat-input').press('Enter');
  await expectCount(clientChat(beta, 'chat-message'), 1, 'beta to see its own message');
  await clientChat(beta, 'chat-input').fill('and a second one');
  await clientChat(beta, 'chat-input').press('Enter');
  await expectCount(clientChat(beta, 'chat-message'), 2, 'beta to see both its messages');
  await beta.id('chat-close').click();
  await expectCount(unreadRow, 2, 'both clients with unread messages');
  const ids = await s.id('chat-client').evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')!));
  betaId = ids.find((id) => id !== alphaId)!;
  assert.ok(betaId, 'the second client is listed');
  await expectText(s.page.locator(`[data-testid="chat-client"][data-session-id="${betaId}"] [data-testid="chat-unread"]`), /^2$/, 'beta’s two unread messages');

  await s.page.locator(`[data-testid="chat-client"][data-session-id="${alphaId}"]`).click();
  await s.id('open-chat-window').click();
  await expectCount(serverChat(alphaId, 'chat-message'), 1, 'alpha’s message in its chat window');
  assert.is(await serverChat(alphaId, 'chat-message').getAttribute('data-from'), 'client');
  assert.match(await textOf(serverChat(alphaId, 'chat-message')), /Hello from alpha 👋/);
  await expectCount(unreadRow, 1, 'alpha read, beta still unread');
  assert.ok(await s.id('tab-chats-marker').isVisible(), 'beta’s message keeps the 🔴');
  await screenshot(s, 'server-chats');
});

browserTest('chat, server to client: the client’s 🔴 while its window is closed, gone once opened; the server’s 🔴 goes when all is read', async () => {
  assert.ok(server && alpha && beta, 'the tests before this one set it up');
  const s = server;
  await serverChat(alphaId, 'chat-input').fill('Hi alpha, the files are ready – فایل‌ها آماده‌اند');
  await serverChat(alphaId, 'chat-send').click();
  await expectCount(serverChat(alphaId, 'chat-message'), 2, 'the reply in the server’s window');
  assert.equal(await serverChat(alphaId, 'chat-message').evaluateAll((els) => els.map((e) => e.getAttribute('data-from'))), ['client', 'server']);

  await alpha.id('chat-marker').waitFor({ timeout: 10_000 });
  assert.is(await alpha.id('chat-with-server').getAttribute('disabled'), null);
  await waitUntil(() => notifications(alpha!).some((n) => /files are ready/.test(n.content)), 'alpha to be notified of the reply');
  assert.is(await beta.id('chat-marker').count(), 0, 'the reply went to alpha only');
  await screenshot(alpha, 'client-chat-marker');
  await alpha.id('chat-with-server').click();
  await expectCount(clientChat(alpha, 'chat-message'), 2, 'the reply in alpha’s window');
  assert.is(await clientChat(alpha, 'chat-message').nth(1).getAttribute('data-from'), 'server');
  assert.match(await textOf(clientChat(alpha, 'chat-message').nth(1)), /فایل‌ها آماده‌اند/);
  assert.is(await alpha.id('chat-marker').count(), 0, 'opening the chat clears the marker');
  await alpha.id('chat-close').click();

  await serverChat(alphaId, 'chat-close').click();
  await s.page.locator(`[data-testid="chat-client"][data-session-id="${betaId}"]`).dblclick();
  await expectCount(serverChat(betaId, 'chat-message'), 2, 'beta’s messages in its window');
  await expectCount(s.id('tab-chats-marker'), 0, 'the 🔴 goes once every message is read');
  assert.is(await s.id('chat-unread').count(), 0);
  await serverChat(betaId, 'chat-close').click();
});

browserTest('Send Warning asks for the text and reaches only the selected client', async () => {
  assert.ok(server && alpha && beta, 'the tests before this one set it up');
  const s = server;
  await s.id('tab-clients').click();
  await s.page.locator(`[data-testid="session-row"][data-session-id="${alphaId}"]`).click();
  await s.id('send-warning').click();
  await s.id('warning-prompt-input').fill('Please stop downloading the videos – لطفاً');
  await screenshot(s, 'server-warning-prompt');
  await s.id('warning-prompt-submit').click();
  await expectText(s.id('sessions-notice'), /The warning was sent/, 'the server to confirm the warning');

  await expectText(alpha.id('server-warning'), /Warning from the server: Please stop downloading the videos – لطفاً/, 'alpha to show the warning');
  await waitUntil(() => notifications(alpha!).some((n) => n.title === 'Warning from the server'), 'alpha to be notified of the warning');
  assert.is(await beta.id('server-warning').count(), 0, 'beta got no warning');
  await screenshot(alpha, 'client-warning');
  await screenshot(s, 'server-clients-live');
});

browserTest('Disconnect Selected: the client is told why and goes back to Disconnected; the other stays', async () => {
  assert.ok(server && alpha && beta, 'the tests before this one set it up');
  const s = server;
  await s.page.locator(`[data-testid="session-row"][data-session-id="${betaId}"]`).click();
  await s.id('disconnect-selected').click();
  await expectText(s.id('sessions-notice'), /was disconnected/, 'the server to confirm the disconnect');
  await expectCount(s.id('session-row'), 1, 'one session left');
  assert.is(await s.id('session-row').getAttribute('data-session-id'), alphaId);

  await expectText(beta.id('client-error'), /^The server ended the connection: disconnected by the server administrator$/, 'beta to be told why');
  await beta.page.locator('[data-testid="client-phase"][data-state="disconnected"]').waitFor();
  assert.ok(await beta.id('client-connect').isEnabled(), 'beta can connect again');
  assert.ok(await beta.id('client-host').isEnabled());
  assert.is(await beta.id('client-disconnect').isEnabled(), false);
  assert.is(await alpha.page.locator('[data-testid="client-phase"]').getAttribute('data-state'), 'connected', 'alpha is untouched');
  await expectText(s.id('server-statusline'), /Connected clients: 1/, 'the status line to count one client');
});

browserTest('Logs: categories and text filter the table; Export Logs… writes .xlsx, .txt and .csv that hold what the table shows', async () => {
  assert.ok(server, 'the tests before this one set it up');
  const s = server;
  await s.id('tab-logs').click();
  const table = s.page.locator('[data-testid="logs-table"]');
  const total = Number(await table.getAttribute('data-count'));
  assert.ok(total > 10, `${total} entries`);
  await s.id('log-row').first().waitFor();
  await screenshot(s, 'server-logs');

  // Chat only: every row is a chat row, and the three messages are there.
  await s.page.locator('[data-testid="log-category"][data-category="Chat"]').check();
  await waitUntil(async () => Number(await table.getAttribute('data-count')) < total, 'the category filter to apply');
  const chatRows = await s
    .id('log-row')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('[role="cell"]')].map((c) => (c.textContent ?? '').trim())));
  assert.is(Number(await table.getAttribute('data-count')), chatRows.length, 'a short table is drawn whole');
  assert.ok(
    chatRows.every((r) => r[1] === 'Chat'),
    JSON.stringify(chatRows),
  );
  const details = chatRows.map((r) => r[3]);
  for (const text of ['Hello from alpha 👋', 'سلام from beta', 'Hi alpha, the files are ready – فایل‌ها آماده‌اند']) {
    assert.ok(
      details.some((d) => d!.endsWith(`: ${text}`)),
      `${text} is logged`,
    );
  }

  const out = await makeSubDir(base, 'exports');
  s.dialogs.save.push(join(out, 'chat log'));
  await s.id('export-logs').click();
  const xlsxPath = join(out, 'chat log.xlsx');
  await expectText(s.id('logs-notice'), new RegExp(`^Exported ${chatRows.length} entries to .*chat log\\.xlsx\\.$`), 'the export to finish');
  const asked = s.dialogs.asked.find((a) => a.kind === 'save')!;
  assert.equal(
    (asked.options.filters as { extensions: string[] }[]).map((f) => f.extensions[0]),
    ['xlsx', 'txt', 'csv'],
  );

  // SheetJS opens it: the header row, then the table's rows oldest first.
  const book = XLSX.read(await readFile(xlsxPath), { type: 'buffer' });
  const sheet = book.Sheets[book.SheetNames[0]!]!;
  const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: false, defval: '' });
  assert.equal(rows[0], HEADER);
  const body = rows.slice(1).reverse();
  assert.is(body.length, chatRows.length);
  body.forEach((r, i) => {
    const shown = chatRows[i]!;
    assert.equal([r[0], r[1], r[3], r[4]], [shown[0], shown[1], shown[2], shown[3]], `row ${i + 1}`);
    assert.match(r[2]!, /\S/, 'each chat row names its session');
  });

  exported = { xlsxPath, rows };

  // All categories again; .txt and .csv of the whole log.
  await s.id('log-categories-all').check();
  await waitUntil(async () => Number(await table.getAttribute('data-count')) >= total, 'the whole log to show again');
  const newest = await s
    .id('log-row')
    .first()
    .evaluate((r) => [...r.querySelectorAll('[role="cell"]')].map((c) => (c.textContent ?? '').trim()));
  for (const ext of ['txt', 'csv'] as const) {
    s.dialogs.save.push(join(out, `server-log.${ext}`));
    await s.id('export-logs').click();
    const notice = await expectText(s.id('logs-notice'), new RegExp(`server-log\\.${ext}\\.$`), `the .${ext} export to finish`);
    const rowsShown = Number(await table.getAttribute('data-count'));
    assert.is(Number(/Exported ([\d,]+) entries/.exec(notice)![1]!.replace(/,/g, '')), rowsShown, `the .${ext} file has as many entries as the table`);
    const text = await readFile(join(out, `server-log.${ext}`), 'utf8');
    const lines = text
      .replace(/^\uFEFF/, '')
      .split(ext === 'csv' ? '\r\n' : '\n')
      .filter(Boolean);
    assert.is(lines.length, rowsShown + 1);
    const split = (line: string) =>
      ext === 'csv'
        ? XLSX.utils.sheet_to_json<string[]>(XLSX.read(line, { type: 'string', raw: true }).Sheets.Sheet1!, { header: 1, raw: true, defval: '' })[0]!
        : line.split('\t');
    assert.equal(split(lines[0]!), HEADER);
    const last = split(lines[lines.length - 1]!);
    assert.equal([last[0], last[1], last[3], last[4]], newest, `the newest row of the .${ext} file is the table’s first`);
  }
  await s.id('logs-notice').waitFor();
});

const office = onPath('soffice') ?? onPath('libreoffice');
const officeTest = testIf(test, chromiumNeed(), conditionNeed(office ? undefined : 'LibreOffice is not installed, so the .xlsx is not converted by it'));

officeTest('LibreOffice converts the exported .xlsx to the same cells SheetJS read', async () => {
  assert.ok(office && exported, 'the Logs test exported an .xlsx');
  const { xlsxPath, rows } = exported;
  const profile = await makeSubDir(base, 'lo-profile');
  const converted = await makeSubDir(base, 'lo-out');
  await new Promise<void>((resolve, reject) => {
    execFile(
      office,
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        converted,
        xlsxPath,
      ],
      { timeout: 90_000 },
      (err, _stdout, stderr) => (err ? reject(new Error(`${office} failed: ${err.message} ${stderr}`)) : resolve()),
    );
  });
  const csv = await readFile(join(converted, 'chat log.csv'), 'utf8');
  const lo = XLSX.utils.sheet_to_json<string[]>(XLSX.read(csv, { type: 'string', raw: true }).Sheets.Sheet1!, { header: 1, raw: true, defval: '' });
  assert.equal(lo, rows, 'LibreOffice reads the same cells');
});

browserTest('closing every window: each netcore exits by itself', async () => {
  assert.ok(server && alpha && beta, 'the tests before this one set it up');
  const apps = [alpha, beta, server];
  alpha = beta = server = undefined;
  for (const app of apps) {
    assert.equal(await closeApp(app), { code: 0, signal: null }, `${app.label}: ${[...app.host.extensions.values()][0]?.output ?? ''}`);
    assert.equal(
      app.errors.map((e) => e.message),
      [],
      `${app.label}: no page errors`,
    );
  }
});

test.run();
