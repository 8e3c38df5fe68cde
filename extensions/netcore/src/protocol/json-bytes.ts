// JSON (RFC 8259) parsed straight from its UTF-8 bytes, for large control frames.
//
// JSON.parse needs the whole frame as one string first: for a 1 MiB request that is a
// string of up to 2 MiB, which V8 keeps in its large-object space and, when a collection
// comes while the request is parsed, moves to the old generation, where it stays until
// the next full collection. A peer sending such requests back to back filled the old
// generation with them. This parser makes a string only for each value, from the bytes
// between its quotes; the values are the ones JSON.parse would give for the same text.
import { isUtf8 } from 'node:buffer';

/** Deeper nesting is refused; no control message comes close. */
export const JSON_BYTES_MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown for bytes that are not one JSON value in UTF-8. */
export class JsonBytesError extends SyntaxError {}

/**
 * An array of the top-level object handed over element by element as each is parsed,
 * instead of kept: the object gets what end() returns under that key. Each time the key
 * comes (JSON allows it twice), begin() starts again. Whatever item() throws ends the parse.
 */
export interface StreamedArray {
  readonly key: string;
  begin(): void;
  item(value: unknown): void;
  end(): unknown;
}

/** The value of the JSON text in `bytes` (a leading byte order mark is skipped, as TextDecoder does). */
export function parseJsonBytes(bytes: Buffer, stream?: StreamedArray): unknown {
  if (!isUtf8(bytes)) throw new JsonBytesError('not valid UTF-8');
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return new Parser(bytes, start, stream).document();
}

class Parser {
  constructor(
    private readonly b: Buffer,
    private pos: number,
    private readonly stream: StreamedArray | undefined,
  ) {}

  document(): unknown {
    this.space();
    const value = this.value(0);
    this.space();
    if (this.pos !== this.b.length) this.fail('more after the value');
    return value;
  }

  private value(depth: number): unknown {
    switch (this.b[this.pos]) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case QUOTE:
        return this.string();
      case 0x74: // t
        return this.word('true', true);
      case 0x66: // f
        return this.word('false', false);
      case 0x6e: // n
        return this.word('null', null);
      default:
        return this.number();
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > JSON_BYTES_MAX_DEPTH) this.fail('nested too deeply');
    const out: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.b[this.pos] === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.b[this.pos] !== QUOTE) this.fail('a key expected');
      const key = this.string();
      this.space();
      if (this.b[this.pos] !== 0x3a) this.fail('":" expected');
      this.pos++;
      this.space();
      const streamed = depth === 1 && this.stream?.key === key && this.b[this.pos] === 0x5b;
      const value = streamed ? this.array(depth + 1, this.stream) : this.value(depth);
      // JSON.parse makes "__proto__" an own property; an assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
      this.space();
      const next = this.b[this.pos++];
      if (next === 0x7d) return out;
      if (next !== 0x2c) this.fail('"," or "}" expected', this.pos - 1);
      this.space();
    }
  }

  /** An array; with `stream`, each element goes to it instead of being kept, and its end() is the value. */
  private array(depth: number, stream?: StreamedArray): unknown {
    if (depth > JSON_BYTES_MAX_DEPTH) this.fail('nested too deeply');
    const out: unknown[] = [];
    stream?.begin();
    this.pos++;
    this.space();
    if (this.b[this.pos] !== 0x5d) {
      for (;;) {
        const value = this.value(depth);
        if (stream) stream.item(value);
        else out.push(value);
        this.space();
        const next = this.b[this.pos++];
        if (next === 0x5d) break;
        if (next !== 0x2c) this.fail('"," or "]" expected', this.pos - 1);
        this.space();
      }
    } else this.pos++;
    return stream ? stream.end() : out;
  }

  /** At an opening quote: the string up to its closing quote, escapes resolved. */
  private string(): string {
    const b = this.b;
    let i = this.pos + 1;
    let from = i;
    let parts: string | undefined;
    for (;;) {
      const c = b[i];
      if (c === undefined) this.fail('unterminated string', i);
      if (c === QUOTE) break;
      if (c < 0x20) this.fail('control character in a string', i);
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      // Quotes and backslashes are ASCII, so a cut there never splits a UTF-8 sequence.
      parts = (parts ?? '') + b.toString('utf8', from, i) + this.escape(i);
      i += b[i + 1] === 0x75 ? 6 : 2;
      from = i;
    }
    this.pos = i + 1;
    const tail = b.toString('utf8', from, i);
    return parts === undefined ? tail : parts + tail;
  }

  /** The character the escape at `at` (a backslash) stands for. */
  private escape(at: number): string {
    const c = this.b[at + 1];
    switch (c) {
      case QUOTE:
        return '"';
      case BACKSLASH:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        let code = 0;
        for (let k = at + 2; k < at + 6; k++) {
          const h = hexValue(this.b[k]);
          if (h < 0) this.fail('bad \\u escape', k);
          code = code * 16 + h;
        }
        // A lone surrogate stays one, as JSON.parse leaves it.
        return String.fromCharCode(code);
      }
      default:
        return this.fail('bad escape', at + 1);
    }
  }

  private number(): number {
    const b = this.b;
    const start = this.pos;
    let i = start;
    if (b[i] === 0x2d) i++;
    // An integer of up to 15 digits is exact as it is summed up here, without a string.
    let whole = 0;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) whole = whole * 10 + (b[i++]! - 0x30);
    else this.fail('a value expected', i);
    if (i - start <= 15 && b[i] !== 0x2e && b[i] !== 0x65 && b[i] !== 0x45) {
      this.pos = i;
      return b[start] === 0x2d ? -whole : whole;
    }
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) this.fail('a digit expected', i);
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) this.fail('a digit expected', i);
      while (isDigit(b[i])) i++;
    }
    this.pos = i;
    return Number(b.toString('latin1', start, i));
  }

  private word<T>(text: string, value: T): T {
    for (let k = 0; k < text.length; k++) {
      if (this.b[this.pos + k] !== text.charCodeAt(k)) this.fail('a value expected', this.pos + k);
    }
    this.pos += text.length;
    return value;
  }

  private space(): void {
    const b = this.b;
    let c = b[this.pos];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.pos];
  }

  private fail(what: string, at = this.pos): never {
    throw new JsonBytesError(`${what} at byte ${at}`);
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
