// Content-Disposition for any file name (RFC 6266 with RFC 8187's filename*): an ASCII
// fallback in `filename` for old clients, and the exact name in UTF-8 in `filename*`.
// Nothing from the name can end the header or start another: control characters, quotes
// and backslashes never reach `filename`, and `filename*` is percent-encoded.

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

/** Printable ASCII except `"` and `\`; anything else becomes `_`. */
function asciiFallback(name: string): string {
  const out = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return out.trim() === '' ? 'download' : out;
}

export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=${extValue(name)}`;
}
