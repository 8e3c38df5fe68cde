// Reads a file as ready-to-send data frames, one read ahead of the sender, reusing a few
// 1 MiB buffers: a fresh 1 MiB buffer per read costs page faults, and waiting for each
// read after each send leaves the socket idle.
import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { allocDataFrame, finishDataFrame } from '../protocol/frames';

/** One being read, one being sent, one being hashed, one spare. */
const BUFFERS = 4;
const FRAME_BYTES = FRAME_HEADER_BYTES + READ_CHUNK_BYTES;

export class ChunkReader {
  private readonly free: Buffer[] = [];
  private readonly waiting: Array<(buf: Buffer) => void> = [];
  private ahead: Promise<Buffer | undefined> | undefined;
  private position: number;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
    for (let i = 0; i < BUFFERS; i++) this.free.push(allocDataFrame(READ_CHUNK_BYTES));
  }

  /** The next frame, or undefined at the end. Starts reading the one after. */
  async next(): Promise<Buffer | undefined> {
    const current = this.ahead ?? this.read();
    this.ahead = undefined;
    const frame = await current;
    if (frame && this.position < this.end) {
      this.ahead = this.read();
      this.ahead.catch(() => undefined);
    }
    return frame;
  }

  /**
   * Gives back a frame's memory once nothing uses it any more (sent, and hashed). The view
   * may be of memory that came back from a worker, so the buffer is rebuilt from it.
   */
  release(view: Uint8Array): void {
    if (view.buffer.byteLength !== FRAME_BYTES) return;
    const buf = Buffer.from(view.buffer, 0, FRAME_BYTES);
    const waiter = this.waiting.shift();
    if (waiter) waiter(buf);
    else this.free.push(buf);
  }

  private async read(): Promise<Buffer | undefined> {
    if (this.position >= this.end) return undefined;
    const want = Math.min(READ_CHUNK_BYTES, this.end - this.position);
    const at = this.position;
    this.position += want;
    const buf = this.free.pop() ?? (await new Promise<Buffer>((r) => this.waiting.push(r)));
    const { bytesRead } = await this.handle.read(buf, FRAME_HEADER_BYTES, want, at);
    if (bytesRead < want) throw new PssError(ErrorCode.FILE_CHANGED, 'the file shrank while it was being sent');
    return finishDataFrame(buf, want);
  }
}
