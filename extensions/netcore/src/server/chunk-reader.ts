// Reads a file as ready-to-send data frames, one read ahead of the sender, reusing a few
// 1 MiB buffers: a fresh 1 MiB buffer per read costs page faults, and waiting for each
// read after each send leaves the socket idle.
import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { allocDataFrame, finishDataFrame } from '../protocol/frames';

const BUFFERS = 3;

export class ChunkReader {
  private readonly free: Buffer[] = [];
  /** Every buffer this reader owns, by its memory, so a frame view finds its buffer. */
  private readonly owned = new Map<ArrayBufferLike, Buffer>();
  private ahead: Promise<Buffer | undefined> | undefined;
  private position: number;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
    for (let i = 0; i < BUFFERS; i++) {
      const buf = allocDataFrame(READ_CHUNK_BYTES);
      this.owned.set(buf.buffer, buf);
      this.free.push(buf);
    }
  }

  /** The next frame, or undefined at the end. Starts reading the one after. */
  async next(): Promise<Buffer | undefined> {
    const current = this.ahead ?? this.read();
    this.ahead = undefined;
    const frame = await current;
    if (frame && this.position < this.end && this.free.length > 0) {
      this.ahead = this.read();
      this.ahead.catch(() => undefined);
    }
    return frame;
  }

  /** Gives a frame's buffer back once the socket has taken its bytes. */
  release(frame: Buffer): void {
    const buf = this.owned.get(frame.buffer);
    if (buf) this.free.push(buf);
  }

  private async read(): Promise<Buffer | undefined> {
    if (this.position >= this.end) return undefined;
    const buf = this.free.pop();
    if (!buf) throw new PssError(ErrorCode.INTERNAL, 'read ahead with no free buffer');
    const want = Math.min(READ_CHUNK_BYTES, this.end - this.position);
    const at = this.position;
    this.position += want;
    const { bytesRead } = await this.handle.read(buf, FRAME_HEADER_BYTES, want, at);
    if (bytesRead < want) throw new PssError(ErrorCode.FILE_CHANGED, 'the file shrank while it was being sent');
    return finishDataFrame(buf, want);
  }
}
