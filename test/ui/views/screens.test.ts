// Every screen of the desktop UI in Chromium, on a fake engine: what each shows, keyboard
// typing into the Server IP box, a 100,000-file tree and a 20,000-row log that draw only
// what is in view, the red unread dots, the trust prompt and the changed-certificate
// alarm; the bundled icons and font (no emoji anywhere), the English / فارسی switch and
// the first run following the system language, and names whose bidi control characters
// are shown rather than obeyed. Screenshots go to test-artifacts/ (git-ignored).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, type BrowserHandle, type RecordedPage } from '../../support/browser';
import { withoutIsolates } from '../../support/isolates';
import { bundledFontReady, iconsShown, pictographs } from '../support/page-checks';
import { bigDownloadProgress, spoofedWebSession } from '../support/samples';
import { ORIGIN, serveTestPage } from '../support/ui-page';
import { chromiumNeed, testIf } from '../../support/tools';

const browserTest = testIf(test, chromiumNeed());

let browser: BrowserHandle | undefined;
let recorded: RecordedPage | undefined;
let page: Page;

const id = (testid: string) => page.locator(`[data-testid="${testid}"]`);

async function emit(event: string, payload: unknown): Promise<void> {
  await page.evaluate(([e, p]) => (window as unknown as { pssTest: { api: { emit(e: string, p: unknown): void } } }).pssTest.api.emit(e as string, p), [
    event,
    payload,
  ] as const);
}

/** A screenshot under test-artifacts/, after checking the screen draws no emoji. */
async function shot(name: string): Promise<void> {
  assert.equal(await pictographs(page), [], `${name}: no emoji on screen`);
  await saveScreenshot(page, name);
}

test.before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  recorded = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page = recorded.page;
  await serveTestPage(page);
  await page.goto(`${ORIGIN}/`);
});

test.after(async () => {
  await browser?.close();
});

browserTest('Launcher: Launch Server, Launch Client and EXIT', async () => {
  assert.ok(browser, 'Chromium launched');
  await id('launcher-server').waitFor();
  assert.is(
    await id('launcher-client')
      .textContent()
      .then((s) => s?.trim()),
    'Launch Client',
  );
  assert.ok(await id('launcher-exit').isVisible());
  assert.equal(await pictographs(page), [], 'no emoji: the icons are bundled SVG');
  const icons = await iconsShown(page);
  assert.ok(icons.server === 1 && icons.client === 1 && icons.lock === 1, JSON.stringify(icons));
  assert.ok(await bundledFontReady(page), 'the bundled Vazirmatn font loaded');
  await shot('ui-launcher');
});

browserTest('Launcher: English / فارسی switches the whole interface, mirrored, and is remembered', async () => {
  assert.ok(browser, 'Chromium launched');
  assert.is(await id('language-en').getAttribute('aria-pressed'), 'true');
  await id('language-fa').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.is(await page.evaluate(() => document.documentElement.lang), 'fa');
  assert.is(
    await id('launcher-server')
      .textContent()
      .then((s) => s?.trim()),
    'اجرای سرور',
  );
  assert.is(await id('language-fa').getAttribute('aria-pressed'), 'true');
  const stored = await page.evaluate(() =>
    (window as unknown as { pssTest: { shell: { storage: Map<string, string> } } }).pssTest.shell.storage.get('pss-settings'),
  );
  assert.is(JSON.parse(stored!).language, 'fa');
  await shot('ui-launcher-fa');
  await id('language-en').click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  assert.is(
    await id('launcher-server')
      .textContent()
      .then((s) => s?.trim()),
    'Launch Server',
  );
});

browserTest('First run follows the system language', async () => {
  assert.ok(browser, 'Chromium launched');
  const other = await browser.newPage({ viewport: { width: 900, height: 600 }, locale: 'fa-IR' });
  try {
    await serveTestPage(other.page);
    await other.page.goto(`${ORIGIN}/`);
    await other.page.locator('[data-testid="launcher-server"]').waitFor();
    assert.is(await other.page.evaluate(() => `${document.documentElement.lang} ${document.documentElement.dir}`), 'fa rtl');
    assert.is(await other.page.locator('[data-testid="language-fa"]').getAttribute('aria-pressed'), 'true');
  } finally {
    await other.context.close();
  }
});

