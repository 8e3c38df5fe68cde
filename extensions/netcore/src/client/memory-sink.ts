// A small file's bytes wait in memory until the file is complete, then go to the
// committer (workers/batch-commit.ts), which checks them and gives them their final name
// with a batch (PROTOCOL.md §6.2).
import type { SmallFileCommitter } from '../workers/batch-commit';
import type { Sink } from './file-sink';

/** Files no larger than this take the batched path (offset 0 only). */
export const SMALL_FILE_MAX_BYTES = 1 << 20;

/** A small file's bytes, held in memory until it is complete and handed to the committer, which checks them. */
export class MemorySink implements Sink {
  readonly bytes: Buffer;
  private fill = 0;

  constructor(
    size: number,
    private readonly committer: SmallFileCommitter,
  ) {
    // A buffer of its own, so it can move to the disk thread without a copy.
    this.bytes = Buffer.allocUnsafeSlow(size);
  }

  get length(): number {
    return this.fill;
  }

  write(bytes: Buffer, drained: () => void): boolean {
    // The caller refuses more bytes than the file has before they get here.
    this.fill += bytes.copy(this.bytes, this.fill);
    if (!this.committer.full) return true;
    this.committer.whenRoom(drained);
    return false;
  }

  async finish(): Promise<void> {}

  async abort(): Promise<void> {}
}
