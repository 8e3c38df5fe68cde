// The client's storability rule (PROTOCOL.md §5.2), tested for Windows on any machine: a
// name Windows cannot store maps to one it can, by the documented table; the names of one
// folder never map to one local name; and the mapping depends only on the set of names,
// so a second run (a resume) finds the same local names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { win32 } from 'node:path';
import { MAX_NAME_BYTES } from '../../../extensions/netcore/src/constants';
import { WINDOWS_NAMES, pathProblem, segmentProblem, windowsNameProblem } from '../../../extensions/netcore/src/protocol/path-rules';
import { mapFolder, mapPaths, nameKey, storableName, storageFor, strictest } from '../../../extensions/netcore/src/protocol/storable-names';

const WINDOWS = storageFor('win32');
const LINUX = storageFor('linux');
const MAC = storageFor('darwin');

test('the platforms: Windows refuses its names and ignores case, macOS ignores case, Linux neither', () => {
  assert.equal(WINDOWS, { windowsNames: true, caseInsensitive: true });
  assert.equal(MAC, { windowsNames: false, caseInsensitive: true });
  assert.equal(LINUX, { windowsNames: false, caseInsensitive: false });
  assert.equal(storageFor('freebsd'), LINUX);
});

test('a destination is never laxer than its platform: a Windows client maps whatever storage it is told', () => {
  assert.equal(strictest(LINUX, WINDOWS), WINDOWS);
  assert.equal(strictest(WINDOWS, LINUX), WINDOWS);
  assert.equal(strictest(LINUX, MAC), MAC);
  assert.equal(strictest({ windowsNames: true, caseInsensitive: false }, MAC), WINDOWS);
  assert.equal(strictest(LINUX, LINUX), LINUX);
});

test('the table of PROTOCOL.md §5.2, name by name', () => {
  const cases: Array<[string, string]> = [
    ['Song: Remix.mp3', 'Song\uFF1A Remix.mp3'],
    ['what?.txt', 'what\uFF1F.txt'],
    ['a<b>.txt', 'a\uFF1Cb\uFF1E.txt'],
    ['x|y.txt', 'x\uFF5Cy.txt'],
    ['it\'s "quoted".txt', "it's \uFF02quoted\uFF02.txt"],
    ['*.txt', '\uFF0A.txt'],
    ['trail.', 'trail\uFF0E'],
    ['name...', 'name\uFF0E\uFF0E\uFF0E'],
    ['name ', 'name\u00A0'],
    ['dots. .', 'dots\uFF0E\u00A0\uFF0E'],
    ['CON.txt', 'CON_.txt'],
    ['con', 'con_'],
    ['Con .txt', 'Con_ .txt'],
    ['aux.tar.gz', 'aux_.tar.gz'],
    ['COM¹.log', 'COM¹_.log'],
    ['nul.', 'nul_\uFF0E'],
    ['a:b.txt', 'a\uFF1Ab.txt'],
    ['C:x', 'C\uFF1Ax'],
    ['c:', 'c\uFF1A'],
    ['C:..', 'C\uFF1A\uFF0E\uFF0E'],
    ['notes.txt::$DATA', 'notes.txt\uFF1A\uFF1A$DATA'],
    ['readme.txt', 'readme.txt'],
    ['console.log', 'console.log'],
    ['سلام دنیا.txt', 'سلام دنیا.txt'],
  ];
  for (const [name, local] of cases) {
    assert.is(storableName(name, WINDOWS), local, name);
    assert.is(windowsNameProblem(local), undefined, local);
    assert.is(storableName(name, LINUX), name, `${name} on Linux`);
  }
});

test('a name that grows past 255 bytes is cut in its stem, keeping the extension', () => {
  const name = ':'.repeat(100) + '.txt';
  const local = storableName(name, WINDOWS);
  assert.ok(Buffer.byteLength(local) <= MAX_NAME_BYTES, `${Buffer.byteLength(local)} bytes`);
  assert.ok(local.endsWith('\uFF1A.txt'));
  assert.is(segmentProblem(local, WINDOWS_NAMES), undefined);
});

test('clashes in one folder: kept names keep their names, the others get a number', () => {
  const map = mapFolder(['ab:c.txt', 'ab\uFF1Ac.txt', 'A.txt', 'a.txt', 'CON.txt', 'CON_.txt'], WINDOWS);
  assert.is(map.get('ab\uFF1Ac.txt'), 'ab\uFF1Ac.txt');
  assert.is(map.get('ab:c.txt'), 'ab\uFF1Ac (2).txt');
  assert.is(map.get('A.txt'), 'A.txt');
  assert.is(map.get('a.txt'), 'a (2).txt');
  assert.is(map.get('CON_.txt'), 'CON_.txt');
  assert.is(map.get('CON.txt'), 'CON_ (2).txt');
  const linux = mapFolder(['A.txt', 'a.txt', 'ab:c.txt'], LINUX);
  assert.equal(
    [...linux].filter(([k, v]) => k !== v),
    [],
    'Linux stores every name as it is',
  );
  assert.is(mapFolder(['A.txt', 'a.txt'], MAC).get('a.txt'), 'a (2).txt', 'macOS ignores case');
});

test('mapPaths maps folders among their own neighbours and keeps what needs no mapping', () => {
  const paths = ['Album: Live/01 Intro?.mp3', 'Album: Live/02.mp3', 'docs/readme.txt', 'Docs/other.txt'];
  const map = mapPaths(paths, WINDOWS);
  assert.is(map.get('Album: Live/01 Intro?.mp3'), 'Album\uFF1A Live/01 Intro\uFF1F.mp3');
  assert.is(map.get('Album: Live/02.mp3'), 'Album\uFF1A Live/02.mp3');
  assert.is(map.get('Docs/other.txt'), 'Docs/other.txt');
  assert.is(map.get('docs/readme.txt'), 'docs (2)/readme.txt');
  for (const path of paths) assert.is(mapPaths(paths, LINUX).get(path), path);
});

