// Writes one downloading file: copies the small pieces TLS delivers into 1 MiB blocks,
// writes each at its position and adds it to the digest (both in the hash worker for a
// large file), and tells the caller to pause the socket while too much is waiting
// (memory stays bounded whatever the file size).
import { constants as fsc } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { BLOCK_POOL_MAX_FREE, POOL_TRIM_INTERVAL_MS, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, fromFsError, PssError } from '../errors';
import { BufferPool } from '../transport/buffer-pool';
import type { BlockDigest } from '../workers/tasks';

/**
 * Bytes written or hashed but not finished before the socket is paused. Page-cache writes
 * in particular stall now and then (a new page can be slow to come by); 16 MiB rides over
 * those stalls where 4 MiB made the whole pipeline wait (about 15% slower to tmpfs).
 */
const HIGH_WATER_BYTES = 16 * READ_CHUNK_BYTES;
/**
 * Every this many bytes written, the file's data is flushed to the disk in the background,
 * so the fsync before the rename finds little left to do instead of the whole file.
 */
const EARLY_FLUSH_BYTES = 64 * READ_CHUNK_BYTES;
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;
/** Written and hashed blocks come back here for the next block of any download (exported for tests). */
export const processBlocks = new BufferPool(READ_CHUNK_BYTES, BLOCK_POOL_MAX_FREE, POOL_TRIM_INTERVAL_MS);

/** Where a download's bytes go: a .part file, or a stream for `--stdout`. */
export interface Sink {
  /** Returns false when the caller should pause its source until `drained` fires. */
  write(bytes: Buffer, drained: () => void): boolean;
  /** Everything written, hashed and durable; throws the first error. */
  finish(): Promise<void>;
  /** Stops; what was written stays. */
  abort(): Promise<void>;
}

/**
 * The block bookkeeping both sinks share: filling, recycling and the high-water mark.
 * Subclasses say how a full block is written and hashed (storeBlock).
 */
export abstract class BlockSink implements Sink {
  protected failure: PssError | undefined;
  private block: Buffer | undefined;
  private fill = 0;
  private pending = 0;
  private readonly returning = new Set<Promise<void>>();
  private onDrain: (() => void) | undefined;

  constructor(protected readonly digest: BlockDigest | undefined) {}

  write(bytes: Buffer, drained: () => void): boolean {
    if (this.failure) return true;
    let pos = 0;
    while (pos < bytes.length) {
      this.block ??= processBlocks.take();
      const take = Math.min(bytes.length - pos, this.block.length - this.fill);
      bytes.copy(this.block, this.fill, pos, pos + take);
      this.fill += take;
      pos += take;
      if (this.fill === this.block.length) this.flushBlock();
    }
    if (this.pending < HIGH_WATER_BYTES) return true;
    this.onDrain = drained;
    return false;
  }

  async finish(): Promise<void> {
    this.flushBlock();
    await Promise.all(this.returning);
    if (this.failure) throw this.failure;
  }

  async abort(): Promise<void> {
    this.block = undefined;
    this.fill = 0;
    this.digest?.drop();
    await Promise.all(this.returning);
  }

  /**
   * Writes `data` (a view of a pooled block) and adds it to the digest, in the order the
   * calls are made; resolves with a view of the block's memory, free to reuse. The caller
   * does not touch `data` until then.
   */
  protected abstract storeBlock(data: Buffer): Promise<Uint8Array>;

  /** Adds a written block to the digest, unless there is none or the sink has failed. */
  protected hashWritten(data: Buffer): Promise<Uint8Array> {
    return this.digest && !this.failure ? this.digest.update(data) : Promise.resolve(data);
  }

  protected setFailure(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof PssError ? err : fromFsError(err, 'cannot write the download', ErrorCode.WRITE_FAILED);
    this.fireDrain();
  }

  private flushBlock(): void {
    const block = this.block;
    if (!block || this.fill === 0) return;
    const data = block.subarray(0, this.fill);
    // Read before the hand-over: a transferred buffer reports length 0.
    const length = this.fill;
    this.block = undefined;
    this.fill = 0;
    this.pending += length;
    // A block handed to a worker is detached here; the view that comes back carries its
    // memory. If the worker failed, the memory is gone and the pool makes a new block.
    const settled = this.storeBlock(data)
      .then(
        (back) => processBlocks.give(back),
        (err) => this.setFailure(err),
      )
      .finally(() => {
        this.returning.delete(settled);
        this.pending -= length;
        if (this.pending < HIGH_WATER_BYTES / 2) this.fireDrain();
      });
    this.returning.add(settled);
  }

