// Small files reach their final names in batches (PROTOCOL.md §6.2). A file small enough to
// arrive in one piece is kept in memory until its size and SHA-256 are checked; then a
// batch of such files is written as `.part` files, flushed to stable storage together,
// renamed into place, and their folders are synced. A crash at any moment leaves either no
// final name or a final name over bytes already on the disk: never a wrong final file.
// One fsync per file is still paid, but the batch issues them together, so the file
// system commits them in a few journal transactions instead of one after another, and
// the per-file sidecar, its removal and the path-based utimes are gone.
import { constants as fsc } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, fromFsError, PssError } from '../errors';
import type { Sink } from './file-sink';

const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

/** Files no larger than this take the batched path (offset 0 only). */
export const SMALL_FILE_MAX_BYTES = 1 << 20;
/** A batch closes at this many files or bytes; the next one gathers while it is written. */
const BATCH_MAX_FILES = 512;
const BATCH_MAX_BYTES = 16 << 20;
/** Verified bytes waiting for the disk before the download stops reading the socket. */
const QUEUE_HIGH_BYTES = 48 << 20;

export interface SmallFile {
  /** Where the bytes are written first, and the final name they are renamed to. */
  part: string;
  target: string;
  bytes: Buffer;
  mtimeMs: number;
  /** A sidecar of an earlier run to delete once the final name exists. */
  staleMeta?: string;
}

interface Queued {
  file: SmallFile;
  resolve: () => void;
  reject: (err: PssError) => void;
}

export class BatchCommitter {
  private queue: Queued[] = [];
  private running: Promise<void> | undefined;
  /** Bytes queued or being written. */
  private held = 0;
  private waiting: (() => void)[] = [];

  /** True while so much waits for the disk that the caller should stop reading. */
  get full(): boolean {
    return this.held >= QUEUE_HIGH_BYTES;
  }

  /** Calls `cb` once the queue is below half its high-water mark. */
  whenRoom(cb: () => void): void {
    if (!this.full) cb();
    else this.waiting.push(cb);
  }

  /** Resolves once the file has its final name and is durable; rejects with the cause. */
  add(file: SmallFile): Promise<void> {
    this.held += file.bytes.length;
    const done = new Promise<void>((resolve, reject) => this.queue.push({ file, resolve, reject }));
    this.running ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && n < BATCH_MAX_FILES && bytes < BATCH_MAX_BYTES) bytes += this.queue[n++]!.file.bytes.length;
      const batch = this.queue.splice(0, n);
      await commit(batch);
      this.held -= bytes;
      if (this.held < QUEUE_HIGH_BYTES / 2) {
        const waiting = this.waiting;
        this.waiting = [];
        for (const cb of waiting) cb();
      }
    }
    this.running = undefined;
  }
}

async function writeDurably(file: SmallFile): Promise<void> {
  // Never through a link: a planted `name.part` link must not redirect the download.
  const handle: FileHandle = await open(file.part, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | O_NOFOLLOW, 0o644);
  try {
    let done = 0;
    while (done < file.bytes.length) done += (await handle.write(file.bytes, done, file.bytes.length - done, done)).bytesWritten;
    const mtime = new Date(file.mtimeMs);
    await handle.utimes(mtime, mtime);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a folder so the renames in it survive a crash; where folders cannot be synced, nothing is lost but that. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, fsc.O_RDONLY);
    await handle.sync();
  } catch {
    // EINVAL/EPERM/EISDIR on systems that do not sync folders: the files themselves are durable.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function failure(err: unknown, file: SmallFile): PssError {
  if ((err as NodeJS.ErrnoException)?.code === 'ELOOP') return new PssError(ErrorCode.BAD_PATH, `refused: ${file.part} is a link`);
  return fromFsError(err, `cannot write ${file.target}`, ErrorCode.WRITE_FAILED);
}

async function commit(batch: Queued[]): Promise<void> {
  // 1. Every .part written and flushed, all at once.
  const written = await Promise.all(
    batch.map((q) =>
      writeDurably(q.file).then(
        () => true,
        async (err) => {
          await rm(q.file.part, { force: true }).catch(() => undefined);
          q.reject(failure(err, q.file));
          return false;
        },
      ),
    ),
  );
  // 2. Only then the final names.
  const renamed = await Promise.all(
    batch.map(async (q, i) => {
      if (!written[i]) return false;
      try {
        await rename(q.file.part, q.file.target);
        return true;
      } catch (err) {
        await rm(q.file.part, { force: true }).catch(() => undefined);
        q.reject(failure(err, q.file));
        return false;
      }
    }),
  );
  // 3. The folders, so the renames are durable too; then the sidecars of earlier runs go.
  const folders = new Set<string>();
  batch.forEach((q, i) => {
    if (renamed[i]) folders.add(dirname(q.file.target));
  });
  await Promise.all([...folders].map(syncFolder));
  await Promise.all(
    batch.map(async (q, i) => {
      if (!renamed[i]) return;
      if (q.file.staleMeta) await rm(q.file.staleMeta, { force: true }).catch(() => undefined);
      q.resolve();
    }),
  );
}

/** A small file's bytes, held in memory until it is checked and handed to the committer. */
export class MemorySink implements Sink {
  readonly bytes: Buffer;
  private fill = 0;

  constructor(
    size: number,
    private readonly committer: BatchCommitter,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
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
