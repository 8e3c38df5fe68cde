// The small pieces of the web port: browser names for the session table, content types,
// the session cookie's attributes, and where a login may send the browser afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clearedSessionCookie, readCookie, sessionCookie } from '../../../extensions/netcore/src/web/cookies';
import { safeNext } from '../../../extensions/netcore/src/web/login-route';
import { contentTypeFor } from '../../../extensions/netcore/src/web/mime-types';
import { describeBrowser } from '../../../extensions/netcore/src/web/user-agent';

test('browsers are named briefly by the User-Agent', () => {
  const cases: Array<[string | undefined, string]> = [
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36', 'Chrome 124 on Android'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari 17 on iPhone',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0', 'Firefox 125 on Windows'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
      'Edge 124 on Windows',
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
      'Samsung Internet 24 on Android',
    ],
    ['curl/7.88.1', 'curl 7.88.1'],
    ['aria2/1.36.0', 'aria2 1.36.0'],
    ['SomeBot/2.0 (+http://example.com)', 'SomeBot'],
    [undefined, 'unknown browser'],
    ['\u0000\u0007', 'unknown browser'],
  ];
  for (const [ua, expected] of cases) assert.is(describeBrowser(ua), expected, String(ua));
  assert.ok(describeBrowser('x'.repeat(500)).length <= 64);
});

test('content types by extension, octet-stream otherwise', () => {
  assert.is(contentTypeFor('a/photo.JPG'), 'image/jpeg');
  assert.is(contentTypeFor('notes.txt'), 'text/plain; charset=utf-8');
  assert.is(contentTypeFor('movie.mkv'), 'video/x-matroska');
  assert.is(contentTypeFor('archive.tar.gz'), 'application/gzip');
  assert.is(contentTypeFor('.bashrc'), 'application/octet-stream');
  assert.is(contentTypeFor('README'), 'application/octet-stream');
  assert.is(contentTypeFor('odd.'), 'application/octet-stream');
});

test('the session cookie is HttpOnly, Secure, SameSite=Strict and host-only', () => {
  const set = sessionCookie('abc');
  for (const attr of ['__Host-pss-session=abc', 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']) assert.ok(set.split('; ').includes(attr), attr);
  assert.not.match(set, /Domain=/i);
  assert.match(clearedSessionCookie(), /Max-Age=0/);
  assert.is(readCookie('a=1; __Host-pss-session=xyz; b=2', '__Host-pss-session'), 'xyz');
  assert.is(readCookie('a=1', '__Host-pss-session'), undefined);
  assert.is(readCookie(undefined, '__Host-pss-session'), undefined);
});

test('after a login the browser goes only to a page of this server', () => {
  assert.is(safeNext('/browse/docs/'), '/browse/docs/');
  assert.is(safeNext('/browse/%D8%B3%D9%84%D8%A7%D9%85/?q=a%20b'), '/browse/%D8%B3%D9%84%D8%A7%D9%85/?q=a%20b');
  for (const bad of [
    undefined,
    '',
    'https://evil.example/',
    '//evil.example/',
    '/files/a',
    '/browse/\\evil',
    'javascript:alert(1)',
    '/browse/\r\nSet-Cookie: x=1',
    '/browse/a\nb',
    '/browse/a\u0000',
    '/browse/سلام',
    '/browse/a b',
  ]) {
    assert.is(safeNext(bad), '/browse/', String(bad));
  }
});

test.run();
