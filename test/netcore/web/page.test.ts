// The pages are built with escaping by default: names (even ones the wire rule would
// refuse), filters, warnings and the fingerprint are text, never markup; links are
// percent-encoded; there is no inline script or style for the CSP to forbid.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSize, renderListing, renderLogin, renderMessage } from '../../../extensions/netcore/src/web/page';
import { escapeHtml, html } from '../../../extensions/netcore/src/web/html';

const HOSTILE = '<img src=x onerror=alert(1)>.png';
const chrome = { shareName: 'Share <b>', fingerprint: 'AB:CD', shortFingerprint: 'ABCD', loggedIn: true };

/** Every tag of the page, with its double-quoted attribute values emptied. */
function tagsOf(page: string): string[] {
  return [...page.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
}

function assertNoActiveMarkup(page: string): void {
  const tags = tagsOf(page);
  assert.not.ok(
    tags.some((t) => /^<img/i.test(t)),
    'no img tag',
  );
  assert.equal(
    tags.filter((t) => /^<script/i.test(t)),
    ['<script src="" defer>'],
    'only the external script',
  );
  assert.ok(page.includes('<script src="/assets/app.js" defer></script>'));
  assert.not.ok(
    tags.some((t) => /\son[a-z]+\s*=/i.test(t)),
    'no event-handler attribute',
  );
  assert.not.ok(
    tags.some((t) => /^<style|\sstyle\s*=/i.test(t)),
    'no inline style',
  );
}

test('escapeHtml and html`` escape the five characters; html`` keeps its own markup', () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const name = '"><script>alert(1)</script>';
  assert.is(
    html`<p title="${name}">${name}</p>`.text,
    '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>',
  );
  assert.is(html`<ul>${[html`<li>${'<b>'}</li>`]}</ul>`.text, '<ul><li>&lt;b&gt;</li></ul>');
});

test('a listing with hostile names shows them as text and links to them percent-encoded', () => {
  const page = renderListing({
    ...chrome,
    warnings: ['<script>alert("warn")</script>'],
    folder: `dir ${HOSTILE}`,
    folders: [`sub "quoted" ' onclick='x`],
    files: [{ path: `dir ${HOSTILE}/${HOSTILE}`, size: 1536, mtimeMs: Date.UTC(2024, 5, 1, 12, 30) }],
    filter: '',
    notShared: {},
  });
  assertNoActiveMarkup(page);
  assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;.png'), 'the name is shown as text');
  assert.ok(page.includes('/files/dir%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png'));
  const filtered = renderListing({ ...chrome, folder: '', folders: [], files: [], filter: '"><svg onload=alert(1)>', notShared: {} });
  assertNoActiveMarkup(filtered);
  assert.ok(filtered.includes('value="&quot;&gt;&lt;svg onload=alert(1)&gt;"'), 'the filter is an attribute value');
  assert.ok(page.includes('&lt;script&gt;alert(&quot;warn&quot;)&lt;/script&gt;'));
  assert.ok(page.includes('Share &lt;b&gt;'));
  assert.ok(page.includes('1.50 KiB'));
  assert.ok(page.includes('<time datetime="2024-06-01T12:30:00.000Z">2024-06-01 12:30 UTC</time>'));
  assert.ok(page.includes('action="/logout"'), 'logged in: a Log out button');
});

test('the filter is applied on the server for browsers without JavaScript', () => {
  const page = renderListing({
    ...chrome,
    folder: '',
    folders: ['Photos'],
    files: [
      { path: 'notes.txt', size: 1, mtimeMs: 0 },
      { path: 'PHOTO list.txt', size: 1, mtimeMs: 0 },
    ],
    filter: 'photo',
    notShared: {},
  });
  assert.ok(page.includes('data-name="photos"'));
  assert.ok(page.includes('data-name="photo list.txt"'));
  assert.not.ok(page.includes('notes.txt'));
});

