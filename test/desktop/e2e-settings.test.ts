// End to end, what the desktop app remembers: a first run chooses a share, a port, max
// clients, a password, a server to connect to and a download folder, and the window is
// resized and closed; a second run (a new host and a new netcore, with the storage
// Neutralino kept) shows all of it again - except the password, which is never written to
// Neutralino's storage nor anywhere in netcore's data folder. The language chosen in the
// launcher is kept too: a third run starts in Persian, right to left, drawing the bundled
// font and icons under the app's own CSP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NETCORE_EXTENSION_ID } from '../../extensions/netcore/src/ipc';
import { launchBrowser, type BrowserHandle } from '../support/browser';
import { closeApp, closeEverything, expectText, freePortTriple, openApp, screenshot, type AppWindow } from '../support/desktop-app';
import { writeRandomFile } from '../support/file-tree';
import { makeTempDir } from '../support/temp-dir';
import { waitUntil, within } from '../support/wait';
import { bundledFontReady, iconsShown, pictographs } from '../ui/support/page-checks';
import { chromiumNeed, testIf } from '../support/tools';

const browserTest = testIf(test, chromiumNeed());

const PASSWORD = 'never-stored 🔑 رمز';
const SETTINGS_KEY = 'pss-settings';

let browser: BrowserHandle | undefined;
let base = '';
let share = '';
let downloads = '';
let port = 0;
let first: AppWindow | undefined;
let second: AppWindow | undefined;
let third: AppWindow | undefined;
let kept: Map<string, string> | undefined;

test.before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  base = await makeTempDir('e2e-settings');
  share = join(base, 'شریک share 🗂');
  downloads = join(base, 'my downloads');
  await writeRandomFile(join(share, 'a.txt'), 100);
  port = await freePortTriple();
});

test.after(() => closeEverything(browser, [first, second, third], base));

/** Every file below `dir`, with its text. */
async function filesBelow(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const path = join(name.parentPath, name.name);
    out.set(path, await readFile(path, 'latin1'));
  }
  return out;
}

browserTest('first run: the choices are written to Neutralino’s storage as they are made, the password is not', async () => {
  assert.ok(browser, 'Chromium launched');
  first = await openApp(browser, { label: 'first', base });
  const a = first;
  await a.id('launcher-server').click();
  a.dialogs.folder.push(share);
  await a.id('share-browse').click();
  await waitUntil(async () => (await a.id('share-path').inputValue()) === share, 'the share path from the folder dialog');
  await a.id('server-port').fill(String(port));
  await a.id('server-max-clients').fill('4');
  await a.id('require-password').check();
  await a.id('server-password').fill(PASSWORD);
  await a.id('server-password-confirm').fill(PASSWORD);
  await a.id('confirm-password').click();
  await a.id('server-start').click();
  await a.page.locator('[data-testid="server-state"][data-state="running"]').waitFor({ timeout: 20_000 });

  // The same app connects to its own server as a client: host, port and download folder.
  await a.id('back-to-launcher').click();
  await expectText(a.id('launcher-server-state'), /Running/, 'the launcher to say the server still runs');
  await a.id('launcher-client').click();
  await a.id('client-host').fill('127.0.0.1');
  await a.id('client-port').fill(String(port));
  await a.id('client-connect').click();
  await a.id('trust-accept').click();
  await a.page.locator('[data-testid="client-phase"][data-state="awaiting-password"]').waitFor();
  await a.id('client-password').fill(PASSWORD);
  await a.id('client-login').click();
  await a.page.locator('[data-testid="client-phase"][data-state="connected"]').waitFor();
  a.dialogs.folder.push(downloads);
  await a.id('choose-destination').click();
  await waitUntil(async () => (await a.id('destination-path').inputValue()) === downloads, 'the destination from the folder dialog');

  await waitUntil(() => JSON.parse(a.host.storage.get(SETTINGS_KEY) ?? '{}').downloadFolder === downloads, 'the download folder to be stored');
  const stored = JSON.parse(a.host.storage.get(SETTINGS_KEY)!) as Record<string, unknown>;
  assert.equal(
    {
      shareMode: stored.shareMode,
      sharePath: stored.sharePath,
      port: stored.port,
      maxClients: stored.maxClients,
      lastServer: stored.lastServer,
      lastPort: stored.lastPort,
    },
    { shareMode: 'directory', sharePath: share, port, maxClients: 4, lastServer: '127.0.0.1', lastPort: port },
  );
  for (const [key, value] of a.host.storage) assert.not.ok(value.includes(PASSWORD) || value.includes('never-stored'), `storage key ${key} holds no password`);
  assert.ok(
    a.host.callsTo('storage.setData').every((c) => !JSON.stringify(c.data).includes('never-stored')),
    'no storage call ever carried the password',
  );
});

