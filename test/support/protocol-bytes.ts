// Helpers for the framing tests: raw bytes written as hex, chunkings of a byte stream,
// and a collector that turns decoder output back into whole frames while checking the
// piece-by-piece contract of data frames (PROTOCOL.md §2).
import * as assert from 'uvu/assert';
import { FrameDecoder } from '../../extensions/netcore/src/protocol/decoder';
import { type ErrorCode, PssError } from '../../extensions/netcore/src/errors';

/** Bytes from hex; spaces and line breaks are for the reader and are ignored. */
export function hex(text: string): Buffer {
  const digits = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not hex: ${text}`);
  return Buffer.from(digits, 'hex');
}

/** A whole frame as the decoder's consumer sees it once the pieces are put together. */
export type WholeFrame = { control: unknown } | { data: Buffer };

/**
 * Feeds chunks to a decoder and gathers whole frames. Checks on the way that a data frame
 * arrives as non-empty pieces with `frameEnd` on the last one only (an empty piece is
 * allowed only as the whole of a zero-length frame), and that nothing interleaves with an
 * open data frame.
 */
export class FrameCollector {
  readonly decoder = new FrameDecoder();
  readonly frames: WholeFrame[] = [];
  /** Every item emitted, data pieces counted one by one. */
  items = 0;
  private open: Buffer[] | undefined;

  push(chunk: Buffer): void {
    this.decoder.push(chunk, (item) => {
      this.items++;
      if (item.kind === 'control') {
        assert.is(this.open, undefined, 'a control frame arrived inside a data frame');
        this.frames.push({ control: item.message });
        return;
      }
      if (item.bytes.length === 0) {
        assert.ok(item.frameEnd && this.open === undefined, 'an empty piece that is not a whole zero-length frame');
      }
      const pieces = (this.open ??= []);
      pieces.push(Buffer.from(item.bytes));
      if (item.frameEnd) {
        this.frames.push({ data: Buffer.concat(pieces) });
        this.open = undefined;
      }
    });
  }

  pushAll(chunks: Iterable<Buffer>): this {
    for (const chunk of chunks) this.push(chunk);
    return this;
  }

  /** True when no data frame is half delivered. */
  get betweenFrames(): boolean {
    return this.open === undefined;
  }
}

/** The bytes cut at the given offsets (any order, duplicates and out-of-range ones ignored). */
export function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    out.push(bytes.subarray(from, point));
    from = point;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** One chunk per byte: the harshest chunking a socket can produce. */
export function byteByByte(bytes: Buffer): Buffer[] {
  return Array.from(bytes, (b) => Buffer.of(b));
}

/** Runs `fn`, which must throw a PssError with `code`; returns the error. */
export function throwsPss(fn: () => unknown, code: ErrorCode, what = 'the call'): PssError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `${what} did not throw ${code}`);
  assert.instance(caught, PssError, `${what} threw something other than a PssError: ${String(caught)}`);
  const err = caught as PssError;
  assert.is(err.code, code, `${what}: ${err.message}`);
  return err;
}
