// The one rule for names on the wire (PROTOCOL.md §5): hostile paths are refused,
// unusual but honest names pass, and nothing that passes can land outside its root. A
// drive letter (`C:x`, `a:b.txt`) is a name like any other on the wire; only Windows
// refuses it, with its other names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../../../extensions/netcore/src/constants';
import {
  WINDOWS_NAMES,
  WIRE_NAMES,
  isSafeRelativePath,
  parentFolders,
  pathProblem,
  pathProblemInFull,
  plainSafePath,
  resolveInside,
  segmentProblem,
} from '../../../extensions/netcore/src/protocol/path-rules';
import { CONTROL, ROOT, TROUBLE_FRAGMENTS, UNSAFE_PATHS, WINDOWS_ONLY_PATHS, isInside, pathLikeFrom } from '../../support/path-fixtures';

const segmentOf = (bytes: number, unit = 'a') => unit.repeat(bytes / Buffer.byteLength(unit));

// Every unsafe path the shared lists hold, plus more of each kind: each must be refused by
// the default (wire) rule.
const hostile: Array<[string, unknown]> = [
  ...UNSAFE_PATHS,
  ['SOH', '\u0001'],
  ['tab', 'a\tb'],
  ['carriage return', 'a\r'],
  ['C1 NEL', 'a\u0085b'],
  ['. segment in the middle', 'a/./b'],
  ['256-byte UTF-8 name', segmentOf(256, 'é')],
  ['surrogates in the wrong order', '\udc00\ud800'],
  ['an array', ['a', 'b']],
];

// Names only Windows cannot store: the wire rule carries them, the Windows rule refuses them.
const windowsOnly: Array<[string, string]> = [
  ...WINDOWS_ONLY_PATHS,
  ['CON', 'CON'],
  ['con.txt', 'con.txt'],
  ['PRN', 'prn'],
  ['NUL in a folder', 'docs/Nul.md'],
  ['LPT1', 'LPT1'],
  ['COM9', 'com9.log'],
  ['CONIN$', 'CONIN$'],
  ['device name with a space before the dot', 'con .txt'],
  ['device name as a folder', 'aux/readme.txt'],
  ['trailing dot', 'name.'],
  ['trailing dot on a folder', 'dir./x'],
  ['greater-than', 'a>b'],
  ['double quote', 'it\'s "x".txt'],
  ['question mark', 'why?.txt'],
];

const fine: Array<[string, string]> = [
  ['plain', 'readme.txt'],
  ['nested', 'docs/2024/report.pdf'],
  ['spaces', 'my documents/holiday photo 01.jpg'],
  ['leading space', ' leading.txt'],
  ['accents', 'Ünïcödé café.txt'],
  ['decomposed accents', 'cafe\u0301.txt'],
  ['Persian', 'سلام دنیا.txt'],
  ['Persian with a zero-width non-joiner', 'می‌خواهم.md'],
  ['Chinese', '文件/报告.docx'],
  ['emoji', '🎉 party 😀.png'],
  ['apostrophe and parentheses', "it's (x).txt"],
  ['punctuation', '#%&+=;@.txt'],
  ['more punctuation', "a_b-c~d!e$f'g,h[i]j{k}l^m`n.txt"],
  [`${MAX_NAME_BYTES}-byte UTF-8 name`, segmentOf(254, 'é') + 'a'],
  [`${MAX_NAME_BYTES}-byte name of four-byte characters and ASCII`, '😀'.repeat(63) + 'abc'],
  ['dot file', '.hidden'],
  ['dot folder', '.config/app.json'],
  ['several dots', 'a.b.c'],
  ['two dots inside', 'a..b'],
  ['three dots inside', 'x...y.txt'],
  ['device name as a longer word', 'console.log'],
  ['device name with a suffix', 'aux1.txt'],
  ['COM with two digits', 'COM10'],
  ['device name later in the name', 'my-con.txt'],
  ['tilde', '~backup'],
  [`${MAX_PATH_BYTES}-byte path`, Array.from({ length: 17 }, () => segmentOf(240)).join('/')],
  [`${MAX_PATH_DEPTH} levels`, Array.from({ length: MAX_PATH_DEPTH }, () => 'd').join('/')],
];

test('the fixtures are the sizes they claim', () => {
  assert.is(Buffer.byteLength(segmentOf(254, 'é') + 'a'), MAX_NAME_BYTES);
  assert.is(Buffer.byteLength('😀'.repeat(63) + 'abc'), MAX_NAME_BYTES);
  assert.is(Buffer.byteLength(segmentOf(256, 'é')), 256);
  assert.is(Buffer.byteLength(Array.from({ length: 17 }, () => segmentOf(240)).join('/')), MAX_PATH_BYTES);
});

test('hostile paths are refused, and resolveInside refuses them too', () => {
  for (const [what, path] of hostile) {
    assert.type(pathProblem(path), 'string', what);
    assert.not.ok(isSafeRelativePath(path), what);
    if (typeof path === 'string') assert.is(resolveInside(ROOT, path), undefined, what);
  }
});

