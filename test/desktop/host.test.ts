// The Neutralino test host, proved with Chromium and the real @neutralinojs/lib in the page:
// the library connects with the token from __neutralino_globals.js, dispatches reach the
// real netcore (started with the start-up JSON) and its broadcasts reach the page; native
// calls the UI makes are answered and recorded; the allow list of neutralino.config.json is
// enforced; two hosts run side by side (a server UI and a client UI), carrying a listing of
// 100,000 files in pieces under the limit; closing the window ends netcore and then the app.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ServerStatus } from '../../extensions/netcore/src/contract';
import { IPC_MESSAGE_MAX_BYTES, IpcEvent, NETCORE_EXTENSION_ID } from '../../extensions/netcore/src/ipc';
import { launchBrowser, type BrowserHandle } from '../support/browser';
import { NeutralinoHost, TEST_PAGE_URL, testPageRoutes, type DialogHandlers } from '../support/neutralino-host';
import { makeTempDir, removeDir } from '../support/temp-dir';
import { waitUntil, within } from '../support/wait';
import { chromiumNeed, testIf } from '../support/tools';

const browserTest = testIf(test, chromiumNeed());

let browser: BrowserHandle | undefined;
let base = '';
const hosts: NeutralinoHost[] = [];

test.before(async () => {
  browser = await launchBrowser();
  base = await makeTempDir('desktop-host');
});

test.after(async () => {
  await Promise.allSettled(hosts.map((h) => h.close()));
  await browser?.close();
  await removeDir(base);
});

