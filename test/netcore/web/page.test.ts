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
  assert.not.ok(tags.some((t) => /^<img/i.test(t)), 'no img tag');
  assert.equal(tags.filter((t) => /^<script/i.test(t)), ['<script src="" defer>'], 'only the external script');
  assert.ok(page.includes('<script src="/assets/app.js" defer></script>'));
  assert.not.ok(tags.some((t) => /\son[a-z]+\s*=/i.test(t)), 'no event-handler attribute');
  assert.not.ok(tags.some((t) => /^<style|\sstyle\s*=/i.test(t)), 'no inline style');
}

test('escapeHtml and html`` escape the five characters; html`` keeps its own markup', () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const name = '"><script>alert(1)</script>';
  assert.is(html`<p title="${name}">${name}</p>`.text, '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>');
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
  assert.ok(page.includes('1.5 KB'));
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

test('sizes read like a file manager', () => {
  assert.equal([0, 1023, 1024, 10 * 1024 + 512, 5 * 1024 ** 3].map(formatSize), ['0 B', '1023 B', '1.0 KB', '11 KB', '5.0 GB']);
});

test.run();
