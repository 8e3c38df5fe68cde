// ZIP entry names (PROTOCOL.md §10.4): a path is its own name in the archive, except that
// no entry may start with a drive letter; such a first segment takes the look-alike
// colon, numbered when that name is taken, so no file is left out and no two share a name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { zipEntryNames } from '../../../extensions/netcore/src/web/zip-names';

test('a drive letter at the top of the archive takes the look-alike colon; anything else keeps its name', () => {
  const names = zipEntryNames(['a:b.txt', 'C:/x.txt', 'C:/sub/y.txt', 'c:', 'sub/a:b.txt', 'ab:c.txt', 'what?.txt', 'plain.txt']);
  assert.equal(Object.fromEntries(names), {
    'a:b.txt': 'a\uFF1Ab.txt',
    'C:/x.txt': 'C\uFF1A/x.txt',
    'C:/sub/y.txt': 'C\uFF1A/sub/y.txt',
    'c:': 'c\uFF1A',
    'sub/a:b.txt': 'sub/a:b.txt',
    'ab:c.txt': 'ab:c.txt',
    'what?.txt': 'what?.txt',
    'plain.txt': 'plain.txt',
  });
});

test('a taken name is numbered, and the name that was there keeps it', () => {
  const names = zipEntryNames(['a:b.txt', 'a\uFF1Ab.txt', 'C:/x', 'C\uFF1A/y']);
  assert.is(names.get('a\uFF1Ab.txt'), 'a\uFF1Ab.txt');
  assert.is(names.get('a:b.txt'), 'a\uFF1Ab (2).txt');
  assert.is(names.get('C\uFF1A/y'), 'C\uFF1A/y');
  assert.is(names.get('C:/x'), 'C\uFF1A (2)/x');
});

const segment = fc.oneof(
  fc.constantFrom('a:', 'C:', 'c:', 'a:b.txt', 'a\uFF1Ab.txt', 'C\uFF1A', 'x', 'x.txt', 'a\uFF1Ab (2).txt', 'C\uFF1A (2)'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((s) => !s.includes('/')),
);
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));

test('property: one name per path, none starting with a drive letter, the same folder for the same folder', () => {
  fc.assert(
    fc.property(fc.uniqueArray(path, { maxLength: 12 }), (paths) => {
      // A file and a folder of one name cannot both be in a share.
      fc.pre(!paths.some((p) => paths.some((q) => q.startsWith(`${p}/`))));
      const names = zipEntryNames(paths);
      assert.is(new Set(names.values()).size, paths.length, JSON.stringify([...names]));
      for (const [p, name] of names) {
        assert.not.match(name, /^[A-Za-z]:/, name);
        assert.is(name.split('/').length, p.split('/').length);
        assert.is(name.split('/').slice(1).join('/'), p.split('/').slice(1).join('/'), 'only the first segment may change');
        if (!/^[A-Za-z]:/.test(p)) assert.is(name, p);
      }
      for (const p of paths)
        for (const q of paths) {
          if (p.split('/')[0] === q.split('/')[0]) assert.is(names.get(p)!.split('/')[0], names.get(q)!.split('/')[0]);
        }
    }),
    { numRuns: 2000 },
  );
});

test.run();
