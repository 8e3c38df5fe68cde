// URL paths of the web port (PROTOCOL.md §10.2) to and from wire paths (§5). A request
// path is percent-decoded exactly once and strictly: a stray '%', bytes that are not
// UTF-8 (overlong forms included), and anything the web port's name rule refuses are
// BAD_PATH. That rule makes every safety check of the wire rule, so the web port refuses
// every traversal the main port refuses, and nothing is decoded twice.
import { ErrorCode, PssError } from '../errors';
import { HOST_NAMES, pathProblem, type NameRule } from '../protocol/path-rules';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** What may appear raw in a request path; everything else must be percent-encoded. */
const RAW_ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

function refuse(why: string): PssError {
  return new PssError(ErrorCode.BAD_PATH, `refused path: ${why}`);
}

/** Decodes %XX escapes to bytes, then the bytes as UTF-8; throws BAD_PATH on any doubt. */
export function percentDecode(raw: string): string {
  if (!RAW_ALLOWED.test(raw)) throw refuse('characters that must be percent-encoded');
  const bytes = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 0x25) {
      bytes[n++] = c;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw refuse('a % that is not followed by two hex digits');
    bytes[n++] = parseInt(hex, 16);
    i += 2;
  }
  try {
    return STRICT_UTF8.decode(bytes.subarray(0, n));
  } catch {
    throw refuse('not UTF-8');
  }
}

/**
 * The wire path of a file URL's tail (`/files/<tail>`). An empty tail is refused: it
 * names no file.
 */
export function fileWirePath(tail: string, rule: NameRule = HOST_NAMES): string {
  const path = percentDecode(tail);
  const problem = pathProblem(path, rule);
  if (problem) throw refuse(problem);
  return path;
}

/**
 * The wire path of a folder URL's tail (`/browse/<tail>`): '' for the share's root, and
 * one trailing slash allowed.
 */
export function folderWirePath(tail: string, rule: NameRule = HOST_NAMES): string {
  const path = percentDecode(tail);
  if (path === '') return '';
  const bare = path.endsWith('/') ? path.slice(0, -1) : path;
  const problem = pathProblem(bare, rule);
  if (problem) throw refuse(problem);
  return bare;
}

/** A wire path as a URL path tail: each segment percent-encoded, '/' kept between them. */
export function encodeWirePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

export function fileUrl(path: string): string {
  return `/files/${encodeWirePath(path)}`;
}

export function folderUrl(path: string): string {
  return path === '' ? '/browse/' : `/browse/${encodeWirePath(path)}/`;
}
