// Every screen of the desktop UI in English and in Persian, at the default window size
// (1280×800) and at the smallest the window allows (900×600): a screenshot of each under
// test-artifacts/languages/, no text clipped or running out of its box, no emoji, and in
// Persian a mirrored layout whose addresses and fingerprints still read left to right.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR, launchBrowser, type BrowserHandle } from '../../support/browser';
import { boxOf, characterOrder, clippedText } from '../support/layout-checks';
import { pictographs } from '../support/page-checks';
import { bigDownloadProgress, spoofedWebSession } from '../support/samples';
import { ORIGIN, serveTestPage } from '../support/ui-page';
import { chromiumNeed, testIf } from '../../support/tools';

const browserTest = testIf(test, chromiumNeed());

const SIZES = [
  { width: 1280, height: 800 },
  { width: 900, height: 600 },
] as const;
const LANGUAGES = ['en', 'fa'] as const;
type Lang = (typeof LANGUAGES)[number];

const FINGERPRINT = '3A:7F:09:B2:55:E1:D0:C4:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:12:34:56:78:9A:BC:DE:F0';

let browser: BrowserHandle | undefined;

test.before(async () => {
  browser = await launchBrowser();
  if (browser) await mkdir(join(ARTIFACTS_DIR, 'languages'), { recursive: true });
});

test.after(async () => {
  await browser?.close();
});

function emit(page: Page, event: string, payload: unknown): Promise<void> {
  return page.evaluate(([e, p]) => (window as unknown as { pssTest: { api: { emit(e: string, p: unknown): void } } }).pssTest.api.emit(e as string, p), [
    event,
    payload,
  ] as const);
}

/** Screenshot, then the checks every screen passes in both languages. */
async function screen(page: Page, lang: Lang, size: { width: number; height: number }, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'languages', `${lang}-${size.width}x${size.height}-${name}.png`) });
  assert.equal(await clippedText(page), [], `${lang} ${size.width}×${size.height} ${name}: no clipped or overflowing text`);
  assert.equal(await pictographs(page), [], `${lang} ${name}: no emoji`);
  assert.is(await page.evaluate(() => `${document.documentElement.lang} ${document.documentElement.dir}`), lang === 'fa' ? 'fa rtl' : 'en ltr');
}

/** In Persian `a` is right of `b`; in English it is left of it. */
async function mirrored(page: Page, lang: Lang, a: string, b: string, what: string): Promise<void> {
  const boxA = (await boxOf(page, a))!;
  const boxB = (await boxOf(page, b))!;
  const centre = (x: { left: number; right: number }) => (x.left + x.right) / 2;
  if (lang === 'fa') assert.ok(centre(boxA) > centre(boxB), `${what}: mirrored in Persian (${centre(boxA)} vs ${centre(boxB)})`);
  else assert.ok(centre(boxA) < centre(boxB), `${what}: left to right in English (${centre(boxA)} vs ${centre(boxB)})`);
}

/** The text reads left to right in both languages: its first character is left of its last. */
async function readsLeftToRight(page: Page, selector: string, expected: string): Promise<void> {
  const order = await characterOrder(page, selector);
  assert.is(order.text, expected);
  assert.ok(order.firstX < order.lastX, `${expected} reads left to right (${order.firstX} < ${order.lastX})`);
}