browserTest('closing the window remembers its size, netcore stops by itself and the app exits', async () => {
  assert.ok(first, 'the tests before this one set it up');
  const a = first;
  await a.page.setViewportSize({ width: 1111, height: 777 });
  const ext = a.host.extensions.get(NETCORE_EXTENSION_ID)!;
  a.host.closeWindow();
  assert.equal(await within(ext.exited, 15_000, 'netcore to exit after windowClose'), { code: 0, signal: null }, ext.output);
  assert.is(await within(a.host.exited, 15_000, 'the page to call app.exit'), 0);
  const stored = JSON.parse(a.host.storage.get(SETTINGS_KEY)!) as Record<string, unknown>;
  assert.equal([stored.windowWidth, stored.windowHeight], [1111, 777]);
  kept = new Map(a.host.storage);
  first = undefined;
  await closeApp(a);
  assert.equal(
    a.errors.map((e) => e.message),
    [],
  );

  // netcore's data folder: certificate, pins, logs - none holds the password.
  const files = await filesBelow(a.dataDir);
  assert.ok(files.size > 0);
  const needle = Buffer.from(PASSWORD, 'utf8').toString('latin1');
  for (const [path, text] of files) assert.not.ok(text.includes(needle) || text.includes('never-stored'), `${path.slice(a.dataDir.length)} holds no password`);
});

browserTest('second run on the storage kept: every choice is back, the password boxes are empty', async () => {
  assert.ok(browser && kept, 'the tests before this one set it up');
  second = await openApp(browser, { label: 'first', base, storage: kept });
  const b = second;
  await waitUntil(() => b.host.window.size !== undefined, 'the window size to be restored');
  assert.equal(b.host.window.size, { width: 1111, height: 777 });
  await b.id('launcher-server').click();
  await b.page.locator('[data-testid="server-state"][data-state="stopped"]').waitFor();
  assert.is(await b.id('share-path').inputValue(), share);
  assert.ok(await b.id('share-mode-directory').isChecked());
  assert.is(await b.id('server-port').inputValue(), String(port));
  assert.is(await b.id('server-max-clients').inputValue(), '4');
  assert.is(await b.id('require-password').isChecked(), false, 'the password is asked for again');
  await b.id('require-password').check();
  assert.is(await b.id('server-password').inputValue(), '');
  assert.is(await b.id('server-password-confirm').inputValue(), '');
  await screenshot(b, 'settings-restored-server');

  await b.id('back-to-launcher').click();
  await b.id('launcher-client').click();
  assert.is(await b.id('client-host').inputValue(), '127.0.0.1');
  assert.is(await b.id('client-port').inputValue(), String(port));
  assert.is(await b.id('destination-path').inputValue(), downloads);
  assert.is(await b.id('client-password').inputValue(), '');
  await screenshot(b, 'settings-restored-client');

  await b.id('back-to-launcher').click();
  await b.id('language-fa').click();
  await waitUntil(() => JSON.parse(b.host.storage.get(SETTINGS_KEY) ?? '{}').language === 'fa', 'the language to be stored');
  kept = new Map(b.host.storage);

  second = undefined;
  assert.equal(await closeApp(b), { code: 0, signal: null });
  assert.equal(
    b.errors.map((e) => e.message),
    [],
  );
});

browserTest('third run: Persian as chosen, right to left, with the bundled font and icons under the app’s CSP', async () => {
  assert.ok(browser && kept, 'the tests before this one set it up');
  third = await openApp(browser, { label: 'third', base, storage: kept });
  const c = third;
  assert.is(await c.page.evaluate('document.documentElement.lang + " " + document.documentElement.dir'), 'fa rtl');
  assert.is((await c.id('launcher-server').textContent())?.trim(), 'اجرای سرور');
  assert.ok(await bundledFontReady(c.page), 'Vazirmatn loaded from the app’s own folder');
  assert.equal(await pictographs(c.page), [], 'no emoji to draw as empty boxes');
  const icons = await iconsShown(c.page);
  assert.ok(icons.server === 1 && icons.client === 1 && icons.language === 1, JSON.stringify(icons));
  await screenshot(c, 'launcher-fa');
  const csp = c.console.filter((m) => /Content.Security.Policy|Refused to load/i.test(m.text()));
  assert.equal(
    csp.map((m) => m.text()),
    [],
    'nothing refused by the CSP',
  );
  third = undefined;
  assert.equal(await closeApp(c), { code: 0, signal: null });
  assert.equal(
    c.errors.map((e) => e.message),
    [],
  );
});

test.run();
