// Small files reach their final names in batches (PROTOCOL.md §6.2). A file small enough to
// arrive in one piece is kept in memory until its size and SHA-256 are checked; then a
// batch of such files is written as `.part` files, flushed to stable storage together,
// renamed into place, and their folders are synced. A crash at any moment leaves either no
// final name or a final name over bytes already on the disk: never a wrong final file.
// Where the file system can be flushed as a whole (client/file-system-flush.ts), a batch
// costs two flushes, one before the renames and one after; elsewhere each file is synced,
// all of the batch's at once, and then each of its folders.
import { constants as fsc } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, fromFsError, PssError } from '../errors';
import type { Sink } from './file-sink';
import { fileSystemFlusher } from './file-system-flush';

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

/** How a folder's files are made durable: its file system's flush and device, or none. */
interface FolderFlush {
  flush: Flush | undefined;
  device: number;
}

/** Flushes a whole file system; resolves false when that did not succeed. */
export type Flush = () => Promise<boolean>;

export class BatchCommitter {
  private queue: Queued[] = [];
  /** Found out once per folder. */
  private readonly folders = new Map<string, Promise<FolderFlush>>();
  private running: Promise<void> | undefined;
  /** Bytes queued or being written. */
  private held = 0;
  private waiting: (() => void)[] = [];

  /** `flusherFor` finds how a folder's file system is flushed at once (none: file by file). */
  constructor(private readonly flusherFor: (folder: string) => Promise<Flush | undefined> = fileSystemFlusher) {}

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
      await commit(batch, await this.flushFor(batch));
      this.held -= bytes;
      if (this.held < QUEUE_HIGH_BYTES / 2) {
        const waiting = this.waiting;
        this.waiting = [];
        for (const cb of waiting) cb();
      }
    }
    this.running = undefined;
  }

  /** One flush for the whole batch when all its folders are on one flushable file system. */
  private async flushFor(batch: readonly Queued[]): Promise<Flush | undefined> {
    const folders = new Set(batch.map((q) => dirname(q.file.part)));
    const found = await Promise.all([...folders].map((f) => this.folderFlush(f)));
    const first = found[0];
    if (!first?.flush || found.some((f) => !f.flush || f.device !== first.device)) return undefined;
    return first.flush;
  }

  private folderFlush(folder: string): Promise<FolderFlush> {
    let found = this.folders.get(folder);
    if (!found) {
      found = Promise.all([
        this.flusherFor(folder),
        stat(folder).then(
          (s) => s.dev,
          () => -1,
        ),
      ]).then(([flush, device]) => ({
        flush: device < 0 ? undefined : flush,
        device,
      }));
      this.folders.set(folder, found);
    }
    return found;
  }
}

/** Writes a `.part` with its time; syncs it unless the whole file system is flushed after. */
async function writePart(file: SmallFile, sync: boolean): Promise<void> {
  // Never through a link: a planted `name.part` link must not redirect the download.
  const handle: FileHandle = await open(file.part, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | O_NOFOLLOW, 0o644);
  try {
    let done = 0;
    while (done < file.bytes.length) done += (await handle.write(file.bytes, done, file.bytes.length - done, done)).bytesWritten;
    const mtime = new Date(file.mtimeMs);
    await handle.utimes(mtime, mtime);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a `.part` written earlier (when a flush of the whole file system failed). */
async function syncPart(file: SmallFile): Promise<void> {
  const handle = await open(file.part, fsc.O_WRONLY | O_NOFOLLOW);
  try {
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

/** Runs `step` for each file still in the batch; one that fails loses its `.part` and is rejected. */
function eachFile(batch: readonly Queued[], alive: readonly boolean[], step: (file: SmallFile) => Promise<void>): Promise<boolean[]> {
  return Promise.all(
    batch.map(async (q, i) => {
      if (!alive[i]) return false;
      try {
        await step(q.file);
        return true;
      } catch (err) {
        await rm(q.file.part, { force: true }).catch(() => undefined);
        q.reject(failure(err, q.file));
        return false;
      }
    }),
  );
}

/** Runs the flush, if there is one; false when there is none or it failed. */
function flushed(flush: Flush | undefined): Promise<boolean> {
  return flush ? flush() : Promise.resolve(false);
}

async function commit(batch: Queued[], flush: Flush | undefined): Promise<void> {
  // 1. Every .part written and made durable: synced each, or the file system flushed once
  //    (and each synced after all if that flush did not succeed).
  let written = await eachFile(
    batch,
    batch.map(() => true),
    (file) => writePart(file, flush === undefined),
  );
  let whole = flush !== undefined && (await flushed(flush));
  if (flush && !whole) written = await eachFile(batch, written, syncPart);
  // 2. Only then the final names.
  const renamed = await eachFile(batch, written, (file) => rename(file.part, file.target));
  // 3. The folders, so the renames are durable too; then the sidecars of earlier runs go.
  if (whole) whole = await flushed(flush);
  if (!whole) {
    const folders = new Set<string>();
    batch.forEach((q, i) => {
      if (renamed[i]) folders.add(dirname(q.file.target));
    });
    await Promise.all([...folders].map(syncFolder));
  }
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