  private fireDrain(): void {
    const cb = this.onDrain;
    this.onDrain = undefined;
    cb?.();
  }
}

export class FileSink extends BlockSink {
  private readonly opened: Promise<FileHandle>;
  private chain: Promise<void> = Promise.resolve();
  private position: number;
  /** The digest's worker writes the blocks, when it runs in one. */
  private readonly workerWrite: BlockDigest['writeThenUpdate'];
  /** Set once the file is open (`opened` resolved). */
  private handle: FileHandle | undefined;
  private unflushed = 0;
  /** The background flush under way, if any (one at a time). */
  private flushing: Promise<void> | undefined;

  /**
   * `offset` > 0 appends to an existing partial file; 0 truncates it. `before` settles
   * before the file is opened (the .part.json sidecar is written first).
   */
  constructor(
    readonly path: string,
    offset: number,
    before: Promise<void>,
    digest: BlockDigest | undefined,
    private readonly onError: (err: PssError) => void,
  ) {
    super(digest);
    this.workerWrite = digest?.writeThenUpdate?.bind(digest);
    this.position = offset;
    // Never through a link: a planted `name.part` link must not redirect the download.
    const flags = offset > 0 ? fsc.O_RDWR | O_NOFOLLOW : fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | O_NOFOLLOW;
    this.opened = before.then(() => open(path, flags, 0o644));
    this.opened.then(
      (handle) => (this.handle = handle),
      (err) => this.setFailure(err),
    );
  }

  get error(): PssError | undefined {
    return this.failure;
  }

  override async finish(): Promise<void> {
    const handle = await this.opened.catch(() => undefined);
    try {
      await super.finish();
      await this.flushing;
      if (this.failure) throw this.failure;
      await handle!.sync();
    } catch (err) {
      this.setFailure(err);
      throw this.failure!;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  override async abort(): Promise<void> {
    await super.abort();
    await this.flushing;
    const handle = await this.opened.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }

  protected override setFailure(err: unknown): void {
    if (this.failure) return;
    const code = (err as NodeJS.ErrnoException)?.code;
    const failure =
      err instanceof PssError
        ? err
        : code === 'ELOOP'
          ? new PssError(ErrorCode.BAD_PATH, `refused: ${this.path} or its .json sidecar is a link`)
          : fromFsError(err, `cannot write ${this.path}`, ErrorCode.WRITE_FAILED);
    super.setFailure(failure);
    this.onError(this.failure!);
  }

  protected storeBlock(data: Buffer): Promise<Uint8Array> {
    const length = data.length; // read now: the hand-over to a worker detaches `data`
    const position = this.position;
    this.position += length;
    // Through a worker, blocks queue there in call order (`opened` resolves its callbacks
    // in order), so several may be in flight; on this thread they go one after another.
    const workerWrite = this.workerWrite;
    const stored = workerWrite
      ? this.opened.then((handle) => {
          if (this.failure) return data;
          return workerWrite({ fd: handle.fd, position, path: this.path }, data);
        })
      : this.storeHere(data, position);
    return stored.then((back) => {
      if (this.failure || !this.handle) return back;
      this.unflushed += length;
      if (this.unflushed >= EARLY_FLUSH_BYTES && !this.flushing) this.flushEarly(this.handle);
      return back;
    });
  }

  /** Writes with the event loop's file-system calls, then hashes (small and resumed files). */
  private storeHere(data: Buffer, position: number): Promise<Uint8Array> {
    const step = this.chain.then(async () => {
      if (this.failure) return data;
      const handle = await this.opened;
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
        done += bytesWritten;
      }
      return this.hashWritten(data);
    });
    this.chain = step.then(
      () => undefined,
      () => undefined,
    );
    return step;
  }

  /** Starts writing back what is written so far; the writes go on meanwhile. */
  private flushEarly(handle: FileHandle): void {
    this.unflushed = 0;
    this.flushing = handle.datasync().then(
      () => {
        this.flushing = undefined;
      },
      (err) => {
        this.flushing = undefined;
        this.setFailure(err);
      },
    );
  }
}
