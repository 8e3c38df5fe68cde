// Reads a file as ready-to-send data frames, one read ahead of the sender. Frame memory
// comes from a pool shared by every sender in the process (main port and web port).
import { FRAME_HEADER_BYTES, FRAMES_PER_SLAB, READ_CHUNK_BYTES, SLAB_TRIM_INTERVAL_MS } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { allocDataFrame, finishDataFrame, FrameType, writeHeader } from '../protocol/frames';
import { SlabPool, type FramePool } from '../transport/slab-pool';
import { memoryReleased } from './idle-memory';

const FRAME_BYTES = FRAME_HEADER_BYTES + READ_CHUNK_BYTES;
/**
 * A read this small gets a frame of its own size instead of a pooled 1 MiB one, so files
 * read ahead of their turn (serving/read-ahead.ts) hold only their own bytes.
 */
export const SMALL_READ_BYTES = 64 * 1024;

/** Full-size data frames for every sender in the process; what a trim lets go is owed back. */
export const processFrames = new SlabPool(
  FRAME_BYTES,
  FRAMES_PER_SLAB,
  SLAB_TRIM_INTERVAL_MS,
  (frame) => writeHeader(frame, FrameType.DATA, READ_CHUNK_BYTES),
  memoryReleased,
);

/** What the reader needs of an open file: a FileHandle, or the read-ahead's descriptor. */
export interface ReadableFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** Present when the file may also be read on the calling thread (prime(true)). */
  readSync?(buffer: Buffer, offset: number, length: number, position: number): number;
}

export class ChunkReader {
  private ahead: Promise<Buffer | undefined> | undefined;
  private position: number;

  constructor(
    private readonly handle: ReadableFile,
    start: number,
    private readonly end: number,
    private readonly frames: FramePool = processFrames,
  ) {
    this.position = start;
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
   * Starts reading the first frame now, ahead of next(); resolves once that read is over
   * (whatever its outcome), so a caller may check the file after it. `synchronously` reads
   * it on this thread before returning, when the file offers that.
   */
  prime(synchronously = false): Promise<void> {
    this.ahead ??= synchronously && this.handle.readSync ? this.readNow(this.handle.readSync.bind(this.handle)) : this.read();
    this.ahead.catch(() => undefined);
    return this.ahead.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Gives a frame from next() back to the pool once nothing uses it any more: the frame
   * itself or a view of its payload (what a digest hands back). Without the second case
   * every hashed frame went to the garbage collector, a new 1 MiB frame per small file.
   */
  release(view: Uint8Array): void {
    this.frames.give(view.byteOffset === FRAME_HEADER_BYTES ? new Uint8Array(view.buffer, 0, view.byteLength + FRAME_HEADER_BYTES) : view);
  }

  /** The sender stopped early: the frame read ahead goes back to the pool when it lands. */
  close(): void {
    const ahead = this.ahead;
    this.ahead = undefined;
    ahead?.then((frame) => frame && this.frames.give(frame)).catch(() => undefined);
  }

  private read(): Promise<Buffer | undefined> {
    return this.readWith((buf, offset, length, position) => this.handle.read(buf, offset, length, position).then((r) => r.bytesRead));
  }

  /**
   * The next frame read on this thread: readWith runs to its end without waiting when the
   * read is synchronous, so the bytes are read before this returns.
   */
  private readNow(readSync: NonNullable<ReadableFile['readSync']>): Promise<Buffer | undefined> {
    return this.readWith((buf, offset, length, position) => {
      try {
        return { sync: readSync(buf, offset, length, position) };
      } catch (error) {
        return { error };
      }
    });
  }

  private async readWith(
    readAt: (buf: Buffer, offset: number, length: number, position: number) => Promise<number> | { sync: number } | { error: unknown },
  ): Promise<Buffer | undefined> {
    if (this.position >= this.end) return undefined;
    const want = Math.min(READ_CHUNK_BYTES, this.end - this.position);
    const at = this.position;
    this.position += want;
    const buf = want <= SMALL_READ_BYTES ? allocDataFrame(want) : this.frames.take();
    let bytesRead: number;
    try {
      const r = readAt(buf, FRAME_HEADER_BYTES, want, at);
      if ('error' in r) throw r.error;
      bytesRead = 'sync' in r ? r.sync : await r;
    } catch (err) {
      this.frames.give(buf);
      throw err;
    }
    if (bytesRead < want) {
      this.frames.give(buf);
      throw new PssError(ErrorCode.FILE_CHANGED, 'the file shrank while it was being sent');
    }
    return finishDataFrame(buf, want);
  }
}