browserTest('Server, Control Panel: Browse…, Start, addresses, web access QR and fingerprint', async () => {
  assert.ok(browser, 'Chromium launched');
  await id('launcher-server').click();
  await id('share-browse').click();
  await page.waitForFunction(() => document.title !== undefined);
  assert.is(await id('share-path').inputValue(), '/home/ana/Shared');
  assert.is(await id('server-port').inputValue(), '5000');
  await id('require-password').check();
  await id('server-password').fill('pw');
  await id('server-password-show').check();
  assert.is(await id('server-password').getAttribute('type'), 'text', 'Show reveals the password');
  await id('server-password-confirm').fill('pw');
  await id('confirm-password').click();
  await id('password-confirmed').waitFor();
  await id('server-start').click();
  await id('server-stop').waitFor();
  assert.is(await id('server-state').textContent(), 'Running');
  assert.equal(await id('server-address').allTextContents(), ['192.168.1.20:5000', '10.0.0.4:5000']);
  assert.is(await id('web-access-url').textContent(), 'https://192.168.1.20:5002/');
  assert.match((await id('web-access-qr').getAttribute('src'))!, /^data:image\/svg\+xml/);
  assert.is(await page.evaluate(() => (window as unknown as { qrScriptRan?: boolean }).qrScriptRan), undefined, 'the QR SVG never runs as markup');
  assert.is(await id('server-short-fingerprint').textContent(), '3A7F 09B2 55E1 D0C4');
  assert.is(await id('not-shared-note').textContent(), '3 items not shared: links 2, unreadable 1. The log names them.');
  await shot('ui-server-control');
  await id('server-pause').click();
  await id('server-resume').waitFor();
  assert.is(await id('server-state').textContent(), 'Paused');
  await id('server-resume').click();
  await id('server-pause').waitFor();
});

browserTest('Server, Client Management: live table, Send Warning asks for the text', async () => {
  assert.ok(browser, 'Chromium launched');
  await id('tab-clients').click();
  await page.locator('[data-testid="session-row"]').first().waitFor();
  assert.is(await id('session-row').count(), 3);
  await emit('session.changed', {
    id: 's2',
    kind: 'desktop',
    address: '192.168.1.44',
    name: 'desk-bob',
    connectedAt: '2024-05-01T10:02:00.000Z',
    status: 'downloading',
    currentFile: 'Videos/talk.mkv',
    progress: 18,
    bytesSent: 0,
    bytesPerSecond: 12_000_000,
    chatReady: true,
    unread: 0,
  });
  await page.locator('[data-testid="session-row"][data-session-id="s2"] [data-testid="session-status"]').filter({ hasText: 'Downloading' }).waitFor();
  await emit('session.changed', spoofedWebSession);
  const file = page.locator('[data-testid="session-row"][data-session-id="s3"] [data-testid="session-file"]');
  await file.locator('[data-testid="bidi-control"]').waitFor();
  assert.is(await file.textContent().then((s) => s!.trim()), 'invoices/reportU+202Efdp.exe', 'the server table shows the override instead of obeying it');
  await page.locator('[data-testid="session-row"][data-session-id="s2"]').click();
  await id('send-warning').click();
  await id('warning-prompt-input').fill('Please pause your download');
  await shot('ui-server-warning-prompt');
  await id('warning-prompt-submit').click();
  await id('sessions-notice').waitFor();
  assert.match(withoutIsolates((await id('sessions-notice').textContent())!), /sent to desk-bob/);
  await shot('ui-server-clients');
});

browserTest('Server, Chats: 🔴 on the tab, unread counts, several chat windows', async () => {
  assert.ok(browser, 'Chromium launched');
  assert.ok(await id('tab-chats-marker').isVisible(), 'ana has unread messages');
  await id('tab-chats').click();
  assert.equal(await id('chat-unread').allTextContents(), ['2']);
  await shot('ui-server-chats');
  await page.locator('[data-testid="chat-client"][data-session-id="s1"]').click();
  await id('open-chat-window').click();
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-message"]').waitFor();
  assert.is(await id('tab-chats-marker').count(), 0, 'read once opened');
  await page.locator('[data-testid="chat-client"][data-session-id="s2"]').click();
  await page.keyboard.press('Enter');
  assert.is(await page.locator('pss-chat-window').count(), 2);
  await emit('chat.message', { id: 50, sessionId: 's1', from: 'client', text: 'Thanks!', time: '2024-05-01T10:06:00.000Z', unread: 1, totalUnread: 1 });
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-message"]').nth(1).waitFor();
  assert.is(await id('tab-chats-marker').count(), 0, 'a message to an open window is read');
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-input"]').fill('You are welcome');
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-send"]').click();
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-message"][data-from="server"]').waitFor();
  await shot('ui-server-chat-windows');
  await page.locator('pss-chat-window[data-session-id="s2"] [data-testid="chat-close"]').click();
  await emit('chat.message', { id: 51, sessionId: 's2', from: 'client', text: 'hello?', time: '2024-05-01T10:07:00.000Z', unread: 1, totalUnread: 1 });
  await id('tab-chats-marker').waitFor();
  await page.locator('pss-chat-window[data-session-id="s1"] [data-testid="chat-close"]').click();
});

