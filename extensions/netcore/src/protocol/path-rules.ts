// The one rule for names that cross the wire (PROTOCOL.md §5). The server checks every
// requested path with it and the client checks every path the server sends with it, so
// a name one side accepts is a name the other side can write on any OS.
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../constants';

const RESERVED_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// C0 controls, DEL, C1 controls; and characters Windows forbids in names.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_CHAR = /[\u0000-\u001f\u007f-\u009f<>:"|?*\\/]/;

/** Why a single path segment is unacceptable, or undefined when it is fine. */
export function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'empty name';
  if (segment === '.' || segment === '..') return 'relative segment';
  if (Buffer.byteLength(segment) > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes`;
  if (FORBIDDEN_CHAR.test(segment)) return 'forbidden character';
  if (LONE_SURROGATE.test(segment)) return 'unpaired surrogate';
  // Windows drops trailing dots and spaces, so "a." and "a" would be one file there.
  if (/[. ]$/.test(segment)) return 'trailing dot or space';
  const stem = segment.split('.')[0]!.trimEnd();
  if (RESERVED_DEVICE.test(stem)) return 'reserved device name';
  return undefined;
}

/**
 * Why a relative, '/'-separated path is unacceptable, or undefined when it is fine.
 * Absolute paths, drive letters, '..', backslashes, control characters and device names
 * are all refused; so is anything over the byte and depth limits.
 */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'not a string';
  if (path.length === 0) return 'empty path';
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `path longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith('/')) return 'absolute path';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_DEPTH) return `deeper than ${MAX_PATH_DEPTH} levels`;
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

export function isSafeRelativePath(path: unknown): path is string {
  return pathProblem(path) === undefined;
}

/** Joins a validated wire path onto a local root and proves the result stays inside. */
export function resolveInside(root: string, wirePath: string): string | undefined {
  if (!isSafeRelativePath(wirePath)) return undefined;
  const target = join(root, ...wirePath.split('/'));
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return undefined;
  return target;
}

/** The path's parent folders, outermost first: "a/b/c.txt" gives ["a", "a/b"]. */
export function parentFolders(path: string): string[] {
  const out: string[] = [];
  let dir = posix.dirname(path);
  while (dir !== '.' && dir !== '/') {
    out.unshift(dir);
    dir = posix.dirname(dir);
  }
  return out;
}
