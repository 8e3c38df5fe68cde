// URL paths of the web port (PROTOCOL.md §10.2): decoded once and strictly, then held to
// the web port's name rule: every safety check of the wire rule (§5), so the web port
// refuses every traversal the main port refuses, but not the Windows-only checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { WINDOWS_NAMES, HOST_NAMES, pathProblem, hostNameRule } from '../../../extensions/netcore/src/protocol/path-rules';
import { encodeWirePath, fileWirePath, folderWirePath, percentDecode } from '../../../extensions/netcore/src/web/web-path';

function refused(fn: () => unknown, what: string): void {
  try {
    const got = fn();
    assert.unreachable(`${what} was accepted as ${JSON.stringify(got)}`);
  } catch (err) {
    assert.is((err as { code?: string }).code, 'BAD_PATH', `${what}: ${(err as Error).message}`);
  }
}

const hostile: Array<[string, string]> = [
  ['..', 'parent'],
  ['../secret.txt', 'parent segment'],
  ['a/../../secret.txt', 'parent after a folder'],
  ['%2e%2e/secret.txt', 'encoded parent'],
  ['%2E%2E%2Fsecret.txt', 'encoded parent and slash'],
  ['..%2fsecret.txt', 'encoded slash after a parent'],
  ['..%5csecret.txt', 'encoded backslash'],
  ['..\\secret.txt', 'raw backslash'],
  ['%c0%ae%c0%ae/secret.txt', 'overlong UTF-8 dots'],
  ['%c0%af', 'overlong UTF-8 slash'],
  ['%e0%80%ae', 'three-byte overlong dot'],
  ['%ed%a0%80', 'UTF-8 of a lone surrogate'],
  ['%ff', 'not UTF-8 at all'],
  ['a%00b', 'NUL'],
  ['a%0d%0ab', 'CR LF'],
  ['%2fetc%2fpasswd', 'absolute after decoding'],
  ['/etc/passwd', 'absolute'],
  ['C:%2f..%2fWindows', 'parent after a drive letter'],
  ['C%3a%2f..%2fWindows', 'encoded parent after a drive letter'],
  ['what%3F/../x', 'parent after a name Windows cannot store'],
  ['a.%2f..%2f..%2fsecret.txt', 'encoded parents after a trailing dot'],
  ['%', 'lone percent'],
  ['%2', 'short escape'],
  ['%zz', 'bad hex'],
  ['a b', 'raw space'],
  ['a"b', 'raw quote'],
  ['caf\u00e9', 'raw non-ASCII'],
  ['a//b', 'empty segment'],
  ['', 'nothing'],
];

for (const [tail, why] of hostile) {
  test(`file path ${JSON.stringify(tail)} (${why}) is BAD_PATH`, () => {
    refused(() => fileWirePath(tail), tail);
  });
}

test('names refused only for Windows portability decode on the web port (not on a Windows server)', () => {
  const cases: Array<[string, string]> = [
    ['%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png', '<img src=x onerror=alert(1)>.png'],
    ['a%22b.txt', 'a"b.txt'],
    ['what%3F.txt', 'what?.txt'],
    ['CON.txt', 'CON.txt'],
    ['con.txt', 'con.txt'],
    ['trailing.', 'trailing.'],
    ['dir%7Cx%2A/name%20', 'dir|x*/name '],
    ['notes:draft', 'notes:draft'],
    ['C:%2fWindows', 'C:/Windows'],
    ['C%3a%2fWindows', 'C:/Windows'],
    ['c%3Asecret.txt', 'c:secret.txt'],
    ['a%3Ab.txt', 'a:b.txt'],
  ];
  const web = hostNameRule('linux');
  for (const [tail, path] of cases) {
    assert.is(fileWirePath(tail, web), path, tail);
    refused(() => fileWirePath(tail, WINDOWS_NAMES), `${tail} under the portable rule`);
    if (!HOST_NAMES.portable) assert.is(fileWirePath(tail), path, tail);
  }
  assert.is(folderWirePath('what%3F/', web), 'what?');
  refused(() => folderWirePath('what%3F/', WINDOWS_NAMES), 'a folder under the portable rule');
  // On a Windows server those names are a safety matter (a dropped trailing dot, a device).
  refused(() => fileWirePath('CON.', hostNameRule('win32')), 'CON. on a Windows server');
  refused(() => folderWirePath('notes%3Adraft/', hostNameRule('win32')), 'notes:draft/ on a Windows server');
  refused(() => fileWirePath('C%3A%2fWindows', hostNameRule('win32')), 'a drive letter on a Windows server');
  refused(() => fileWirePath('a%3Ab.txt', hostNameRule('win32')), 'a stream name on a Windows server');
});