browserTest('the clipping check finds clipped text, also inside shadow roots, and allows ellipses and scrolling', async () => {
  assert.ok(browser, 'Chromium launched');
  const { page, context } = await browser.newPage({ viewport: { width: 400, height: 300 } });
  try {
    await page.setContent(`<body style="margin:0">
      <div style="width:60px;overflow:hidden;white-space:nowrap">A long label that is cut</div>
      <button style="width:40px;overflow:hidden;white-space:nowrap">Download Selected</button>
      <p style="position:absolute;left:-300px;top:100px;margin:0">off the window</p>
      <div style="width:60px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis" title="an ellipsized file name">an ellipsized file name</div>
      <div style="width:60px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">an ellipsis hiding words</div>
      <div style="height:20px;overflow:auto"><p>scrolled 1</p><p>scrolled 2</p></div>
      <div id="host"></div>
      <span style="position:absolute;clip-path:inset(50%);width:1px;height:1px;overflow:hidden">for screen readers</span>
    </body>`);
    await page.evaluate(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<div style="height:10px;overflow:hidden;line-height:30px">cut below</div>';
    });
    const found = (await clippedText(page)).map((p) => `${p.text}: ${p.reason}`);
    assert.equal(found.sort(), [
      'A long label that is cut: sticks out sideways of a box that hides it',
      'Download Selected: sticks out sideways of a box that hides it',
      'Download Selected: wider than its box',
      'an ellipsis hiding words: sticks out sideways of a box that hides it',
      'cut below: sticks out of a box that hides it (above or below)',
      'off the window: runs past the window edge',
    ]);
  } finally {
    await context.close();
  }
});