test('names only Windows cannot store travel on the wire, and the Windows rule refuses them', () => {
  for (const [what, path] of windowsOnly) {
    assert.is(pathProblem(path), undefined, `${what}: ${pathProblem(path)}`);
    assert.is(resolveInside(ROOT, path), join(ROOT, ...path.split('/')), what);
    assert.type(pathProblem(path, WINDOWS_NAMES), 'string', what);
    assert.is(resolveInside(ROOT, path, WINDOWS_NAMES), undefined, what);
  }
});

test('on a Windows host resolveInside refuses every name Windows would read as something else, whatever the rule', () => {
  for (const [what, path] of windowsOnly) {
    assert.is(resolveInside(ROOT, path, WIRE_NAMES, WINDOWS_NAMES), undefined, what);
    assert.is(resolveInside(ROOT, path, WINDOWS_NAMES, WIRE_NAMES), undefined, what);
  }
  for (const path of ['a:b.txt', 'C:x', 'c:', 'C:/x', 'x/C:..']) {
    assert.is(pathProblem(path), undefined, path);
    assert.match(pathProblem(path, WINDOWS_NAMES)!, /^drive letter$|^forbidden character$/, path);
  }
  assert.is(pathProblem('C:x', WINDOWS_NAMES), 'drive letter');
  assert.is(pathProblem('ab:c', WINDOWS_NAMES), 'forbidden character');
  for (const [what, path] of fine) assert.is(resolveInside(ROOT, path, WIRE_NAMES, WINDOWS_NAMES), join(ROOT, ...path.split('/')), what);
});

test('unusual but honest names are accepted and resolve inside the root', () => {
  for (const [what, path] of fine) {
    assert.is(pathProblem(path), undefined, `${what}: ${pathProblem(path)}`);
    assert.ok(isSafeRelativePath(path), what);
    const target = resolveInside(ROOT, path);
    assert.is(target, join(ROOT, ...path.split('/')), what);
    assert.ok(isInside(ROOT, target!), what);
  }
});

test('segmentProblem judges a single name', () => {
  assert.is(segmentProblem('a.txt'), undefined);
  assert.type(segmentProblem(''), 'string');
  assert.type(segmentProblem('..'), 'string');
  assert.is(segmentProblem('lpt3.txt'), undefined);
  assert.type(segmentProblem('lpt3.txt', WINDOWS_NAMES), 'string');
  assert.type(segmentProblem('a\\b'), 'string');
});

test('resolveInside works the same under a root with unusual characters', () => {
  const root = resolve('/home/مریم/My Files (2)');
  assert.is(resolveInside(root, 'a/b.txt'), join(root, 'a', 'b.txt'));
  assert.is(resolveInside(root, '../My Files (2)/a'), undefined);
});

test('parentFolders lists the folders a path needs, outermost first', () => {
  assert.equal(parentFolders('a/b/c.txt'), ['a', 'a/b']);
  assert.equal(parentFolders('c.txt'), []);
  assert.equal(parentFolders('x/y'), ['x']);
});

// ---- properties ---------------------------------------------------------------------

// Fragments that are known trouble (the generator mixes them with arbitrary text).
const trouble = fc.constantFrom(...TROUBLE_FRAGMENTS);
const pathLike = pathLikeFrom(trouble);

test('property: whatever pathProblem accepts is inside the root, with no .., backslash or control character (a drive letter is a name here)', () => {
  fc.assert(
    fc.property(pathLike, (path) => {
      if (pathProblem(path) !== undefined) {
        assert.is(resolveInside(ROOT, path), undefined);
        return;
      }
      const target = resolveInside(ROOT, path);
      assert.ok(target !== undefined && isInside(ROOT, target), `${JSON.stringify(path)} resolves to ${target}`);
      const segments = path.split('/');
      assert.not.ok(segments.includes('..'), 'a .. segment');
      assert.not.ok(segments.includes('.') || segments.includes(''), 'an empty or . segment');
      assert.not.ok(path.includes('\\'), 'a backslash');
      assert.not.ok(CONTROL.test(path), 'a control character');
      assert.not.ok(path.startsWith('/'), 'absolute');
      assert.ok(Buffer.byteLength(path) <= MAX_PATH_BYTES);
      assert.ok(segments.every((s) => Buffer.byteLength(s) <= MAX_NAME_BYTES));
      // A name that survives the wire must survive a UTF-8 round trip unchanged.
      assert.is(Buffer.from(path).toString(), path);
    }),
    { numRuns: 1000 },
  );
});

// Characters every supported file system stores as they are. The dot and the space are
// allowed inside a name but never at its end (Windows would drop them).
const inner = fc.constantFrom(
  'a',
  'Z',
  '0',
  '9',
  '_',
  '-',
  '#',
  '%',
  '&',
  '+',
  '=',
  ';',
  '@',
  '(',
  ')',
  '[',
  ']',
  "'",
  '!',
  '~',
  ',',
  '.',
  ' ',
  'é',
  'ß',
  'ж',
  'س',
  'ل',
  'ا',
  'م',
  '文',
  '😀',
  '🎉',
);
const last = fc.constantFrom('a', 'Z', '0', '_', ')', 'é', 'م', '文', '😀');
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const safeSegment = fc
  .tuple(fc.string({ unit: inner, maxLength: 40 }), last)
  .map(([body, end]) => body + end)
  .filter((s) => !RESERVED.test(s.split('.')[0]!.trimEnd()));

