// The web page in a real browser (Debian's Chromium through playwright-core), on a
// phone-sized screen: log in, navigate, filter, select, download one file and a ZIP and
// check their bytes; hostile-looking names stay text (no script runs, no dialog opens);
// the page causes no CSP violation and no console error; a screenshot is kept. A file
// named exactly `<img src=x onerror=alert(1)>.png`, which only Windows could not store,
// is listed as text, filters, downloads byte-exact alone and in a ZIP, and runs nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, saveScreenshot, type BrowserHandle, type RecordedPage } from '../../support/browser';
import { writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { hasTool, runTool } from '../../support/web-client';
import { chromiumNeed, testIf } from '../../support/tools';

const browserTest = testIf(test, chromiumNeed());

const PASSWORD = 'open sesame';
// Names the wire rule allows but that would do harm if a page pasted them in as markup.
const HOSTILE = ['&lt;img src=x onerror=alert(1)&gt;.png', "x' onmouseover='alert(2)'.txt", '&#60;script&#62;alert(3)&#60;&#47;script&#62;.txt'];
// Served on the web port although the main port leaves it out (PROTOCOL.md §10.2).
const MARKUP_NAME = '<img src=x onerror=alert(1)>.png';

let base = '';
let server: TestServer;
let browser: BrowserHandle | undefined;
const files = new Map<string, FileFacts>();

test.before(async () => {
  base = await makeTempDir('web-browser');
  const share = join(base, 'share');
  for (const [path, size] of [
    ['docs/report.pdf', 200_000],
    ['docs/نامه.txt', 1_000],
    ['docs/nested/deep.txt', 50],
    ['photos/beach.jpg', 70_000],
    ['readme.txt', 300],
  ] as const) {
    files.set(path, await writeRandomFile(join(share, ...path.split('/')), size));
  }
  for (const name of HOSTILE) files.set(name, await writeRandomFile(join(share, name), 10));
  files.set(MARKUP_NAME, await writeRandomFile(join(share, MARKUP_NAME), 4_321));
  server = await startTestServer({ sharePath: share, password: PASSWORD });
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  await server?.close();
  await removeDir(base);
});

async function phonePage(): Promise<RecordedPage> {
  const recorded = await browser!.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  // Init scripts are injected by the browser itself, outside the page's CSP. (Kept as
  // text: these tests are compiled without the DOM's types.)
  await recorded.page.addInitScript({
    content: `window.__csp = []; window.__alerts = [];
      document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });
      window.alert = function (m) { window.__alerts.push(String(m)); };`,
  });
  recorded.page.on('dialog', (d) => void d.dismiss());
  return recorded;
}

async function assertClean(r: RecordedPage): Promise<void> {
  const seen = (await r.page.evaluate('({ csp: window.__csp, alerts: window.__alerts })')) as { csp: string[]; alerts: string[] };
  assert.equal(seen.csp, [], 'no CSP violation');
  assert.equal(seen.alerts, [], 'no script from a name ran');
  assert.equal(
    r.errors.map((e) => e.message),
    [],
    'no page error',
  );
  const problems = r.console.filter((m) => m.type() === 'error' || /Content.Security.Policy/i.test(m.text()));
  assert.equal(
    problems.map((m) => m.text()),
    [],
    'no console error',
  );
}

browserTest('log in, browse, filter, select, and download a file and a ZIP, byte-exact', async () => {
  assert.ok(browser, 'Chromium launched');
  const r = await phonePage();
  const { page } = r;
  const origin = `https://127.0.0.1:${server.webPort}`;
  await page.goto(`${origin}/`);
  assert.match(page.url(), /\/login\?next=/);
  await page.check('#show-password');
  await page.fill('#password', PASSWORD);
  assert.is(await page.getAttribute('#password', 'type'), 'text', 'Show password works');
  await Promise.all([page.waitForURL(`${origin}/browse/`), page.click('button[type=submit]')]);
  const cookies = await r.context.cookies();
  assert.ok(cookies.some((c) => c.name === '__Host-pss-session' && c.httpOnly && c.secure && c.sameSite === 'Strict'));

  // Hostile-looking names are plain text in the list.
  for (const name of HOSTILE) assert.is(await page.locator('.name span', { hasText: name }).count(), 1, name);
  await page.hover(`.name span >> text=${HOSTILE[1]!}`);
  await saveScreenshot(page, 'web-page-phone');
  const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);

  await Promise.all([page.waitForURL(`${origin}/browse/docs/`), page.click('a.name:has-text("docs")')]);
  assert.equal(await page.locator('#list li:visible .name span').allTextContents(), ['nested', 'report.pdf', 'نامه.txt']);
  await page.fill('#filter', 'NEST');
  assert.equal(await page.locator('#list li:visible .name span').allTextContents(), ['nested']);
  await page.fill('#filter', 'zzz');
  assert.ok(await page.isVisible('#empty'), 'the no-match note shows');
  await page.fill('#filter', '');

  // One file.
  const [single] = await Promise.all([page.waitForEvent('download'), page.click('a.name:has-text("report.pdf")')]);
  assert.is(single.suggestedFilename(), 'report.pdf');
  const savedFile = join(await makeSubDir(base, 'dl'), 'report.pdf');
  await single.saveAs(savedFile);
  assert.ok((await readFile(savedFile)).equals(await readFile(join(base, 'share', 'docs', 'report.pdf'))), 'the file is byte-exact');

  // Nothing ticked: the ZIP button explains instead of submitting.
  await page.click('#zip-selected');
  assert.ok(await page.isVisible('#notice'));

  // Select all, untick one, download the rest as a ZIP.
  await page.check('#select-all');
  assert.is(await page.locator('#list input[type=checkbox]:checked').count(), 3);
  await page.uncheck('#list input[value="docs/report.pdf"]');
  assert.is(await page.evaluate("document.getElementById('select-all').indeterminate"), true, 'select-all shows a partial selection');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#zip-selected')]);
  assert.is(zip.suggestedFilename(), 'docs.zip');
  const zipPath = join(await makeSubDir(base, 'zip'), 'docs.zip');
  await zip.saveAs(zipPath);
  if (hasTool('unzip', ['-v'])) {
    const out = join(base, 'zip-out');
    assert.is((await runTool('unzip', ['-q', zipPath, '-d', out])).code, 0);
    for (const name of ['nested/deep.txt', 'نامه.txt']) {
      assert.ok((await readFile(join(out, name))).equals(await readFile(join(base, 'share', 'docs', name))), name);
    }
    assert.is((await runTool('unzip', ['-Z1', zipPath])).stdout.toString().trim().split('\n').sort().join(','), 'nested/deep.txt,نامه.txt');
  }

  await assertClean(r);
  await Promise.all([page.waitForURL(/\/login$/), page.click('.logout button')]);
  await page.goto(`${origin}/browse/docs/`);
  assert.match(page.url(), /\/login\?next=/, 'logged out');
  await r.context.close();
});

