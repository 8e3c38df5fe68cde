// The Range and If-Range request headers (RFC 9110 §13.1.5, §14), for one byte range. A
// request for several ranges is answered with the whole file, which RFC 9110 allows and
// every download manager copes with; a malformed header is ignored the same way.

export type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number /** Inclusive, as in Content-Range. */; end: number } | { kind: 'unsatisfiable' };

const FULL: RangeResult = { kind: 'full' };
const UNSATISFIABLE: RangeResult = { kind: 'unsatisfiable' };
/** Positions past 2^53 cannot be exact numbers; no file is that big. */
const MAX_DIGITS = 15;

function position(text: string): number | undefined {
  if (!/^\d+$/.test(text) || text.length > MAX_DIGITS) return undefined;
  return Number(text);
}

/** Which bytes of a file of `size` bytes a Range header asks for. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return FULL;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return FULL;
  const specs = match[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return FULL;
  const spec = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]!);
  if (!spec) return FULL;
  const [, first, last] = spec as unknown as [string, string, string];
  if (first === '') {
    // A suffix: the last N bytes.
    const n = position(last);
    if (n === undefined) return FULL;
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = position(first);
  if (start === undefined) return FULL;
  let end = size - 1;
  if (last !== '') {
    const lastPos = position(last);
    if (lastPos === undefined || lastPos < start) return FULL;
    end = Math.min(lastPos, size - 1);
  }
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'partial', start, end };
}

/** The strong validator of a file version; the same file version always gets the same tag. */
export function entityTag(stat: { ino: number | bigint; size: number; mtimeMs: number }): string {
  return `"${stat.ino.toString(16)}-${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs).toString(16)}"`;
}

/** Last-Modified, to the second as HTTP dates are. */
export function httpDate(mtimeMs: number): string {
  return new Date(Math.floor(mtimeMs / 1000) * 1000).toUTCString();
}

/**
 * Whether a Range may be honoured under If-Range: the header must name the current
 * version exactly, by strong entity tag or by its Last-Modified date. A weak tag never
 * matches (RFC 9110 §13.1.5).
 */
export function ifRangeAllows(header: string | undefined, etag: string, mtimeMs: number): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const when = Date.parse(value);
  return !Number.isNaN(when) && when === Math.floor(mtimeMs / 1000) * 1000;
}

/** If-None-Match: `*` or a list of tags, compared weakly (RFC 9110 §13.1.2). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/** If-Modified-Since: true when the file is not newer than the date given. */
export function notModifiedSince(header: string | undefined, mtimeMs: number): boolean {
  if (header === undefined) return false;
  const when = Date.parse(header);
  return !Number.isNaN(when) && Math.floor(mtimeMs / 1000) * 1000 <= when;
}