test('property: any path of safe segments is accepted and resolves to root + segments', () => {
  fc.assert(
    fc.property(fc.array(safeSegment, { minLength: 1, maxLength: 10 }), (segments) => {
      const path = segments.join('/');
      assert.is(pathProblem(path), undefined, `${JSON.stringify(path)}: ${pathProblem(path)}`);
      assert.is(resolveInside(ROOT, path), join(ROOT, ...segments));
    }),
    { numRuns: 500 },
  );
});

// The quick pass (plainSafePath) must agree with the full checks on every printable ASCII
// path and leave everything else to them: a path it wrongly passed would skip the rules.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const asciiUnit = fc.constantFrom('a', 'b', '.', '/', '\\', ' ', '~', '\u0000', '\u001f', '\u007f', '\u0085', 'é', '\ud800');
const nearLimits = fc.constantFrom(
  'a'.repeat(MAX_NAME_BYTES),
  'a'.repeat(MAX_NAME_BYTES + 1),
  Array(MAX_PATH_DEPTH).fill('d').join('/'),
  Array(MAX_PATH_DEPTH + 1)
    .fill('d')
    .join('/'),
  `${'a'.repeat(MAX_NAME_BYTES)}/`.repeat(16).slice(0, MAX_PATH_BYTES),
  `${'a'.repeat(MAX_NAME_BYTES)}/`.repeat(17).slice(0, MAX_PATH_BYTES + 1),
  '.',
  '..',
  '...',
  '.a',
  'a..',
);
const quickPassInput = fc.oneof(
  fc.string({ unit: asciiUnit, maxLength: 30 }),
  fc.array(fc.oneof(nearLimits, fc.string({ unit: asciiUnit, maxLength: 6 })), { maxLength: 4 }).map((parts) => parts.join('/')),
  pathLike,
);

test('property: the quick pass accepts exactly the printable ASCII paths the full checks accept', () => {
  fc.assert(
    fc.property(quickPassInput, (path) => {
      if (typeof path !== 'string') return;
      const full = pathProblemInFull(path, WIRE_NAMES);
      assert.is(plainSafePath(path), PRINTABLE_ASCII.test(path) && full === undefined, `${JSON.stringify(path)}: ${full}`);
      assert.is(pathProblem(path), full);
    }),
    { numRuns: 3000 },
  );
});

test('the quick pass at the limits: names, depth and bytes', () => {
  const name = 'a'.repeat(MAX_NAME_BYTES);
  assert.ok(plainSafePath(name));
  assert.not.ok(plainSafePath(name + 'a'));
  assert.ok(plainSafePath(Array(MAX_PATH_DEPTH).fill('d').join('/')));
  assert.not.ok(
    plainSafePath(
      Array(MAX_PATH_DEPTH + 1)
        .fill('d')
        .join('/'),
    ),
  );
  const longest = `${name}/`.repeat(17).slice(0, MAX_PATH_BYTES - 1) + 'a';
  assert.is(longest.length, MAX_PATH_BYTES);
  assert.is(plainSafePath(longest), pathProblemInFull(longest, WIRE_NAMES) === undefined);
  assert.not.ok(plainSafePath(longest + 'a'));
  for (const bad of ['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', 'a\\b', 'a\tb', 'a\u007fb', 'é'])
    assert.not.ok(plainSafePath(bad), JSON.stringify(bad));
  for (const ok of ['a', '.a', '..a', 'a.', 'a b/c~d', 'x/.../y']) assert.ok(plainSafePath(ok), JSON.stringify(ok));
});

// resolveInside joins a plain path onto a plain root by concatenation: it must give what
// join() and the inside check give, for every root shape (a root join() would change goes
// the long way).
const ROOTS = ['/', '/srv/share', '/srv/share/', '/srv//share', '/srv/./share', '/srv/x/../share', 'relative/root'];
function resolvedTheLongWay(root: string, path: string): string | undefined {
  if (pathProblemInFull(path, WIRE_NAMES) !== undefined) return undefined;
  const target = join(root, ...path.split('/'));
  const rel = relative(root, target);
  return rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? undefined : target;
}

test('property: resolveInside of a plain path gives what join() and the inside check give, under any root', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ROOTS), quickPassInput, (root, path) => {
      if (typeof path !== 'string') return;
      assert.is(resolveInside(root, path, WIRE_NAMES, WIRE_NAMES), resolvedTheLongWay(root, path), `${root} + ${JSON.stringify(path)}`);
    }),
    { numRuns: 3000 },
  );
  for (const root of ROOTS) assert.is(resolveInside(root, 'a/b.txt', WIRE_NAMES, WIRE_NAMES), join(root, 'a', 'b.txt'));
});

test.run();
