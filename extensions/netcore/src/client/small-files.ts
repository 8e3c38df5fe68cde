// A download's small files on their way to the disk (PROTOCOL.md §6.2): each, checked and
// complete in memory, goes to the committer (workers/small-file-committer.ts), which makes it
// durable under its final name in a batch; its outcome is recorded when it settles. A
// callback per file, not a promise: thousands are pending at once, and each promise and its
// closures lived until the file was durable, so every young-generation collection copied
// them again.
import { ErrorCode, type PssError } from '../errors';
import type { SmallFile, SmallFileCommitter } from '../workers/batch-commit';
import type { FileOutcome, PlannedItem } from './download-plan';
import { metaPath, partPath } from './part-files';

export class SmallFiles {
  /** Handed to the committer and not settled yet. */
  private pending = 0;
  private allSettled: (() => void) | undefined;
  /** What a listener threw while an outcome was recorded. */
  private thrown: { error: unknown } | undefined;

  constructor(
    private readonly committer: SmallFileCommitter,
    private readonly record: (outcome: FileOutcome) => void,
    /** Told of each file's failure (a full disk stops the download). */
    private readonly failed: (err: PssError) => void,
  ) {}

  /** Hands a file over; its outcome is recorded once it is durable or failed, then `done` is called. */
  commit(item: PlannedItem, bytes: Buffer, sha256: string, mtimeMs: number, done?: () => void): void {
    const size = bytes.length;
    this.pending++;
    this.committer.commit(smallFile(item, bytes, sha256, mtimeMs), (err) => {
      const path = item.entry.path;
      try {
        if (!err) this.record({ path, status: 'done', target: item.target, bytes: size });
        else {
          this.failed(err);
          const message = err.code === ErrorCode.INTEGRITY_FAILED ? `${path}: ${err.message}` : err.message;
          this.record({ path, status: 'failed', code: err.code, message, bytes: size });
        }
      } catch (error) {
        // A listener (onFile, onProgress) that throws fails the download, as it does for a
        // file on its own; it must not cut off the news of the files after this one.
        this.thrown ??= { error };
      } finally {
        if (--this.pending === 0) this.allSettled?.();
        done?.();
      }
    });
  }

  /** Resolves once every file handed over is settled; rejects with what a listener threw meanwhile. */
  async settled(): Promise<void> {
    if (this.pending > 0) await new Promise<void>((resolve) => (this.allSettled = resolve));
    if (this.thrown) throw this.thrown.error;
  }
}

function smallFile(item: PlannedItem, bytes: Buffer, sha256: string, mtimeMs: number): SmallFile {
  const file: SmallFile = { part: partPath(item.target), target: item.target, bytes, sha256, mtimeMs };
  if (item.hasMeta) file.staleMeta = metaPath(item.target);
  return file;
}
