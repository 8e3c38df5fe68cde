// End to end, the way a person uses the desktop app: two windows of the real UI on two
// Neutralino test hosts, each with its own real netcore. The server window shares a folder
// picked in the native folder dialog, with a password; the client window connects to it on
// 127.0.0.1, compares the fingerprint in the trust prompt with the one the server shows,
// logs in, picks files and a folder in the tree, downloads into a new sub-folder, and every
// byte is checked against the share. Pause on the server holds a big transfer where it is
// and Resume finishes it; a session the administrator cuts mid-file is finished by Retry
// from where its .part file stopped. Screenshots go to test-artifacts/desktop/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstat, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { CommandName, CommandResult, Events, TransferProgress } from '../../extensions/netcore/src/contract';
import { IpcEvent } from '../../extensions/netcore/src/ipc';
import { launchBrowser, type BrowserHandle } from '../support/browser';
import { closeApp, closeEverything, expectText, freePortTriple, openApp, screenshot, textOf, type AppWindow } from '../support/desktop-app';
import { sha256File, writeRandomFile, type FileFacts } from '../support/file-tree';
import { makeTempDir } from '../support/temp-dir';
import { waitUntil } from '../support/wait';
import { chromiumNeed, testIf } from '../support/tools';

const browserTest = testIf(test, chromiumNeed());

const MIB = 1 << 20;
const BIG = 'video/big movie 🎬.bin';
/** Big enough that Pause lands while this file is on its way. */
/** Large enough that a pause clicked once it starts lands part-way (downloads run at ~400 MiB/s here). */
const BIG_SIZE = 320 * MIB;
const PASSWORD = 'correct horse – اسب درست 🐎';

/** The share: names with spaces, Persian and emoji, a nested folder, and one big file. */
const SHARE_FILES: ReadonlyArray<readonly [string, number]> = [
  ['Reports 2024/گزارش سالانه.txt', 5_000],
  ['Reports 2024/Q1 summary (final).csv', 12_345],
  ['Reports 2024/nested deep/note #1.txt', 20],
  ['Reports 2024/nested deep/empty.bin', 0],
  // Windows could not store this name; between two Linux machines it is an ordinary name.
  ['Reports 2024/Song: Remix?.mp3', 4_321],
  ['📷 photos/🎉 party 2024.jpg', 70_000],
  ['📷 photos/sunset 🌅.png', 33_000],
  [BIG, BIG_SIZE],
  ['notes.txt', 900],
];

/** What the client ticks in the tree: a folder, one file beside an unticked one, and the big file. */
const TICKED = ['Reports 2024', '📷 photos/🎉 party 2024.jpg', BIG];
const SELECTED_FILES = SHARE_FILES.map(([p]) => p).filter((p) => TICKED.some((t) => p === t || p.startsWith(`${t}/`)));

let browser: BrowserHandle | undefined;
let base = '';
let share = '';
let downloads = '';
let port = 0;
const facts = new Map<string, FileFacts>();
let server: AppWindow | undefined;
let client: AppWindow | undefined;

test.before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  base = await makeTempDir('e2e-transfer');
  share = join(base, 'shared folder');
  downloads = join(base, 'downloads');
  let seconds = 1_700_000_000.25;
  for (const [path, size] of SHARE_FILES) {
    seconds += 3_600;
    facts.set(path, await writeRandomFile(join(share, ...path.split('/')), size, seconds));
  }
  await writeRandomFile(join(downloads, 'already here.txt'), 10);
  // Not shared, and said so on both sides: a link and a name with a control character.
  await symlink('notes.txt', join(share, 'link to notes.txt'));
  await writeFile(join(share, 'tab\tname.txt'), 'not a safe name');
  port = await freePortTriple();
});

test.after(() => closeEverything(browser, [server, client], base));

/** The last client.progress event netcore sent to the client's page. */
function lastProgress(app: AppWindow): TransferProgress | undefined {
  const sent = app.host.sent;
  for (let i = sent.length - 1; i >= 0; i--) {
    const m = sent[i]!.message;
    if (m.event !== IpcEvent.event) continue;
    const envelope = m.data as { event?: string; payload?: TransferProgress };
    if (envelope?.event === 'client.progress') return envelope.payload;
  }
  return undefined;
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? -1;
}

/** The payloads of every `event` netcore has sent to the page of `app` so far. */
function eventsSent<E extends keyof Events>(app: AppWindow, event: E): Events[E][] {
  const out: Events[E][] = [];
  for (const { message } of app.host.sent) {
    if (message.event !== IpcEvent.event) continue;
    const envelope = message.data as { event?: string; payload?: Events[E] };
    if (envelope?.event === event) out.push(envelope.payload!);
  }
  return out;
}

