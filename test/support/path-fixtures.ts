// What the tests of the wire's path rules share: a root to resolve against, the check that
// a resolved path stayed below it, and a generator of path-like text that mixes known
// trouble with arbitrary text, so it reaches the edge cases far more often than uniform
// random strings would.
import fc from 'fast-check';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export const ROOT = resolve('/srv/share');

/** Any C0 or C1 control character, or DEL. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `target` lies strictly below `root`. */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel);
}

/** Arbitrary text, or fragments of `trouble` mixed with short arbitrary text. */
export function pathLikeFrom(trouble: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.oneof(trouble, fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')),
  );
}