test('a folder says how many of its items are not offered, by reason, and only when some are', () => {
  const view = { ...chrome, folder: '', folders: [], files: [], filter: '' };
  const page = renderListing({ ...view, notShared: { special: 1, link: 2 } });
  assert.ok(page.includes('<p class="not-offered" id="not-offered">3 items in this folder are not offered by the server: links 2, special files 1.</p>'), page);
  assert.not.ok(renderListing({ ...view, notShared: {} }).includes('not-offered'));
  assert.ok(renderListing({ ...view, notShared: { unreadable: 1 } }).includes('1 item in this folder is not offered by the server: unreadable 1.'));
});

test('login and message pages escape too, and carry no inline code', () => {
  const login = renderLogin({ next: '/browse/"><x>/', error: '<b>no</b>', fingerprint: 'AB', shortFingerprint: 'AB', shareName: HOSTILE });
  assertNoActiveMarkup(login);
  assert.ok(login.includes('type="password"'));
  assert.ok(login.includes('value="/browse/&quot;&gt;&lt;x&gt;/"'));
  const message = renderMessage({ title: HOSTILE, message: HOSTILE, link: { href: '/browse/', text: HOSTILE } });
  assertNoActiveMarkup(message);
});

test('in Persian the page is right to left, in Persian, and offers English as a plain link', () => {
  const languages = [
    { lang: 'en' as const, href: '/browse/docs/?lang=en' },
    { lang: 'fa' as const, href: '/browse/docs/?lang=fa' },
  ];
  const page = renderListing({
    ...chrome,
    lang: 'fa',
    languages,
    folder: 'docs',
    folders: ['عکس‌ها'],
    files: [{ path: 'docs/report\u202Efdp.exe', size: 1536, mtimeMs: Date.UTC(2024, 5, 1, 12, 30) }],
    filter: '',
    notShared: { link: 2, unreadable: 1 },
  });
  assertNoActiveMarkup(page);
  assert.ok(
    page.includes('۳ مورد در این پوشه از طرف سرور ارائه نمی‌شود: پیوند ۲، ناخوانا ۱.'),
    'the not-offered note in Persian, with Persian digits and list separator',
  );
  assert.ok(page.includes('<html lang="fa" dir="rtl">'));
  assert.ok(page.includes('دانلود موارد انتخاب‌شده به صورت ZIP'));
  assert.ok(page.includes('<a class="lang" href="/browse/docs/?lang=en" lang="en" hreflang="en">English</a>'), 'English is a link that needs no script');
  assert.ok(page.includes('<span class="lang current" lang="fa" aria-current="true">فارسی</span>'));
  assert.ok(page.includes('<bdi>عکس‌ها</bdi>'), 'names are isolated');
  assert.ok(page.includes('<code id="fingerprint" dir="ltr">AB:CD</code>'), 'the fingerprint reads left to right');
  assert.ok(page.includes('۱٫۵۰ کیلوبایت'));
  assert.ok(page.includes('۱۴۰۳/۰۳/۱۲ ۱۲:۳۰ UTC'));
  assert.ok(page.includes('۱ پوشه، ۱ فایل'));
  // The override is shown as a mark, not obeyed; the raw character stays only in the link and the form value.
  assert.ok(page.includes('report<span class="bidi-control" title="'));
  assert.ok(page.includes('">U+202E</span>fdp.exe</bdi>'));
  assert.ok(page.includes('class="bidi-warning" role="img"'));
  const shown = page.replace(/(value|href|data-name)="[^"]*"/g, '');
  assert.not.ok(shown.includes('\u202E'), 'no raw override left in the text');
});

test('an English page has no switch when no languages are given, and is left to right', () => {
  const page = renderListing({ ...chrome, folder: '', folders: [], files: [], filter: '', notShared: {} });
  assert.ok(page.includes('<html lang="en" dir="ltr">'));
  assert.not.ok(page.includes('class="langs"'));
});

test('sizes in IEC units, as the app and the CLI write them', () => {
  assert.equal(
    [0, 1023, 1024, 10 * 1024 + 512, 5 * 1024 ** 3].map((n) => formatSize(n)),
    ['0 B', '1,023 B', '1.00 KiB', '10.5 KiB', '5.00 GiB'],
  );
});

test.run();
