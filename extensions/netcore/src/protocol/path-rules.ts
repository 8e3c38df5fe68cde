// The one rule for names that cross the wire (PROTOCOL.md §5). The server checks every
// requested path with it and the client checks every path the server sends with it.
//
// The rule has two parts. The safety checks keep a path inside its root and make it a
// name at all: no '..' or '.', nothing absolute, no separator or control character
// inside a name, no unpaired surrogate, byte and depth limits. They apply everywhere,
// always. The Windows checks (`< > : " | ? *`, so also a drive letter such as `C:x`, a
// trailing dot or space, device names) are not part of the wire rule: whether a name can
// be stored is for the side that stores it to decide. On Windows they are safety checks
// too (`a:b.txt` opens an alternate stream of `a`, `C:x` is relative to drive C, a
// trailing dot is dropped, `CON` is a device), so a server running on Windows makes them
// on both ports, and a client on Windows maps every name that fails them
// (storable-names.ts, §5.2) and checks the mapped path with them before it touches the
// file system.
import { isAbsolute, join, normalize, posix, relative, sep } from 'node:path';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../constants';

/** Which checks a rule makes besides the safety checks, which every rule makes. */
export interface NameRule {
  /** Also refuse names Windows cannot store. */
  portable: boolean;
}

/** The wire rule of §5: the safety checks only. */
export const WIRE_NAMES: NameRule = Object.freeze({ portable: false });

/** The safety checks and the Windows checks: what a Windows file system can hold. */
export const WINDOWS_NAMES: NameRule = Object.freeze({ portable: true });

/** The rule a server running on `platform` lists and serves by, on every port (§5.1). */
export function hostNameRule(platform: NodeJS.Platform): NameRule {
  return platform === 'win32' ? WINDOWS_NAMES : WIRE_NAMES;
}

/** The rule of this machine's file system. */
export const HOST_NAMES: NameRule = hostNameRule(process.platform);

const RESERVED_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 controls, DEL, C1 controls, and both separators: never part of a name. */
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\\/]/;
/** What a Windows path reads as a drive: `C:x` is relative to drive C, `C:/x` absolute. */
const DRIVE_PREFIX = /^[A-Za-z]:/;
/** The printable characters Windows forbids in names. */
export const WINDOWS_FORBIDDEN_CHARS = '<>:"|?*';
const WINDOWS_CHAR = new RegExp(`[${WINDOWS_FORBIDDEN_CHARS}]`);
/** Windows drops trailing dots and spaces, so "a." and "a" would be one file there. */
const WINDOWS_DROPPED_END = /[. ]$/;

