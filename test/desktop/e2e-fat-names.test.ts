// End to end, "saved as" in the desktop app (PROTOCOL.md §5.2): the real UI on the
// Neutralino test host with its real netcore connects to a server on 127.0.0.1 that
// shares names only Windows forbids, and downloads everything into an exFAT volume
// mounted through FUSE, as a person would onto a USB stick. The engine finds by itself
// that the volume refuses those names and ignores case; every file arrives byte-exact
// under its mapped name, and the window lists each rename. A screenshot goes to
// test-artifacts/desktop/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { launchBrowser, type BrowserHandle } from '../support/browser';
import { closeEverything, expectText, openApp, screenshot, textOf, type AppWindow } from '../support/desktop-app';
import { fatVolumeNeeds, mountFatVolume, type FatVolume } from '../support/fat-volume';
import { chromiumNeed, testIf } from '../support/tools';
import { assertTreeMatches, partFilesIn, writeRandomFile, type FileFacts } from '../support/file-tree';
import { makeTempDir, removeDir } from '../support/temp-dir';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait';

/** Each shared file and the name it must have on the volume. */
const SAVED_AS: ReadonlyArray<readonly [wire: string, local: string]> = [
  ['Song: Remix.mp3', 'Song\uFF1A Remix.mp3'],
  ['what?.txt', 'what\uFF1F.txt'],
  ['trail.', 'trail\uFF0E'],
  ['a<b>.txt', 'a\uFF1Cb\uFF1E.txt'],
  ['CON.txt', 'CON_.txt'],
  ['a:b.txt', 'a\uFF1Ab.txt'],
  ['album: live/01 intro?.mp3', 'album\uFF1A live/01 intro\uFF1F.mp3'],
  ['ab:c.txt', 'ab\uFF1Ac (2).txt'],
  ['ab\uFF1Ac.txt', 'ab\uFF1Ac.txt'],
  ['A.txt', 'A.txt'],
  ['a.txt', 'a (2).txt'],
  ['notes.txt', 'notes.txt'],
];
const RENAMED = SAVED_AS.filter(([wire, local]) => wire !== local);

const volumeNeeds = fatVolumeNeeds();
const volumeTest = testIf(test, chromiumNeed(), ...volumeNeeds);

let browser: BrowserHandle | undefined;
let base = '';
let volume: FatVolume | undefined;
/** Why the machine refused the volume, when it did though root, FUSE and a loop device are here. */
let refused = '';
let server: TestServer | undefined;
let client: AppWindow | undefined;
const files = new Map<string, FileFacts>();

test.before(async () => {
  if (volumeNeeds.some((n) => n.missing !== undefined)) return;
  browser = await launchBrowser();
  if (!browser) return;
  base = await makeTempDir('e2e-fat');
  const share = join(base, 'share');
  let seconds = 1_700_000_000;
  for (const [wire] of SAVED_AS) files.set(wire, await writeRandomFile(join(share, ...wire.split('/')), 2_000 + 17 * files.size, (seconds += 61)));
  const mounted = await mountFatVolume(base, 64);
  if ('refused' in mounted) {
    refused = mounted.refused;
    return;
  }
  volume = mounted.volume;
  server = await startTestServer({ sharePath: share });
});

test.after(async () => {
  try {
    // The window and the browser first (base stays until the volume is gone), then the server.
    await closeEverything(browser, [client], '');
    await server?.close();
  } finally {
    try {
      await volume?.close();
    } finally {
      await removeDir(base);
    }
  }
});

volumeTest('the client downloads everything onto the volume and lists each file it saved under another name', async () => {
  assert.ok(browser, 'Chromium launched');
  assert.ok(volume, `the machine refused the volume: ${refused}`);
  assert.ok(server, 'the server started');
  client = await openApp(browser, { label: 'client', base });
  const c = client;
  await c.id('launcher-client').click();
  await c.id('client-host').fill('127.0.0.1');
  await c.id('client-port').fill(String(server.port));
  await c.id('client-connect').click();
  await c.id('trust-dialog').waitFor({ state: 'visible' });
  await c.id('trust-accept').click();
  await c.page.locator('[data-testid="client-phase"][data-state="connected"]').waitFor({ timeout: 15_000 });
  await expectText(c.id('client-status'), new RegExp(`${SAVED_AS.length} files`), 'the status line to count every shared file');

  await c.id('select-all').check();
  await expectText(c.id('selection-summary'), new RegExp(`^Selected ${SAVED_AS.length} files`), 'every file to be selected');
  c.dialogs.folder.push(volume.dir);
  await c.id('choose-destination').click();
  await waitUntil(async () => (await c.id('destination-path').inputValue()) === volume!.dir, 'the destination to be the volume');
  await c.id('download-button').click();
  await c.id('download-cancel').waitFor({ state: 'detached', timeout: 60_000 });
  await expectText(c.id('client-status'), new RegExp(`Downloaded ${SAVED_AS.length} files`), 'the status line to report the finished download');
  assert.is(await c.id('download-failures').count(), 0);

  const list = c.page.locator('[data-testid="saved-as-list"] li');
  await waitUntil(async () => (await list.count()) === RENAMED.length, `the window to list ${RENAMED.length} renames`, { timeoutMs: 10_000, intervalMs: 100 });
  const shown = await Promise.all((await list.all()).map((li) => textOf(li)));
  assert.equal(shown.map((s) => s.replace(/\s+/g, ' ')).sort(), RENAMED.map(([wire, local]) => `${wire} → saved as ${local}`).sort());
  assert.equal((await Promise.all((await c.id('saved-as-name').all()).map((n) => textOf(n)))).sort(), RENAMED.map(([, local]) => local).sort());
  await list.last().scrollIntoViewIfNeeded();
  await screenshot(c, 'client-saved-as');

  await assertTreeMatches(volume.dir, new Map(SAVED_AS.map(([wire, local]) => [local, files.get(wire)!])));
  assert.equal(await partFilesIn(volume.dir), []);
});

test.run();
