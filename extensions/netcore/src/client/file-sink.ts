// Writes one downloading file: copies the small pieces TLS delivers into 1 MiB blocks,
// writes them in order at explicit positions, and tells the caller to pause the socket
// while too much is waiting for the disk (memory stays bounded whatever the file size).
import { open, type FileHandle } from 'node:fs/promises';
import { READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, fromFsError, type PssError } from '../errors';

const HIGH_WATER_BYTES = 4 * READ_CHUNK_BYTES;

/** Where a download's bytes go: a .part file, or a stream for `--stdout`. */
export interface Sink {
  /** Returns false when the caller should pause its source until `drained` fires. */
  write(bytes: Buffer, drained: () => void): boolean;
  /** Everything written and durable; throws the first write error. */
  finish(): Promise<void>;
  /** Stops; what was written stays. */
  abort(): Promise<void>;
}

export class FileSink implements Sink {
  private readonly opened: Promise<FileHandle>;
  private chain: Promise<void> = Promise.resolve();
  private block: Buffer | undefined;
  /** Written blocks come back here: a fresh 1 MiB buffer per block costs page faults. */
  private readonly spare: Buffer[] = [];
  private fill = 0;
  private position: number;
  private pending = 0;
  private failure: PssError | undefined;
  private onDrain: (() => void) | undefined;

  /** `offset` > 0 appends to an existing partial file; 0 truncates it. */
  constructor(
    readonly path: string,
    offset: number,
    /** Settles before the file is opened (the .part.json sidecar is written first). */
    before: Promise<void>,
    private readonly onError: (err: PssError) => void,
  ) {
    this.position = offset;
    this.opened = before.then(() => open(path, offset > 0 ? 'r+' : 'w', 0o644));
    this.opened.catch((err) => this.setFailure(err));
  }

  get error(): PssError | undefined {
    return this.failure;
  }

  /** Returns false when the caller should pause its source until `drained` fires. */
  write(bytes: Buffer, drained: () => void): boolean {
    if (this.failure) return true;
    let pos = 0;
    while (pos < bytes.length) {
      this.block ??= this.spare.pop() ?? Buffer.allocUnsafe(READ_CHUNK_BYTES);
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

  /** Writes what is left, fsyncs and closes. Throws the first write error. */
  async finish(): Promise<void> {
    this.flushBlock();
    await this.chain;
    const handle = await this.opened.catch(() => undefined);
    try {
      if (this.failure) throw this.failure;
      await handle!.sync();
    } catch (err) {
      this.setFailure(err);
      throw this.failure!;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /** Stops writing; the partial file keeps what reached the disk. */
  async abort(): Promise<void> {
    this.block = undefined;
    this.fill = 0;
    await this.chain;
    const handle = await this.opened.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }

  private flushBlock(): void {
    if (!this.block || this.fill === 0) return;
    const block = this.block;
    const data = block.subarray(0, this.fill);
    const at = this.position;
    this.position += this.fill;
    this.pending += this.fill;
    this.block = undefined;
    this.fill = 0;
    this.chain = this.chain.then(async () => {
      try {
        if (this.failure) return;
        const handle = await this.opened;
        let done = 0;
        while (done < data.length) {
          const { bytesWritten } = await handle.write(data, done, data.length - done, at + done);
          done += bytesWritten;
        }
      } catch (err) {
        this.setFailure(err);
      } finally {
        this.spare.push(block);
        this.pending -= data.length;
        if (this.onDrain && this.pending < HIGH_WATER_BYTES / 2) {
          const cb = this.onDrain;
          this.onDrain = undefined;
          cb();
        }
      }
    });
  }

  private setFailure(err: unknown): void {
    if (this.failure) return;
    this.failure = fromFsError(err, `cannot write ${this.path}`, ErrorCode.WRITE_FAILED);
    this.onError(this.failure);
    const cb = this.onDrain;
    this.onDrain = undefined;
    cb?.();
  }
}