/** Why a single path segment is not a safe name on any rule, or undefined. */
function unsafeSegmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'empty name';
  if (segment === '.' || segment === '..') return 'relative segment';
  if (Buffer.byteLength(segment) > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes`;
  if (UNSAFE_CHAR.test(segment)) return 'forbidden character';
  if (LONE_SURROGATE.test(segment)) return 'unpaired surrogate';
  return undefined;
}

/**
 * Why Windows could not store a segment as it is, or undefined. These are the checks
 * the Windows rule makes on top of the safety checks, and the only ones it adds.
 */
export function windowsNameProblem(segment: string): string | undefined {
  if (DRIVE_PREFIX.test(segment)) return 'drive letter';
  if (WINDOWS_CHAR.test(segment)) return 'forbidden character';
  if (WINDOWS_DROPPED_END.test(segment)) return 'trailing dot or space';
  const stem = segment.split('.')[0]!.trimEnd();
  if (RESERVED_DEVICE.test(stem)) return 'reserved device name';
  return undefined;
}

/** Why a single path segment is unacceptable under `rule`, or undefined when it is fine. */
export function segmentProblem(segment: string, rule: NameRule = WIRE_NAMES): string | undefined {
  return unsafeSegmentProblem(segment) ?? (rule.portable ? windowsNameProblem(segment) : undefined);
}

const SLASH = 0x2f;
const DOT = 0x2e;
const BACKSLASH = 0x5c;

/**
 * True when `path` is printable ASCII and passes every safety check, found in one pass
 * over it; false when it fails one or holds anything else (then the full checks below
 * decide, and say why). Nearly every name on the wire is like that, and a listing, a
 * request and a pack each check thousands: the full checks cost 2-3 µs a path (a split,
 * and per name a byte count and two regular expressions), this a tenth of that. In
 * printable ASCII there is no control character, no unpaired surrogate, and a
 * character is a byte, so what is left is: no backslash, no empty name, no `.` or `..`,
 * and the limits on bytes, name bytes and depth. A leading '/' is an empty first name.
 */
export function plainSafePath(path: string): boolean {
  const n = path.length;
  if (n === 0 || n > MAX_PATH_BYTES) return false;
  let depth = 1;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? path.charCodeAt(i) : SLASH;
    if (c === SLASH) {
      const len = i - start;
      if (len === 0 || len > MAX_NAME_BYTES) return false;
      if (path.charCodeAt(start) === DOT && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === DOT))) return false;
      if (i < n && ++depth > MAX_PATH_DEPTH) return false;
      start = i + 1;
    } else if (c < 0x20 || c > 0x7e || c === BACKSLASH) return false;
  }
  return true;
}

/**
 * Why a relative, '/'-separated path is unacceptable under `rule` (by default the
 * wire rule of §5), or undefined when it is fine. Every rule refuses absolute paths,
 * '.' and '..', backslashes, control characters, unpaired surrogates and anything over
 * the byte and depth limits; the Windows rule also refuses names Windows cannot store,
 * drive letters among them.
 */
export function pathProblem(path: unknown, rule: NameRule = WIRE_NAMES): string | undefined {
  if (typeof path !== 'string') return 'not a string';
  if (!rule.portable && plainSafePath(path)) return undefined;
  return pathProblemInFull(path, rule);
}

/** pathProblem() without the quick pass: every check in turn (exported for the tests that compare the two). */
export function pathProblemInFull(path: string, rule: NameRule): string | undefined {
  if (path.length === 0) return 'empty path';
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `path longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith('/')) return 'absolute path';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_DEPTH) return `deeper than ${MAX_PATH_DEPTH} levels`;
  for (const segment of segments) {
    const problem = segmentProblem(segment, rule);
    if (problem) return problem;
  }
  return undefined;
}

export function isSafeRelativePath(path: unknown, rule: NameRule = WIRE_NAMES): path is string {
  return pathProblem(path, rule) === undefined;
}

/**
 * Joins a validated path onto a local root and proves the result stays inside. The path
 * must pass `rule` and also the rule of the `host` whose file system it is for: on
 * Windows an unmapped `a:b.txt` or `C:x` is refused whatever `rule` says, because there it
 * would name a stream or another drive.
 */
export function resolveInside(root: string, wirePath: string, rule: NameRule = WIRE_NAMES, host: NameRule = HOST_NAMES): string | undefined {
  // A plain path under a plain root: join() would only put a separator between them, and
  // names that are not `.`, `..` or empty cannot climb out. A download decides thousands.
  if (sep === '/' && !rule.portable && !host.portable && plainSafePath(wirePath) && isPlainRoot(root))
    return root === '/' ? `/${wirePath}` : `${root}/${wirePath}`;
  if (!isSafeRelativePath(wirePath, rule.portable || host.portable ? WINDOWS_NAMES : rule)) return undefined;
  const target = join(root, ...wirePath.split('/'));
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return undefined;
  return target;
}

let lastRoot: string | undefined;
let lastRootPlain = false;

/** A root join() leaves as it is (absolute, normalised, no separator at the end); the answer for the last root asked about is kept. */
function isPlainRoot(root: string): boolean {
  if (root !== lastRoot) {
    lastRoot = root;
    lastRootPlain = isAbsolute(root) && normalize(root) === root && (root === '/' || !root.endsWith('/'));
  }
  return lastRootPlain;
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
