// What the tests of the wire's path rules share: a root to resolve against, the check that
// a resolved path stayed below it, and a generator of path-like text that mixes known
// trouble with arbitrary text, so it reaches the edge cases far more often than uniform
// random strings would.
import fc from 'fast-check';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../../extensions/netcore/src/constants';

export const ROOT = resolve('/srv/share');

/** Any C0 or C1 control character, or DEL. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `target` lies strictly below `root`. */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
}

/**
 * Fragments that are known trouble for the path rules: dots, separators, drive letters,
 * controls, lone surrogates, Windows device names, and a few harmless ones to mix in.
 */
export const TROUBLE_FRAGMENTS: readonly string[] = [
  '..',
  '.',
  '/',
  '//',
  '\\',
  ':',
  'C:',
  'c:/',
  ' ',
  '\u0000',
  '\n',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udc00',
  'con',
  'CON',
  'aux.',
  'nul',
  'lpt1',
  'com¹',
  '😀',
  'é',
  'a',
  'b',
  'x.txt',
  '~',
  '$',
];

/** Arbitrary text, or fragments of `trouble` mixed with short arbitrary text. */
export function pathLikeFrom(trouble: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.oneof(trouble, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')),
  );
}

/** Refused by the Windows rule only, because Windows could not store them as they are. */
export const WINDOWS_ONLY_PATHS: Array<[string, string]> = [
  ['the test name of the web issue', '<img src=x onerror=alert(1)>.png'],
  ['double quote', 'a"b.txt'],
  ['question mark', 'what?.txt'],
  ['device name with an extension', 'CON.txt'],
  ['trailing dot', 'trailing.'],
  ['device name alone', 'nul'],
  ['device name, two extensions', 'aux.tar.gz'],
  ['COM superscript', 'COM¹.log'],
  ['device name as a folder', 'lpt1/readme.txt'],
  ['trailing dots', 'name...'],
  ['three dots', '...'],
  ['trailing space', 'name '],
  ['trailing space on a folder', 'dir /x'],
  ['less-than and greater-than', 'a<b>c'],
  ['pipe', 'a|b'],
  ['asterisk', '*.txt'],
  ['colon inside a name', 'file.txt:secret'],
  ['colon at the end', 'notes:'],
  ['colon after two letters (not a drive)', 'ab:c'],
  // A drive letter: on Windows `a:b.txt` names a stream of `a` and `C:x` a file relative
  // to drive C, so a Windows client maps them; elsewhere they are ordinary names.
  ['colon after one letter', 'a:b.txt'],
  ['drive and slash', 'C:/x'],
  ['drive-relative', 'C:x'],
  ['drive alone', 'c:'],
  ['drive in a folder', 'a/Z:b'],
  ['drive-relative parent', 'C:..'],
  ['alternate stream of a folder', 'a/b::$DATA'],
  ['all of them in a folder', 'dir<>:"|?*./f. '],
];

/** Refused by every rule, for the same reason. */
export const UNSAFE_PATHS: Array<[string, unknown]> = [
  ['parent', '..'],
  ['current', '.'],
  ['parent in the middle', 'a/../b'],
  ['parent at the end', 'a/b/..'],
  ['absolute', '/etc/passwd'],
  ['root alone', '/'],
  ['UNC with slashes', '//server/share/x'],
  ['backslash separator', 'a\\b'],
  ['backslash parent', '..\\x'],
  ['UNC with backslashes', '\\\\server\\share'],
  ['NUL', 'a\u0000b'],
  ['line feed', 'a\nb.txt'],
  ['escape', 'x\u001b[31m.txt'],
  ['DEL', 'a\u007f'],
  ['C1 CSI', '\u009b2J'],
  ['empty', ''],
  ['empty segment', 'a//b'],
  ['trailing slash', 'a/'],
  ['leading ./', './a'],
  [`${MAX_NAME_BYTES + 1}-byte name`, 'a'.repeat(MAX_NAME_BYTES + 1)],
  [`${MAX_PATH_BYTES + 1}-byte path`, Array.from({ length: 17 }, () => 'a'.repeat(240)).join('/') + 'a'],
  [`${MAX_PATH_DEPTH + 1} levels`, Array.from({ length: MAX_PATH_DEPTH + 1 }, () => 'd').join('/')],
  ['lone high surrogate', 'a\ud800.txt'],
  ['lone low surrogate', '\udc00'],
  ['not a string', 42],
  ['null', null],
];