browserTest('a file named <img src=x onerror=alert(1)>.png is text, filters, downloads byte-exact and runs nothing', async () => {
  assert.ok(browser, 'Chromium launched');
  const r = await phonePage();
  const { page } = r;
  const dialogs: string[] = [];
  page.on('dialog', (d) => dialogs.push(d.message()));
  // A second tripwire: any call of alert, from any script, sets window.__xss.
  await page.addInitScript({
    content: `window.__xss = false;
      var recordAlert = window.alert;
      window.alert = function (m) { window.__xss = true; return recordAlert(m); };`,
  });
  const origin = `https://127.0.0.1:${server.webPort}`;
  await page.goto(`${origin}/login`);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${origin}/browse/`), page.click('button[type=submit]')]);

  const link = page.locator('#list a.name').filter({ hasText: MARKUP_NAME });
  assert.is(await link.count(), 1, 'listed once');
  assert.is(await link.locator('span').textContent(), MARKUP_NAME, 'shown as exactly its name');
  assert.is(await link.getAttribute('href'), '/files/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png');
  const row = page.locator('#list li').filter({ hasText: MARKUP_NAME });
  assert.is(await row.locator('input[type=checkbox]').getAttribute('value'), MARKUP_NAME, 'its checkbox carries the exact name');
  assert.is(await page.locator('img').count(), 0, 'no img element anywhere on the page');
  assert.is(await page.locator('[onerror]').count(), 0, 'no onerror attribute anywhere on the page');

  await page.fill('#filter', '<IMG SRC=X ONERROR=');
  assert.equal(await page.locator('#list li:visible .name span').allTextContents(), [MARKUP_NAME], 'the script filter matches it as text');
  await page.fill('#filter', '');

  const [single] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const suggested = single.suggestedFilename();
  assert.ok(suggested.includes('img src=x onerror=alert(1)') && suggested.endsWith('.png'), `saved as ${JSON.stringify(suggested)}`);
  const saved = join(await makeSubDir(base, 'markup'), 'download.bin');
  await single.saveAs(saved);
  assert.ok((await readFile(saved)).equals(await readFile(join(base, 'share', MARKUP_NAME))), 'the file is byte-exact');

  await row.locator('input[type=checkbox]').check();
  const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#zip-selected')]);
  const zipPath = join(await makeSubDir(base, 'markup-zip'), 'picked.zip');
  await zip.saveAs(zipPath);
  if (hasTool('unzip', ['-v'])) {
    assert.is((await runTool('unzip', ['-Z1', zipPath])).stdout.toString('utf8').trim(), MARKUP_NAME, 'the ZIP names it exactly');
    const out = join(base, 'markup-zip-out');
    assert.is((await runTool('unzip', ['-q', zipPath, '-d', out])).code, 0);
    assert.ok((await readFile(join(out, MARKUP_NAME))).equals(await readFile(join(base, 'share', MARKUP_NAME))), 'byte-exact in the ZIP');
  }

  await page.goto(`${origin}/browse/`);
  await page.hover(`#list a.name >> text=${MARKUP_NAME}`);
  assert.is(await page.evaluate('window.__xss'), false, 'no alert was called');
  assert.equal(dialogs, [], 'no dialog opened');
  await assertClean(r);
  await r.context.close();
});

browserTest('without JavaScript the page still navigates, filters on submit and downloads', async () => {
  assert.ok(browser, 'Chromium launched');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const origin = `https://127.0.0.1:${server.webPort}`;
  await page.goto(`${origin}/login`);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${origin}/browse/`), page.click('button[type=submit]')]);
  await Promise.all([page.waitForURL(`${origin}/browse/photos/`), page.click('a.name:has-text("photos")')]);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a.name:has-text("beach.jpg")')]);
  const saved = join(await makeSubDir(base, 'nojs'), 'beach.jpg');
  await dl.saveAs(saved);
  assert.ok((await readFile(saved)).equals(await readFile(join(base, 'share', 'photos', 'beach.jpg'))));
  await page.goto(`${origin}/browse/`);
  await page.fill('#filter', 'read');
  await Promise.all([page.waitForURL(/\?q=read$/), page.click('#filter-button')]);
  assert.equal(await page.locator('#list .name span').allTextContents(), ['readme.txt']);
  await context.close();
});

test.run();