browserTest('Server, Logs: 20,000 entries, only visible rows drawn, filters', async () => {
  assert.ok(browser, 'Chromium launched');
  await id('tab-logs').click();
  await id('log-row').first().waitFor();
  assert.is(await id('logs-table').getAttribute('data-count'), '20000');
  assert.ok((await id('log-row').count()) < 80, 'only the rows in view are in the DOM');
  assert.match((await id('log-row').first().textContent())!, /event number 19999/, 'newest first');
  await shot('ui-server-logs');
  await page.locator('[data-testid="log-category"][data-category="Chat"]').check();
  await id('log-filter-text').fill('number 1000');
  await page.waitForFunction(() => true);
  assert.match((await id('log-count').textContent())!, /Showing \d+ of 20,000/);
  const categories = await page.locator('[data-testid="log-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-category')));
  assert.ok(categories.length > 0 && categories.every((c) => c === 'Chat'));
});

browserTest('Client: auto-dot typing, 100,000-file tree, Select All, progress', async () => {
  assert.ok(browser, 'Chromium launched');
  await id('back-to-launcher').click();
  await id('launcher-client').click();
  await id('client-host').click();
  await page.keyboard.type('192168.1.20');
  assert.is(await id('client-host').inputValue(), '192.168.1.20');
  await id('client-host').fill('');
  await page.keyboard.type('10001');
  assert.is(await id('client-host').inputValue(), '100.0.1', 'dots appear while typing');
  await id('client-host').fill('192.168.1.20');
  await shot('ui-client-start');
  await id('client-connect').click();
  await id('file-row').first().waitFor();
  assert.is(await id('file-tree').getAttribute('data-count'), '102', '100 folders and two files at the top');
  await page.locator('[data-testid="file-row"][data-path="folder000"] [data-testid="file-expand"]').click();
  await page.waitForFunction(() => true);
  assert.ok((await id('file-row').count()) < 80);
  await id('select-all').click();
  assert.match((await id('selection-summary').textContent())!, /Selected 100,002 files/);
  assert.is(await id('not-shared-note').textContent(), '3 items not offered by the server: links 2, special files 1.');
  // The boxes show the selection after a click, not what the browser's own toggle left.
  assert.ok(await id('select-all').isChecked(), 'Select All shows ticked once clicked');
  const folder = page.locator('[data-testid="file-row"][data-path="folder000"] [data-testid="file-check"]');
  const file = page.locator('[data-testid="file-row"][data-path^="folder000/"] [data-testid="file-check"]').first();
  assert.ok(await file.isChecked());
  await file.click();
  assert.match((await id('selection-summary').textContent())!, /Selected 100,001 files/);
  assert.is(await file.isChecked(), false, 'the clicked box shows unticked');
  assert.ok(await folder.evaluate((e) => (e as HTMLInputElement).indeterminate), 'its folder shows mixed');
  assert.ok(await id('select-all').evaluate((e) => (e as HTMLInputElement).indeterminate), 'Select All shows mixed');
  await file.click();
  assert.ok(await file.isChecked(), 'the clicked box shows ticked again');
  assert.ok(await folder.isChecked());
  await id('file-tree').focus();
  await page.keyboard.press('End');
  const spoofed = page.locator('[data-testid="file-row"][data-path="report\u202Efdp.exe"]');
  assert.is(await spoofed.locator('[data-testid="bidi-control"]').textContent(), 'U+202E', 'the override is shown, not obeyed');
  assert.ok(await spoofed.locator('[data-testid="bidi-warning"]').isVisible(), 'and the name is marked');
  assert.is(
    await spoofed
      .locator('.name')
      .textContent()
      .then((s) => s!.trim()),
    'reportU+202Efdp.exe',
  );
  await page.keyboard.press('Space');
  assert.match((await id('selection-summary').textContent())!, /Selected 100,001 files/, 'Space unticks the active row');
  await id('choose-destination').click();
  await id('subfolder-enabled').check();
  await id('subfolder-name').fill('from-ana');
  await id('subfolder-create').click();
  assert.match((await id('effective-destination').textContent())!, /\/home\/bob\/Downloads\/from-ana/);
  await page.evaluate(() => {
    const t = (window as unknown as { pssTest: { api: { handle(c: string, h: () => Promise<unknown>): void } } }).pssTest;
    t.api.handle('client.download', () => new Promise((resolve) => Object.assign(window, { finishDownload: resolve })));
  });
  await id('download-button').click();
  await emit('client.progress', bigDownloadProgress);
  await emit('client.chat', { id: 3, sessionId: 's', from: 'server', text: 'Hi from the admin', time: '2024-05-01T10:08:00.000Z', unread: 1 });
  await emit('client.warning', { text: 'The server will stop in 5 minutes', time: '2024-05-01T10:08:00.000Z' });
  await id('progress-eta').filter({ hasText: '6 min 36 s' }).waitFor();
  assert.is(await id('progress-speed').textContent(), '150 MiB/s');
  assert.ok(await id('chat-marker').isVisible());
  assert.match((await id('server-warning').textContent())!, /stop in 5 minutes/);
  await shot('ui-client-downloading');
  await id('chat-with-server').click();
  await id('chat-window').waitFor();
  assert.is(await id('chat-marker').count(), 0);
  await shot('ui-client-chat');
  await page.keyboard.press('Escape');
  assert.is(await id('chat-window').count(), 0, 'Escape closes the chat window');
});