/** A host serving the test page, with netcore's data in its own folder, and a page open on it. */
async function open(label: string, dialogs: DialogHandlers = {}): Promise<{ host: NeutralinoHost; page: Page; errors: Error[] }> {
  const host = await NeutralinoHost.start({
    config: { url: TEST_PAGE_URL },
    routes: await testPageRoutes(),
    extensionEnv: { PSS_DATA_DIR: join(base, `data-${label}`) },
    dialogs,
  });
  hosts.push(host);
  const { page, errors } = await browser!.newPage();
  await page.goto(host.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await host.waitFor(() => host.appConnections === 1 && host.connectedExtensions().includes(NETCORE_EXTENSION_ID), 'the page and netcore to connect', 15_000);
  return { host, page, errors };
}

function request<T>(page: Page, command: string, payload: unknown): Promise<T> {
  return page.evaluate(
    ([c, p]) => (globalThis as unknown as { pss: { client: { request(c: string, p: unknown): Promise<unknown> } } }).pss.client.request(c as string, p),
    [command, payload] as const,
  ) as Promise<T>;
}

function pageCall<T>(page: Page, source: string): Promise<T> {
  return page.evaluate(`(async () => { const { Neutralino } = window.pss; return ${source}; })()`) as Promise<T>;
}

browserTest('the page connects with the real client library, and server.status round-trips through netcore', async () => {
  assert.ok(browser, 'Chromium launched');
  const { host, page, errors } = await open('status');
  const status = await request<ServerStatus>(page, 'server.status', {});
  assert.is(status.state, 'stopped');
  assert.is(status.mainPort, null);
  assert.ok(host.nativeCalls.some((c) => c.from === 'app' && c.method === 'extensions.getStats'));
  const dispatch = host.nativeCalls.find((c) => c.from === 'app' && c.method === 'extensions.dispatch')!;
  assert.equal((dispatch.data as { extensionId: string; event: string }).extensionId, NETCORE_EXTENSION_ID);
  assert.is((dispatch.data as { event: string }).event, IpcEvent.request);
  assert.ok(host.nativeCalls.some((c) => c.from === 'extension' && c.method === 'app.broadcast'));
  // The page got the token once; a second read of the globals gets none (tokenSecurity one-time).
  const globals = await (await fetch(host.urlOf('/__neutralino_globals.js'))).text();
  assert.match(globals, /var NL_TOKEN='';/);
  assert.match(globals, /var NL_EXTENABLED=true;/);
  assert.equal(errors, []);
});

browserTest('the native calls the UI makes are answered by the host and recorded', async () => {
  assert.ok(browser, 'Chromium launched');
  const share = join(base, 'picked');
  await mkdir(share, { recursive: true });
  await writeFile(join(share, 'hello.txt'), 'hello');
  const saveTo = join(base, 'export.csv');
  const { host, page } = await open('native', { folder: () => share, save: () => saveTo });

  const folder = await pageCall<string>(page, `Neutralino.os.showFolderDialog('Choose a folder to share')`);
  assert.is(folder, share);
  const status = await request<ServerStatus>(page, 'server.start', { sharePath: folder, port: 0, bind: '127.0.0.1', maxClients: 2 });
  assert.is(status.state, 'running');
  await waitUntil(
    () =>
      page.evaluate(() =>
        (globalThis as unknown as { pss: { events: { event: string; payload: { state?: string } }[] } }).pss.events.some(
          (e) => e.event === 'server.status' && e.payload.state === 'running',
        ),
      ),
    'the page to receive the server.status event',
  );
  assert.is(await pageCall<string>(page, `Neutralino.os.showSaveDialog('Export the log', { defaultPath: 'log.csv' })`), saveTo);
  const exported = await request<{ path: string; rows: number }>(page, 'logs.export', { format: 'csv', filePath: saveTo });
  assert.is(exported.path, saveTo);
  assert.ok(exported.rows > 0);

  await pageCall(page, `Neutralino.window.setTitle('Pro Secure Suite — Server')`);
  assert.is(host.window.title, 'Pro Secure Suite — Server');
  // The library's setSize reads the size first: the app's allow list must let it.
  await pageCall(page, `Neutralino.window.setSize({ width: 1000, height: 700 })`);
  assert.equal(host.window.size, { width: 1000, height: 700 });
  const size = await pageCall<Record<string, unknown>>(page, `Neutralino.window.getSize()`);
  assert.equal(size, { width: 1000, height: 700, minWidth: 900, minHeight: 600, maxWidth: -1, maxHeight: -1, resizable: true });
  await pageCall(page, `Neutralino.os.showNotification('New message', 'from alpha')`);
  assert.equal(host.callsTo('os.showNotification')[0]!.data, { title: 'New message', content: 'from alpha' });
  await pageCall(page, `Neutralino.storage.setData('settings', JSON.stringify({ port: 5000 }))`);
  assert.is(await pageCall<string>(page, `Neutralino.storage.getData('settings')`), '{"port":5000}');
  const missing = await pageCall<{ code: string }>(page, `Neutralino.storage.getData('nothing').catch((e) => e)`);
  assert.is(missing.code, 'NE_ST_NOSTKEX');
  await request(page, 'server.stop', {});
});

browserTest('calls outside the config’s nativeAllowList are refused, as Neutralino refuses them', async () => {
  assert.ok(browser, 'Chromium launched');
  const { page } = await open('allow');
  const refused = await pageCall<{ code: string; message: string }>(page, `Neutralino.os.execCommand('id').catch((e) => e)`);
  assert.is(refused.code, 'NE_RT_NATPRME');
  assert.match(refused.message, /os\.execCommand/);
  const files = await pageCall<{ code: string }>(page, `Neutralino.filesystem.readFile('/etc/passwd').catch((e) => e)`);
  assert.is(files.code, 'NE_RT_NATPRME');
});

browserTest('a server UI and a client UI on two hosts: a 100,000-file listing arrives whole, in pieces under the limit', async () => {
  assert.ok(browser, 'Chromium launched');
  const share = join(base, 'many');
  const names = new Set<string>();
  for (let d = 0; d < 100; d++) {
    const dir = join(share, `folder-${d}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => {
        const name = `file-${i}-شماره.txt`;
        names.add(`folder-${d}/${name}`);
        return writeFile(join(dir, name), '');
      }),
    );
  }
  const server = await open('server-ui');
  const client = await open('client-ui');
  const status = await request<ServerStatus>(server.page, 'server.start', { sharePath: share, port: 0, bind: '127.0.0.1', maxClients: 2 });

  // client.connect waits at the trust prompt; the page answers it as the user would.
  const connected = client.page.evaluate(async (port) => {
    const { client: c } = (
      globalThis as unknown as {
        pss: { client: { request(c: string, p: unknown): Promise<{ phase: string }>; on(e: string, h: (s: { phase: string }) => void): () => void } };
      }
    ).pss;
    const off = c.on('client.state', (s) => {
      if (s.phase === 'awaiting-trust') void c.request('client.trust', { accept: true });
    });
    try {
      return await c.request('client.connect', { host: '127.0.0.1', port, displayName: 'client-ui' });
    } finally {
      off();
    }
  }, status.mainPort!);
  assert.is((await within(connected, 30_000, 'client.connect')).phase, 'connected');

  const since = client.host.sent.length;
  const listed = await within(
    client.page.evaluate(async () => {
      const { client: c } = (globalThis as unknown as { pss: { client: { request(c: string, p: unknown): Promise<{ entries: { path: string }[] }> } } }).pss;
      const r = await c.request('client.list', {});
      return r.entries.map((e) => e.path);
    }),
    120_000,
    'client.list of 100,000 files',
  );
  const files = listed.filter((p) => p.endsWith('.txt'));
  assert.is(files.length, 100_000);
  assert.ok(files.every((p) => names.has(p)));
  const chunks = client.host.sent.slice(since).filter((m) => m.to === 'app' && m.message.event === IpcEvent.chunk);
  assert.ok(chunks.length >= 8, `${chunks.length} chunks`);
  for (const c of chunks) assert.ok(c.bytes <= IPC_MESSAGE_MAX_BYTES, `a message of ${c.bytes} bytes`);
  assert.equal(await client.page.evaluate(() => (globalThis as unknown as { pss: { problems: string[] } }).pss.problems), []);
  await request(client.page, 'client.disconnect', {});
  await request(server.page, 'server.stop', {});
});

browserTest('closing the window: netcore stops by itself, then the page exits the app', async () => {
  assert.ok(browser, 'Chromium launched');
  const { host, page } = await open('close');
  await request(page, 'server.status', {});
  const ext = host.extensions.get(NETCORE_EXTENSION_ID)!;
  host.closeWindow();
  const exit = await within(ext.exited, 15_000, 'netcore to exit after windowClose');
  assert.equal(exit, { code: 0, signal: null }, ext.output);
  // The page saw netcore disconnect and called app.exit.
  assert.is(await within(host.exited, 10_000, 'the page to call app.exit'), 0);
  assert.ok(host.callsTo('app.exit').length === 1 && host.callsTo('app.exit')[0]!.from === 'app');
});

test.run();