test('%252e is decoded once: it names a file called "%2e", not a parent', () => {
  assert.is(fileWirePath('%252e%252e'), '%2e%2e');
  assert.is(fileWirePath('a/%252e%252e/b'), 'a/%2e%2e/b');
});

test('honest names decode to themselves', () => {
  assert.is(fileWirePath('docs/%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4.txt'), 'docs/گزارش.txt');
  assert.is(fileWirePath('%F0%9F%93%B7%20photos/a%20b.jpg'), '📷 photos/a b.jpg');
  assert.is(fileWirePath("it's%20(1).txt"), "it's (1).txt");
  assert.is(fileWirePath('.hidden'), '.hidden');
});

test('folders: empty is the root, one trailing slash is allowed, hostile ones are refused', () => {
  assert.is(folderWirePath(''), '');
  assert.is(folderWirePath('a/b/'), 'a/b');
  assert.is(folderWirePath('a/b'), 'a/b');
  for (const tail of ['/', 'a//', '../', '%2e%2e/', 'a/%00/']) refused(() => folderWirePath(tail), tail);
});

test('percentDecode is strict', () => {
  assert.is(percentDecode('a%41%42'), 'aAB');
  refused(() => percentDecode('%4'), '%4');
});

test('property: every path the web rule accepts survives encode then decode', () => {
  const web = hostNameRule('linux');
  const segment = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: fc.constantFrom('<', '>', ':', '"', '|', '?', '*', '.', ' ', 'a', 'CON', 'é', '%', '&', '#'), minLength: 1, maxLength: 8 }),
  );
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
      const path = segments.join('/');
      fc.pre(pathProblem(path, web) === undefined);
      const encoded = encodeWirePath(path);
      assert.ok(/^[A-Za-z0-9\-._~%/]*$/.test(encoded), encoded);
      assert.is(fileWirePath(encoded, web), path);
    }),
    { numRuns: 1000 },
  );
});

test('property: whatever decodes is a path the rule accepts, with no parent, backslash or control character (and no drive under the Windows rule)', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      '..',
      '.',
      '/',
      '%2e',
      '%2f',
      '%5c',
      '%00',
      '%c0%ae',
      '%25',
      'a',
      'b',
      '%e2%80%ae',
      '%ef%bf%bd',
      '%',
      '%3a',
      'C:',
      '%3f',
      '%22',
      '%3c',
      '%20',
      'con',
    ),
    fc.string({ maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.constantFrom(WINDOWS_NAMES, hostNameRule('linux')), (pieces, rule) => {
      let path: string;
      try {
        path = fileWirePath(pieces.join(''), rule);
      } catch (err) {
        assert.is((err as { code?: string }).code, 'BAD_PATH');
        return;
      }
      assert.is(pathProblem(path, rule), undefined, path);
      const segments = path.split('/');
      assert.not.ok(
        segments.some((s) => s === '..' || s === '.' || s === ''),
        path,
      );
      if (rule.portable)
        assert.not.ok(
          segments.some((s) => /^[a-z]:/i.test(s)),
          path,
        );
      assert.not.ok(/[\\\u0000-\u001f\u007f-\u009f]/.test(path), path);
    }),
    { numRuns: 3000 },
  );
});

test.run();
