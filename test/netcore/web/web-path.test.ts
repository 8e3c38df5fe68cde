// URL paths of the web port (PROTOCOL.md §10.2): decoded once and strictly, then held to
// the wire's name rule (§5), so the web port refuses exactly what the main port refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { pathProblem } from '../../../extensions/netcore/src/protocol/path-rules';
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
  ['C:%2fWindows', 'drive letter'],
  ['%', 'lone percent'],
  ['%2', 'short escape'],
  ['%zz', 'bad hex'],
  ['a b', 'raw space'],
  ['a"b', 'raw quote'],
  ['caf\u00e9', 'raw non-ASCII'],
  ['con.txt', 'device name'],
  ['a//b', 'empty segment'],
  ['', 'nothing'],
];

for (const [tail, why] of hostile) {
  test(`file path ${JSON.stringify(tail)} (${why}) is BAD_PATH`, () => {
    refused(() => fileWirePath(tail), tail);
  });
}

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

test('property: every wire path the rule accepts survives encode then decode', () => {
  const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
      const path = segments.join('/');
      fc.pre(pathProblem(path) === undefined);
      const encoded = encodeWirePath(path);
      assert.ok(/^[A-Za-z0-9\-._~%/]*$/.test(encoded), encoded);
      assert.is(fileWirePath(encoded), path);
    }),
    { numRuns: 1000 },
  );
});

test('property: whatever decodes is a path the wire rule accepts', () => {
  const piece = fc.oneof(
    fc.constantFrom('..', '.', '/', '%2e', '%2f', '%5c', '%00', '%c0%ae', '%25', 'a', 'b', '%e2%80%ae', '%ef%bf%bd', '%'),
    fc.string({ maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
      let path: string;
      try {
        path = fileWirePath(pieces.join(''));
      } catch (err) {
        assert.is((err as { code?: string }).code, 'BAD_PATH');
        return;
      }
      assert.is(pathProblem(path), undefined, path);
    }),
    { numRuns: 3000 },
  );
});

test.run();