for (const lang of LANGUAGES) {
  for (const size of SIZES) {
    browserTest(`${lang} at ${size.width}×${size.height}: every screen`, async () => {
      assert.ok(browser, 'Chromium launched');
      const { page, context } = await browser.newPage({ viewport: size, locale: 'en-US' });
      const id = (testid: string) => page.locator(`[data-testid="${testid}"]`);
      try {
        await serveTestPage(page);
        await page.goto(`${ORIGIN}/?lang=${lang}`);
        await id('launcher-server').waitFor();
        await screen(page, lang, size, 'launcher');

        // Server, Control Panel, running: addresses, fingerprint and web address read left to right.
        await id('launcher-server').click();
        await id('share-browse').click();
        await id('server-start').click();
        await id('server-stop').waitFor();
        await screen(page, lang, size, 'server-control');
        await mirrored(page, lang, '[data-testid="back-to-launcher"]', '[data-testid="server-badge"]', 'Back to Launcher and the state badge');
        await mirrored(page, lang, '[data-testid="tab-control"]', '[data-testid="tab-logs"]', 'the tab order');
        await readsLeftToRight(page, '[data-testid="server-address"]', '192.168.1.20:5000');
        await readsLeftToRight(page, '[data-testid="server-fingerprint"]', FINGERPRINT);
        await readsLeftToRight(page, '[data-testid="web-access-url"]', 'https://192.168.1.20:5002/');
        const backIcon = await page.locator('[data-testid="back-to-launcher"] svg').evaluate((e) => getComputedStyle(e).transform);
        assert.is(backIcon === 'matrix(-1, 0, 0, 1, 0, 0)', lang === 'fa', `the Back arrow points ${lang === 'fa' ? 'right' : 'left'} (${backIcon})`);

        // Client Management: table columns and progress bars mirrored, a spoofed name shown.
        await id('tab-clients').click();
        await id('session-row').first().waitFor();
        await emit(page, 'session.changed', spoofedWebSession);
        await page.locator('[data-session-id="s3"] [data-testid="bidi-control"]').waitFor();
        await screen(page, lang, size, 'server-clients');
        await mirrored(page, lang, 'th >> nth=0', 'th >> nth=5', 'the table columns');
        const track = (await boxOf(page, '[data-session-id="s1"] pss-progress-bar .track'))!;
        const fill = (await boxOf(page, '[data-session-id="s1"] pss-progress-bar .fill'))!;
        if (lang === 'fa') assert.ok(Math.abs(fill.right - (track.right - 1)) < 1.5 && fill.left > track.left + 5, 'the progress bar fills from the right');
        else assert.ok(Math.abs(fill.left - (track.left + 1)) < 1.5 && fill.right < track.right - 5, 'the progress bar fills from the left');
        await readsLeftToRight(page, '[data-session-id="s1"] [data-testid="session-address"]', '192.168.1.31');

        // Chats, with a chat window open.
        await id('tab-chats').click();
        await page.locator('[data-testid="chat-client"][data-session-id="s1"]').click();
        await id('open-chat-window').click();
        await page.locator('pss-chat-window [data-testid="chat-message"]').waitFor();
        await screen(page, lang, size, 'server-chats');
        await page.locator('pss-chat-window [data-testid="chat-close"]').click();

        // Logs: the date in the language's calendar and digits.
        await id('tab-logs').click();
        await id('log-row').first().waitFor();
        await screen(page, lang, size, 'server-logs');
        const firstTime = await page.locator('[data-testid="log-row"] .time').first().textContent();
        assert.match(firstTime!, lang === 'fa' ? /^۱۴۰۳\/۰۲\/۱۲ [۰-۹]{2}:[۰-۹]{2}:[۰-۹]{2}$/ : /^2024-05-0[12] \d\d:\d\d:\d\d$/);

        // Client: connected and downloading, with a warning from the server.
        await id('back-to-launcher').click();
        await id('launcher-client').click();
        await id('client-host').fill('192.168.1.20');
        await screen(page, lang, size, 'client-start');
        await id('client-connect').click();
        await id('file-row').first().waitFor();
        await id('select-all').click();
        await id('choose-destination').click();
        await page.evaluate(() => {
          const t = (window as unknown as { pssTest: { api: { handle(c: string, h: () => Promise<unknown>): void } } }).pssTest;
          t.api.handle('client.download', () => new Promise(() => undefined));
        });
        await id('download-button').click();
        await emit(page, 'client.progress', bigDownloadProgress);
        await emit(page, 'client.warning', {
          text: lang === 'fa' ? 'سرور تا ۵ دقیقه‌ی دیگر خاموش می‌شود' : 'The server will stop in 5 minutes',
          time: '2024-05-01T10:08:00.000Z',
        });
        await id('server-warning').waitFor();
        await screen(page, lang, size, 'client-downloading');
        await readsLeftToRight(page, '[data-testid="progress-current"]', 'folder042/file042123.bin');
        await mirrored(page, lang, '[data-testid="back-to-launcher"]', '[data-testid="client-phase"]', 'Back to Launcher and the phase badge');
        const twisty = await page
          .locator('[data-testid="file-row"] [data-testid="file-expand"] svg')
          .first()
          .evaluate((e) => getComputedStyle(e).transform);
        assert.is(twisty === 'matrix(-1, 0, 0, 1, 0, 0)', lang === 'fa', `a closed folder's arrow points toward the line's end (${twisty})`);
        const eta = await id('progress-eta').textContent();
        assert.is(eta, lang === 'fa' ? '۶ دقیقه و ۳۶ ثانیه' : '6 min 36 s');

        // First contact: the fingerprint to compare reads left to right.
        await page.reload();
        await id('launcher-client').waitFor();
        await page.evaluate((fp) => {
          const t = (
            window as unknown as {
              pssTest: { api: { handle(c: string, h: () => unknown): void; emit(e: string, p: unknown): void }; clientState: (o: object) => unknown };
            }
          ).pssTest;
          t.api.handle('client.connect', () => {
            t.api.emit('client.state', t.clientState({ phase: 'awaiting-trust', fingerprint: fp, shortFingerprint: '3A7F 09B2 55E1 D0C4' }));
            return new Promise(() => undefined);
          });
        }, FINGERPRINT);
        await id('launcher-client').click();
        await id('client-host').fill('192.168.1.20');
        await id('client-connect').click();
        await id('trust-accept').waitFor();
        await screen(page, lang, size, 'client-trust');
        await readsLeftToRight(page, '[data-testid="trust-fingerprint"]', FINGERPRINT);
        await readsLeftToRight(page, '[data-testid="trust-short-fingerprint"]', '3A7F 09B2 55E1 D0C4');
      } finally {
        await context.close();
      }
    });
  }
}

test.run();