// ---- properties ---------------------------------------------------------------------

/** Names the wire may carry: Windows trouble mixed with ordinary text, up to 255 bytes. */
const piece = fc.oneof(
  fc.constantFrom(
    '<',
    '>',
    ':',
    '"',
    '|',
    '?',
    '*',
    '.',
    ' ',
    'C:',
    'c:',
    'a:',
    '::$DATA',
    'con',
    'CON',
    'Aux',
    'nul',
    'com1',
    'LPT¹',
    'conin$',
    'a',
    'A',
    'ß',
    'é',
    'e\u0301',
    '😀',
    '\uFF1A',
    '_',
    ' (2)',
    '.txt',
    '\u00A0',
    '\uFF0E',
  ),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const wireName = fc
  .array(piece, { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''))
  .chain((name) => fc.constantFrom(name, name.repeat(40)))
  .map((name) => {
    let out = '';
    for (const ch of name) {
      if (Buffer.byteLength(out + ch) > MAX_NAME_BYTES) break;
      out += ch;
    }
    return out;
  })
  .filter((name) => segmentProblem(name) === undefined);
const folder = fc.uniqueArray(wireName, { minLength: 1, maxLength: 12 });

test('property: every local name is one Windows can store', () => {
  fc.assert(
    fc.property(folder, (names) => {
      for (const [name, local] of mapFolder(names, WINDOWS)) {
        assert.is(
          segmentProblem(local, WINDOWS_NAMES),
          undefined,
          `${JSON.stringify(name)} -> ${JSON.stringify(local)}: ${segmentProblem(local, WINDOWS_NAMES)}`,
        );
      }
    }),
    { numRuns: 3000 },
  );
});

test('property: no two names of a folder share a local name, whatever the platform', () => {
  fc.assert(
    fc.property(folder, fc.constantFrom(WINDOWS, MAC, LINUX), (names, storage) => {
      const map = mapFolder(names, storage);
      assert.is(map.size, names.length);
      const keys = new Set([...map.values()].map((local) => nameKey(local, storage)));
      assert.is(keys.size, names.length, JSON.stringify([...map]));
    }),
    { numRuns: 3000 },
  );
});

test('property: stable: the same names in any order map the same way, and a name Windows stores is kept', () => {
  fc.assert(
    fc.property(
      folder.chain((names) => fc.tuple(fc.constant(names), fc.shuffledSubarray(names, { minLength: names.length }))),
      ([names, shuffled]) => {
        const first = mapFolder(names, WINDOWS);
        assert.equal([...mapFolder(shuffled, WINDOWS)].sort(), [...first].sort());
        const keys = names.map((n) => nameKey(n, WINDOWS));
        for (const name of names) {
          const alone = keys.filter((k) => k === nameKey(name, WINDOWS)).length === 1;
          if (windowsNameProblem(name) === undefined && alone) assert.is(first.get(name), name, name);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

/** Where Windows itself would put `local` under `root`: win32 path rules, whatever runs the test. */
function windowsTarget(root: string, local: string): string {
  return win32.resolve(root, ...local.split('/'));
}

test('unmapped, a drive letter would leave a Windows destination: this is why a Windows client maps first', () => {
  const root = 'D:\\Downloads';
  assert.is(windowsTarget(root, 'C:x'), win32.resolve('C:x'), 'drive-relative: on drive C, not under the root');
  assert.not.ok(windowsTarget(root, 'C:x').startsWith(root + '\\'));
  for (const path of ['C:x', 'c:', 'C:/x', 'a:b.txt']) {
    const local = mapPaths([path], WINDOWS).get(path)!;
    assert.not.ok(local.includes(':'), local);
    assert.is(pathProblem(local, WINDOWS_NAMES), undefined, local);
    assert.is(windowsTarget(root, local), win32.join(root, ...local.split('/')), local);
  }
});

test('property: on Windows every mapped path lands inside the destination, with no drive, stream or parent', () => {
  const root = 'D:\\Downloads\\pss';
  const path = fc.array(wireName, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  fc.assert(
    fc.property(fc.uniqueArray(path, { minLength: 1, maxLength: 10 }), (paths) => {
      for (const [wire, local] of mapPaths(paths, WINDOWS)) {
        assert.not.ok(local.includes(':'), `${JSON.stringify(wire)} -> ${JSON.stringify(local)}`);
        const target = windowsTarget(root, local);
        const rel = win32.relative(root, target);
        assert.ok(rel !== '' && rel !== '..' && !rel.startsWith('..\\') && !win32.isAbsolute(rel), `${JSON.stringify(wire)} -> ${target}`);
        assert.is(rel.split('\\').length, wire.split('/').length, `${JSON.stringify(wire)}: a segment was dropped or split`);
      }
    }),
    { numRuns: 1000 },
  );
});

test('property: mapped paths stay valid, relative and one per wire path', () => {
  const path = fc.array(wireName, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  fc.assert(
    fc.property(fc.uniqueArray(path, { minLength: 1, maxLength: 10 }), (paths) => {
      const map = mapPaths(paths, WINDOWS);
      const locals = new Set<string>();
      for (const p of paths) {
        const local = map.get(p)!;
        assert.is(local.split('/').length, p.split('/').length);
        assert.is(pathProblem(local, WINDOWS_NAMES) === undefined || Buffer.byteLength(local) > 4096, true, local);
        locals.add(nameKey(local, WINDOWS));
      }
      assert.is(locals.size, paths.length);
    }),
    { numRuns: 1000 },
  );
});

test.run();
