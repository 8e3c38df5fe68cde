// Content-Disposition for any file name (RFC 6266 with RFC 8187's filename*): an ASCII
// fallback in `filename` for old clients, and the exact name in UTF-8 in `filename*`.
// Nothing from the name can end the header or start another: control characters, quotes
// and backslashes never reach `filename`, and `filename*` is percent-encoded. The web
// port serves names Windows cannot store (PROTOCOL.md §10.2); `filename*` still carries
// them exactly (browsers clean the name they save under), while the fallback, which an
// old client may use as it is, has those characters replaced too.
import { WINDOWS_FORBIDDEN_CHARS } from '../protocol/path-rules';

/** RFC 8187 attr-char: the bytes `filename*` may carry unencoded. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

function extValue(name: string): string {
  // Buffer.from replaces an unpaired surrogate with U+FFFD instead of throwing.
  let out = "UTF-8''";
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Not in the fallback: anything but printable ASCII, and `\`, `%`, `/` and what Windows forbids. */
const NOT_FOR_FALLBACK = new RegExp(`[^\\x20-\\x7e]|[\\\\%/${WINDOWS_FORBIDDEN_CHARS}]`, 'g');

/** The name with every character NOT_FOR_FALLBACK names (`"` included) replaced by `_`. */
function asciiFallback(name: string): string {
  const out = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(NOT_FOR_FALLBACK, '_');
  return out.trim() === '' ? 'download' : out;
}

export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=${extValue(name)}`;
}
