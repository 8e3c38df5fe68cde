// The web page's language in a real browser, with JavaScript turned off to prove the
// switch is a plain link: a Persian phone (Accept-Language: fa) gets the page in Persian,
// right to left, with Persian digits; "English" switches it and the choice sticks to the
// next pages; the login form keeps where to go next. A name holding U+202E shows the
// mark instead of obeying it, and the fingerprint reads left to right. Phone-sized
// screenshots of the listing, a folder and the login form in both languages go to
// test-artifacts/languages/, each checked for clipped or overflowing text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { ARTIFACTS_DIR, launchBrowser, type BrowserHandle } from '../../support/browser';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { characterOrder, clippedText } from '../../ui/support/layout-checks';
import { chromiumNeed, testIf } from '../../support/tools';

const browserTest = testIf(test, chromiumNeed());

const SPOOF = 'report\u202Efdp.exe';

let base = '';
let open: TestServer;
let guarded: TestServer;
let browser: BrowserHandle | undefined;

test.before(async () => {
  base = await makeTempDir('web-language');
  const share = join(base, 'share');
  for (const [path, size] of [
    [`invoices/${SPOOF}`, 2_000],
    ['عکس‌ها/ساحل.jpg', 70_000],
    ['readme.txt', 1_536],
  ] as const) {
    await writeRandomFile(join(share, ...path.split('/')), size);
  }
  open = await startTestServer({ sharePath: share });
  guarded = await startTestServer({ sharePath: share, password: 'رمز عبور' });
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  await open?.close();
  await guarded?.close();
  await removeDir(base);
});

browserTest('Accept-Language: fa gives the Persian page; the English link switches it without JavaScript, and it sticks', async () => {
  assert.ok(browser, 'Chromium launched');
  const { page, context } = await browser.newPage({
    viewport: { width: 390, height: 844 },
    javaScriptEnabled: false,
    extraHTTPHeaders: { 'Accept-Language': 'fa-IR,fa;q=0.9,en;q=0.5' },
  });
  try {
    const origin = `https://127.0.0.1:${open.webPort}`;
    const res = await page.goto(`${origin}/browse/`);
    assert.is(res!.headers().vary, 'Accept-Language, Cookie');
    assert.is(await page.getAttribute('html', 'lang'), 'fa');
    assert.is(await page.getAttribute('html', 'dir'), 'rtl');
    assert.is((await page.textContent('#zip-selected'))!.trim(), 'دانلود موارد انتخاب‌شده به صورت ZIP');
    assert.is((await page.textContent('#count'))!.trim(), '۲ پوشه، ۱ فایل');
    assert.match((await page.textContent('.row .size'))!, /^۱٫۵۰ کیلوبایت$/);
    const fingerprint = await characterOrder(page, '#fingerprint');
    assert.ok(fingerprint.firstX < fingerprint.lastX, 'the fingerprint reads left to right in the Persian page');
    assert.is(fingerprint.direction, 'ltr');

    await Promise.all([page.waitForURL(`${origin}/browse/?lang=en`), page.click('a.lang[hreflang="en"]')]);
    assert.is(await page.getAttribute('html', 'lang'), 'en');
    assert.is(await page.getAttribute('html', 'dir'), 'ltr');
    assert.is((await page.textContent('#count'))!.trim(), '2 folders, 1 file');
    const cookie = (await context.cookies()).find((c) => c.name === 'pss_lang');
    assert.ok(cookie && cookie.value === 'en' && cookie.secure && cookie.httpOnly && cookie.sameSite === 'Strict', 'the choice is kept in a cookie');

    // The next page, still with Accept-Language: fa, stays English.
    await Promise.all([page.waitForURL(`${origin}/browse/invoices/`), page.click('a.name >> text=invoices')]);
    assert.is(await page.getAttribute('html', 'lang'), 'en');
    // The override in the name is a visible mark, not a reordering.
    const name = page.locator('.row .name').first();
    assert.is(await name.locator('.bidi-control').textContent(), 'U+202E');
    assert.is((await name.textContent())!.trim(), 'reportU+202Efdp.exe');
    assert.ok(await name.locator('.bidi-warning').isVisible());
  } finally {
    await context.close();
  }
});

browserTest('the login page switches language and keeps where to go next', async () => {
  assert.ok(browser, 'Chromium launched');
  const { page, context } = await browser.newPage({
    viewport: { width: 390, height: 844 },
    javaScriptEnabled: false,
    extraHTTPHeaders: { 'Accept-Language': 'en-US' },
  });
  try {
    const origin = `https://127.0.0.1:${guarded.webPort}`;
    await page.goto(`${origin}/browse/invoices/`);
    assert.match(page.url(), /\/login\?next=%2Fbrowse%2Finvoices%2F$/);
    assert.is(await page.getAttribute('html', 'lang'), 'en');
    await Promise.all([page.waitForURL(/lang=fa/), page.click('a.lang[hreflang="fa"]')]);
    assert.is(await page.getAttribute('html', 'dir'), 'rtl');
    assert.is((await page.textContent('h1'))!.trim(), 'رمز عبور لازم است');
    await page.fill('#password', 'رمز عبور');
    await Promise.all([page.waitForURL(`${origin}/browse/invoices/`), page.click('button[type=submit]')]);
    assert.is(await page.getAttribute('html', 'lang'), 'fa', 'logged in, in the language chosen on the login page');
  } finally {
    await context.close();
  }
});

for (const lang of ['en', 'fa'] as const) {
  browserTest(`${lang} on a 390 px phone: listing, folder and login, nothing clipped`, async () => {
    assert.ok(browser, 'Chromium launched');
    await mkdir(join(ARTIFACTS_DIR, 'languages'), { recursive: true });
    const { page, context } = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      extraHTTPHeaders: { 'Accept-Language': lang },
    });
    try {
      const shots: [string, string][] = [
        ['listing', `https://127.0.0.1:${open.webPort}/browse/`],
        ['folder', `https://127.0.0.1:${open.webPort}/browse/invoices/`],
        ['login', `https://127.0.0.1:${guarded.webPort}/login?next=%2Fbrowse%2F`],
      ];
      for (const [name, url] of shots) {
        await page.goto(url);
        assert.is(await page.getAttribute('html', 'lang'), lang);
        await page.screenshot({ path: join(ARTIFACTS_DIR, 'languages', `web-phone-${lang}-${name}.png`), fullPage: true });
        assert.equal(await clippedText(page), [], `${lang} ${name}: no clipped or overflowing text`);
      }
    } finally {
      await context.close();
    }
  });
}

test.run();