/** Ids far above the ones the page draws (at most 2^40), so its answers never mix with ours. */
let nextRequestId = 2 ** 50;

/** Asks the netcore behind `app` directly, as its page would, and returns the answer. */
async function ask<C extends CommandName>(app: AppWindow, command: C): Promise<CommandResult<C>> {
  const id = ++nextRequestId;
  const [extension] = app.host.connectedExtensions();
  assert.ok(extension && app.host.sendToExtension(extension, IpcEvent.request, { kind: 'request', id, command, payload: {} }), `no netcore to ask ${command}`);
  const answer = () => {
    for (const { message } of app.host.sent) {
      const envelope = message.data as { kind?: string; id?: number; ok?: boolean; result?: unknown; error?: unknown } | undefined;
      if (message.event === IpcEvent.response && envelope?.id === id) return envelope;
    }
    return undefined;
  };
  await app.host.waitFor(() => answer() !== undefined, `the answer to ${command}`);
  const envelope = answer()!;
  assert.ok(envelope.ok, `${command}: ${JSON.stringify(envelope.error)}`);
  return envelope.result as CommandResult<C>;
}

/**
 * Clicks the server's Pause once the big file is arriving at `c` (and `also` holds), then
 * returns what heldPart() finds its .part holds.
 */
async function pauseMidBigFile(c: AppWindow, also: (p: TransferProgress) => boolean, what: string, part: string): Promise<number> {
  const s = server!;
  await c.host.waitFor(
    () => {
      const p = lastProgress(c);
      return p?.currentPath === BIG && p.fileBytes > 0 && also(p);
    },
    what,
    30_000,
  );
  const heldBefore = eventsSent(s, 'session.held').length;
  await s.id('server-pause').click();
  await s.page.locator('[data-testid="server-state"][data-state="paused"]').waitFor();
  return heldPart(heldBefore, part);
}

/**
 * After Pause: waits until the engine holds the big file at its pause gate (session.held;
 * from then on the server sends nothing until Resume), asks the server how far into the
 * file it got, and waits until the client's .part holds exactly those bytes. Once it
 * does, nothing is still on its way. Returns the byte count.
 */
async function heldPart(heldBefore: number, part: string): Promise<number> {
  const s = server!;
  await s.host.waitFor(() => eventsSent(s, 'session.held').length > heldBefore, 'the engine to hold the transfer at the pause gate', 15_000);
  const [session] = await ask(s, 'server.sessions');
  assert.is(session?.status, 'paused');
  assert.is(session?.currentFile, BIG, 'held in the middle of the big file');
  // progress is the share of the file sent; the server sends it in whole pieces.
  const sent = Math.round((session!.progress / 100) * BIG_SIZE);
  assert.ok(sent > 0 && sent < BIG_SIZE, `paused part-way: ${sent} of ${BIG_SIZE} bytes`);
  let size = -1;
  await waitUntil(async () => (size = await sizeOf(part)) === sent, `the .part file to hold the ${sent} bytes sent before the gate (has ${size})`, {
    timeoutMs: 15_000,
  });
  return sent;
}

async function verifyDownloaded(folder: string): Promise<void> {
  for (const path of SELECTED_FILES) {
    const target = join(folder, ...path.split('/'));
    const st = await lstat(target).catch(() => undefined);
    assert.ok(st?.isFile(), `${path} was downloaded`);
    const want = facts.get(path)!;
    assert.is(st!.size, want.size, `${path}: size`);
    assert.is(await sha256File(target), want.sha256, `${path}: SHA-256`);
    assert.ok(Math.abs(st!.mtimeMs - want.mtimeMs) < 1, `${path}: modification time kept`);
  }
  const left = await readdir(folder, { recursive: true });
  assert.equal(
    left.filter((n) => String(n).endsWith('.part') || String(n).endsWith('.part.json')),
    [],
    'no partial files left',
  );
  for (const [path] of SHARE_FILES) {
    if (SELECTED_FILES.includes(path)) continue;
    assert.not.ok(await lstat(join(folder, ...path.split('/'))).catch(() => undefined), `${path} was not ticked and not downloaded`);
  }
}

/** Ticks or opens a row of the client's tree, found by its path. */
function row(app: AppWindow, path: string): Locator {
  return app.page.locator(`[data-testid="file-row"][data-path="${path.replace(/"/g, '\\"')}"]`);
}