browserTest('Client: a failed download turns the button into Retry Download', async () => {
  assert.ok(browser, 'Chromium launched');
  assert.match((await id('download-button').textContent())!, /Download Selected/);
  await emit('client.file', { path: 'folder042/Song: Remix?.mp3', status: 'done', savedAs: 'folder042/Song\uFF1A Remix\uFF1F.mp3' });
  await emit('client.file', { path: 'folder042/file042123.bin', status: 'failed', code: 'CONNECTION_LOST', message: 'the connection was lost' });
  await emit('client.state', {
    phase: 'disconnected',
    server: '192.168.1.20:5000',
    fingerprint: null,
    shortFingerprint: null,
    canRetry: true,
    chatReady: false,
    unread: 0,
    status: '',
  });
  await page.evaluate(() => {
    const finish = (window as unknown as { finishDownload: (s: unknown) => void }).finishDownload;
    finish({
      ok: false,
      cancelled: false,
      files: [{ path: 'folder042/file042123.bin', status: 'failed' }],
      bytes: 0,
      durationMs: 5,
      destination: '/home/bob/Downloads/from-ana',
    });
  });
  await id('download-button').filter({ hasText: 'Retry Download' }).waitFor();
  assert.ok(await id('download-button').isEnabled(), 'Retry works even though the connection is gone');
  assert.match((await id('download-failures').textContent())!, /file042123\.bin/);
  assert.match((await id('saved-as-list').textContent())!, /folder042\/Song: Remix\?\.mp3\s*→ saved as\s*folder042\/Song\uFF1A Remix\uFF1F\.mp3/);
  assert.is(await id('saved-as-name').getAttribute('dir'), 'ltr', 'names keep their direction in a right-to-left layout');
  await shot('ui-client-retry');
});

browserTest('Client: first-contact fingerprint prompt and the changed-certificate alarm', async () => {
  assert.ok(browser, 'Chromium launched');
  assert.equal(
    recorded!.errors.map((e) => e.message),
    [],
    'no page errors so far',
  );
  await page.reload();
  await id('launcher-client').waitFor();
  await page.evaluate(() => {
    const t = (
      window as unknown as {
        pssTest: { api: { handle(c: string, h: () => unknown): void; emit(e: string, p: unknown): void }; clientState: (o: object) => unknown };
      }
    ).pssTest;
    t.api.handle('client.connect', () => {
      t.api.emit(
        'client.state',
        t.clientState({
          phase: 'awaiting-trust',
          fingerprint: '3A:7F:09:B2:55:E1:D0:C4:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:12:34:56:78:9A:BC:DE:F0',
          shortFingerprint: '3A7F 09B2 55E1 D0C4',
        }),
      );
      return new Promise(() => undefined);
    });
  });
  await id('launcher-client').click();
  await id('client-host').fill('192.168.1.20');
  await id('client-connect').click();
  await id('trust-accept').waitFor();
  assert.is(await id('trust-short-fingerprint').textContent(), '3A7F 09B2 55E1 D0C4');
  await shot('ui-client-trust');
  await page.reload();
  await id('launcher-client').waitFor();
  await page.evaluate(() => {
    const t = (window as unknown as { pssTest: { api: { fail(c: string, code: string, m: string): void } } }).pssTest;
    t.api.fail(
      'client.connect',
      'PIN_MISMATCH',
      'WARNING: the certificate of 192.168.1.20:5000 has CHANGED. Pinned AA:…, presented BB:…. Someone may be intercepting the connection. Nothing was sent.',
    );
  });
  await id('launcher-client').click();
  await id('client-host').fill('192.168.1.20');
  await id('client-connect').click();
  await id('pin-alert').waitFor();
  assert.match((await id('pin-alert').textContent())!, /has CHANGED/);
  await shot('ui-client-pin-alert');
  assert.equal(
    recorded!.errors.map((e) => e.message),
    [],
    'no page errors',
  );
});

test.run();
