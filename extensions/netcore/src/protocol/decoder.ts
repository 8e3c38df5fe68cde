// Incremental frame decoder (PROTOCOL.md §2). Copes with any chunk boundary and checks
// the type and the length before it buffers a single payload byte.
import { FRAME_HEADER_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { FrameType, maxPayloadBytes } from './frames';
import { JsonBytesError, parseJsonBytes } from './json-bytes';

export type DecodedItem =
  /** A whole control frame, its JSON parsed (shape is checked by messages.ts). */
  | { kind: 'control'; message: unknown }
  /**
   * Part of a data frame's payload, handed on as it arrives so a 1 MiB frame is never
   * reassembled. `frameEnd` marks the last piece of a frame.
   */
  | { kind: 'data'; bytes: Buffer; frameEnd: boolean };

/** A big control frame's share of a budget, and maybe the memory it is assembled in. */
export interface FrameLease {
  release(): void;
  memory?: Buffer;
}

export class FrameDecoder {
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private remaining = 0;
  private control: Buffer | undefined;
  private controlFill = 0;
  private failed: PssError | undefined;
  /**
   * A tighter cap on every frame's payload while set: a peer that has not identified
   * itself may send only small frames, refused as soon as their length is read.
   */
  limitBytes: number | undefined;
  /**
   * Shared by the connections of a server: a control frame over `minBytes` takes its
   * length from it while it is assembled and parsed, and is refused with BUSY when it
   * does not fit. A lease may lend the memory to assemble the frame in (at least `bytes`
   * long), which it takes back on release().
   */
  budget:
    | {
        take(bytes: number): FrameLease | undefined;
        minBytes: number;
        /** Parses the frames the budget holds, from their bytes (parseJsonBytes when absent). */
        parse?: (body: Buffer) => unknown;
      }
    | undefined;
  private lease: FrameLease | undefined;

  /** True between frames: nothing partial is held. */
  get idle(): boolean {
    return this.headerFill === 0 && this.remaining === 0 && this.control === undefined;
  }

  /**
   * Feeds bytes; calls `emit` for each item in order. After the first error every later
   * call throws the same error: a stream that lost its framing cannot be trusted again.
   */
  push(chunk: Buffer, emit: (item: DecodedItem) => void): void {
    if (this.failed) throw this.failed;
    try {
      this.consume(chunk, emit);
    } catch (err) {
      // A handler that threw something other than a protocol error is a bug of ours: the
      // peer is told only that, never the exception's own text.
      this.failed = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, 'the message could not be handled', { cause: err });
      throw this.failed;
    }
  }

  private consume(chunk: Buffer, emit: (item: DecodedItem) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining === 0 && this.control === undefined) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < FRAME_HEADER_BYTES) return;
        this.headerFill = 0;
        this.startFrame(emit);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      if (this.control) {
        chunk.copy(this.control, this.controlFill, pos, pos + take);
        this.controlFill += take;
        this.remaining -= take;
        pos += take;
        if (this.remaining === 0) this.finishControl(emit);
      } else {
        const bytes = chunk.subarray(pos, pos + take);
        this.remaining -= take;
        pos += take;
        emit({ kind: 'data', bytes, frameEnd: this.remaining === 0 });
      }
    }
  }

  private startFrame(emit: (item: DecodedItem) => void): void {
    const type = this.header[0]!;
    const length = this.header.readUInt32BE(1);
    const max = maxPayloadBytes(type);
    if (max === undefined) {
      throw new PssError(ErrorCode.BAD_FRAME, `unknown frame type 0x${type.toString(16).padStart(2, '0')}`);
    }
    if (length > max) {
      throw new PssError(ErrorCode.BAD_FRAME, `frame of ${length} bytes exceeds the ${max}-byte limit`);
    }
    if (this.limitBytes !== undefined && length > this.limitBytes) {
      throw new PssError(ErrorCode.BAD_FRAME, `frame of ${length} bytes exceeds the ${this.limitBytes}-byte limit of this connection`);
    }
    this.remaining = length;
    if (type === FrameType.CONTROL) {
      if (length === 0) throw new PssError(ErrorCode.BAD_MESSAGE, 'empty control frame');
      if (this.budget && length > this.budget.minBytes) {
        this.lease = this.budget.take(length);
        if (!this.lease) throw new PssError(ErrorCode.BUSY, 'the server is busy with other large requests; try again shortly');
      }
      this.control = this.lease?.memory?.subarray(0, length) ?? Buffer.allocUnsafe(length);
      this.controlFill = 0;
    } else if (length === 0) {
      emit({ kind: 'data', bytes: Buffer.alloc(0), frameEnd: true });
    }
  }

  private finishControl(emit: (item: DecodedItem) => void): void {
    const body = this.control!;
    this.control = undefined;
    try {
      let message: unknown;
      try {
        // A frame the budget holds (a server's large request) is parsed from its bytes,
        // without a string of the whole frame (json-bytes.ts); JSON.parse is faster on the
        // client's large lists, whose memory no peer can make it hold.
        message = this.lease ? (this.budget?.parse ?? parseJsonBytes)(body) : JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch (err) {
        // A message the parse already checked and refused keeps its own code (BAD_PATH, TOO_MANY_FILES).
        if (err instanceof PssError) throw err;
        const deep = err instanceof JsonBytesError && err.message.startsWith('nested too deeply');
        throw new PssError(ErrorCode.BAD_MESSAGE, deep ? 'control frame is nested too deeply' : 'control frame is not valid UTF-8 JSON');
      }
      emit({ kind: 'control', message });
    } finally {
      this.release();
    }
  }

  /** Gives back the budget a frame held (the connection closed in the middle of it). */
  release(): void {
    this.lease?.release();
    this.lease = undefined;
  }
}