browserTest('the server window: Launcher, a folder from the native dialog, a password, Start', async () => {
  assert.ok(browser, 'Chromium launched');
  server = await openApp(browser, { label: 'server', base });
  const s = server;
  await screenshot(s, 'launcher');
  assert.ok(await s.id('launcher-exit').isVisible());
  await s.id('launcher-server').click();
  assert.is(s.host.window.title.includes('Server'), true, `window title ${s.host.window.title}`);

  s.dialogs.folder.push(share);
  await s.id('share-browse').click();
  await waitUntil(async () => (await s.id('share-path').inputValue()) === share, 'the picked folder to fill the share path');
  assert.is(s.dialogs.asked[0]?.kind, 'folder');

  await s.id('server-port').fill(String(port));
  await s.id('server-max-clients').fill('3');
  await s.id('require-password').check();
  await s.id('server-password').fill(PASSWORD);
  await s.id('server-password-show').check();
  assert.is(await s.id('server-password').getAttribute('type'), 'text', 'Show reveals the password');
  await s.id('server-password-confirm').fill(PASSWORD);
  await s.id('confirm-password').click();
  await s.id('password-confirmed').waitFor();
  await s.id('server-start').click();

  await s.page
    .locator('[data-testid="server-state"][data-state="running"]')
    .waitFor({ timeout: 20_000 })
    .catch(async (err: unknown) => {
      // Say what the window says: a refused start shows its reason in the error banner.
      const banner = s.id('server-error');
      const why = (await banner.count()) > 0 ? await textOf(banner) : 'no error shown';
      throw new Error(`the server did not start (${why}): ${String(err)}`);
    });
  assert.is(await textOf(s.id('server-share')), share);
  assert.is(await textOf(s.id('server-password-required')), 'Required');
  const addresses = await s.id('server-address').allTextContents();
  assert.ok(addresses.length > 0 && addresses.every((a) => a.endsWith(`:${port}`)), addresses.join(', '));
  assert.match(await textOf(s.id('server-fingerprint')), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok((await textOf(s.id('server-short-fingerprint'))).length > 0);
  // The password field is gone from the page once the engine has it.
  assert.is(await s.id('server-password').inputValue(), '');
  await expectText(s.id('not-shared-note'), /^2 items not shared: links 1, unsafe names 1\. The log names them\.$/, 'the server to say what it does not share');
  await screenshot(s, 'server-control');
});

browserTest('the server shows web access with a QR code for phones', async () => {
  assert.ok(server, 'the tests before this one set it up');
  const urls = await server.id('web-access-url').allTextContents();
  assert.ok(urls.length > 0, 'a web address is offered');
  for (const url of urls) assert.match(url, new RegExp(`^https://[^/]+:${port + 2}/`));
  assert.match((await server.id('web-access-qr').first().getAttribute('src'))!, /^data:image\/svg\+xml/);
});

browserTest('the client window: Connect, a trust prompt with the server’s fingerprint, Login, the file tree', async () => {
  assert.ok(browser && server, 'the tests before this one set it up');
  client = await openApp(browser, { label: 'client', base });
  const c = client;
  await c.id('launcher-client').click();
  await c.id('client-host').fill('127.0.0.1');
  assert.is(await c.id('client-host').inputValue(), '127.0.0.1');
  await c.id('client-port').fill(String(port));
  await c.id('client-connect').click();

  await c.id('trust-dialog').waitFor({ state: 'visible' });
  const fingerprint = await textOf(server.id('server-fingerprint'));
  assert.is(await textOf(c.id('trust-fingerprint')), fingerprint, 'the client shows the fingerprint the server shows');
  assert.is(await textOf(c.id('trust-short-fingerprint')), await textOf(server.id('server-short-fingerprint')));
  assert.is(await c.page.locator('[data-testid="client-phase"]').getAttribute('data-state'), 'awaiting-trust');
  await screenshot(c, 'client-trust');
  // Nothing is sent before trust: the server has no logged-in session yet.
  await server.id('tab-clients').click();
  assert.is(
    await server.page
      .locator('[data-testid="session-row"] [data-testid="session-status"]')
      .filter({ hasText: /Idle|Downloading/ })
      .count(),
    0,
  );

  await c.id('trust-accept').click();
  await c.id('trust-dialog').waitFor({ state: 'hidden' });
  await c.page.locator('[data-testid="client-phase"][data-state="awaiting-password"]').waitFor();
  await c.id('client-password').fill('not the password');
  await c.id('client-login').click();
  await expectText(c.id('client-error'), /password/i, 'a wrong password to be refused');
  await c.page.locator('[data-testid="client-phase"][data-state="awaiting-password"]').waitFor();
  await c.id('client-password-show').check();
  await c.id('client-password').fill(PASSWORD);
  await c.id('client-login').click();
  await c.page.locator('[data-testid="client-phase"][data-state="connected"]').waitFor({ timeout: 15_000 });
  // The phase comes as an event, the login's answer (which clears the box) just after it.
  await waitUntil(async () => (await c.id('client-password').inputValue()) === '', 'the password box to be cleared after login', {
    timeoutMs: 10_000,
    intervalMs: 50,
  });

  for (const top of ['Reports 2024', 'video', '📷 photos', 'notes.txt']) await row(c, top).waitFor();
  await expectText(c.id('client-status'), new RegExp(`${SHARE_FILES.length} files`), 'the status line to count the shared files');
  assert.is(await textOf(c.id('not-shared-note')), '2 items not offered by the server: links 1, unsafe names 1.');
  // The session shows up, logged in, in the server's Client Management.
  await expectText(server.page.locator('[data-testid="session-row"] [data-testid="session-status"]'), /Idle/, 'the server to list the client');
  assert.is(await server.id('session-row').count(), 1);
  await expectText(server.id('server-statusline'), /Connected clients: 1$/, 'the server’s status line to count the client');
});

browserTest(
  'the client ticks a folder and files, picks a destination and a new sub-folder, and downloads; Pause holds the big file, Resume finishes it byte-exact',
  async () => {
    assert.ok(client && server, 'the tests before this one set it up');
    const c = client;
    // Open the folders and tick: a whole folder, one photo of two, the big video.
    await row(c, '📷 photos').locator('[data-testid="file-expand"]').click();
    await row(c, 'video').locator('[data-testid="file-expand"]').click();
    await row(c, 'Reports 2024').locator('[data-testid="file-check"]').click();
    await row(c, '📷 photos/🎉 party 2024.jpg').locator('[data-testid="file-check"]').click();
    await row(c, BIG).locator('[data-testid="file-check"]').click();
    assert.is(
      await row(c, '📷 photos')
        .locator('[data-testid="file-check"]')
        .evaluate((e) => (e as unknown as { indeterminate: boolean }).indeterminate),
      true,
      'half a folder shows mixed',
    );
    await expectText(c.id('selection-summary'), new RegExp(`^Selected ${SELECTED_FILES.length} files`), 'the selection summary');

    c.dialogs.folder.push(downloads);
    await c.id('choose-destination').click();
    await waitUntil(async () => (await c.id('destination-path').inputValue()) === downloads, 'the destination to be filled from the folder dialog');
    await c.id('subfolder-enabled').check();
    await c.id('subfolder-name').fill('From server – دریافت 📥');
    await c.id('subfolder-create').click();
    const into = join(downloads, 'From server – دریافت 📥');
    await expectText(c.id('effective-destination'), /From server – دریافت 📥/, 'the effective destination to name the sub-folder');
    await screenshot(c, 'client-connected');

    // The Pause button is on screen before the download starts: one click once it is needed.
    await server.id('tab-control').click();
    await c.id('download-button').click();
    // Pause as soon as the big file is on its way.
    const part = join(into, ...`${BIG}.part`.split('/'));
    const heldBefore = eventsSent(server, 'session.held').length;
    const held = await pauseMidBigFile(c, () => true, 'the big file to start arriving', part);
    // The client has counted every byte sent, and the bar shows exactly that share of the file.
    await c.host.waitFor(() => lastProgress(c)?.fileBytes === held, 'client.progress to count the bytes sent before the gate', 15_000);
    const bar = c.id('progress-file').locator('[role="progressbar"]');
    const shown = String(Math.round((held / BIG_SIZE) * 1000) / 10);
    await waitUntil(async () => (await bar.getAttribute('aria-valuenow')) === shown, `the file progress bar to show ${shown}%`);
    const progressMark = eventsSent(c, 'client.progress').length;
    await screenshot(c, 'client-downloading');
    await server.id('tab-clients').click();
    await expectText(server.page.locator('[data-testid="session-row"] [data-testid="session-status"]'), /^Paused$/, 'the session status to show Paused');
    await screenshot(server, 'server-clients');

    // With nothing arriving, the client stops claiming a speed and an ETA. Its speed falls to
    // 0 only after a spell in which its meter saw no bytes, and that report comes after any
    // late byte would have: what came before it is checked now.
    await expectText(c.id('progress-speed'), /^0 B\/s$/, 'the speed to fall to 0 while paused');
    assert.is(await textOf(c.id('progress-eta')), '—');
    const since = eventsSent(c, 'client.progress').slice(progressMark);
    assert.ok(since.length >= 1, 'client.progress reported the quiet spell');
    assert.equal(
      since.map((p) => p.fileBytes).filter((b) => b !== held),
      [],
      'no bytes arrive while the server is paused',
    );
    assert.is(await sizeOf(part), held, 'the .part file stays as it was');
    assert.is(await bar.getAttribute('aria-valuenow'), shown, 'the file progress bar stands still');
    assert.ok(Number(shown) < 100, `file progress ${shown}%`);
    assert.ok(await c.id('download-cancel').isVisible(), 'the download is still running, only held');
    assert.equal(eventsSent(server, 'session.held').length, heldBefore + 1, 'held once');

    await server.id('tab-control').click();
    await server.id('server-resume').click();
    await server.page.locator('[data-testid="server-state"][data-state="running"]').waitFor();
    await c.id('download-cancel').waitFor({ state: 'detached', timeout: 60_000 });
    await expectText(c.id('client-status'), new RegExp(`Downloaded ${SELECTED_FILES.length} files`), 'the status line to report the finished download');
    assert.is(await c.id('download-failures').count(), 0);
    await verifyDownloaded(into);
    assert.equal((await readdir(downloads)).sort(), ['From server – دریافت 📥', 'already here.txt'].sort(), 'the files went into the new sub-folder only');
  },
);

browserTest('the administrator cuts the session mid-file; Retry reconnects, logs in again and resumes from the .part file', async () => {
  assert.ok(client && server, 'the tests before this one set it up');
  const c = client;
  await c.id('subfolder-name').fill('second copy');
  await c.id('subfolder-create').click();
  const into = join(downloads, 'second copy');
  await server.id('tab-control').click();
  await c.id('download-button').click();
  const part = join(into, ...`${BIG}.part`.split('/'));
  const held = await pauseMidBigFile(c, () => true, 'the big file to start arriving again', part);
  // The small files before it are made durable in a batch whose flush may outlast the big
  // file's transfer; while the server holds the transfer they finish, so the cut below
  // comes with them done and the big file part-way.
  await c.host.waitFor(() => (lastProgress(c)?.filesDone ?? 0) > 0, 'the small files to be done while the big one is held', 30_000);

  await server.id('tab-clients').click();
  await server.id('session-row').first().click();
  await server.id('disconnect-selected').click();
  await expectText(server.id('sessions-notice'), /disconnected/i, 'the server to confirm the disconnect');
  await waitUntil(async () => (await server!.id('session-row').count()) === 0, 'the session to leave the table');

  await expectText(c.id('client-error'), /The server ended the connection: .*administrator/, 'the client to be told why');
  await c.page.locator('[data-testid="client-phase"][data-state="disconnected"]').waitFor();
  await expectText(c.id('download-button'), /Retry Download/, 'the big button to offer Retry');
  await expectText(c.id('client-status'), /Retry Download resumes it/, 'the status line to explain Retry');
  assert.ok((await c.id('download-failures').count()) === 1, 'the cut file is listed as failed');
  assert.is(await sizeOf(part), held, 'the partial file stays for the resume');
  await screenshot(c, 'client-retry');

  await server.id('tab-control').click();
  await server.id('server-resume').click();
  await server.page.locator('[data-testid="server-state"][data-state="running"]').waitFor();
  await c.id('download-button').click();
  await c.id('download-cancel').waitFor({ state: 'detached', timeout: 60_000 });
  assert.is(await c.id('trust-dialog').isVisible(), false, 'a pinned server asks no second time');
  await expectText(c.id('client-status'), new RegExp(`Downloaded ${SELECTED_FILES.length} files`), 'Retry to finish every file');
  await verifyDownloaded(into);

  // The server's log tells that the big file went from where the .part stopped.
  await server.id('tab-logs').click();
  await server.id('log-filter-text').fill('from byte');
  await expectText(server.id('log-row'), new RegExp(`sending ${BIG.replace(/[()]/g, '\\$&')} from byte ${held}$`), 'the log to show the resume offset');
});

browserTest('closing both windows: each netcore exits by itself', async () => {
  assert.ok(client && server, 'the tests before this one set it up');
  const [a, b] = [client, server];
  client = undefined;
  server = undefined;
  assert.equal(await closeApp(a), { code: 0, signal: null }, a.host.extensions.values().next().value?.output);
  assert.equal(await closeApp(b), { code: 0, signal: null }, b.host.extensions.values().next().value?.output);
  assert.equal(a.errors, []);
  assert.equal(b.errors, []);
});

test.run();
