// Small files reach their final names in batches (PROTOCOL.md §6.2). A file small enough to
// arrive in one piece is kept in memory (client/memory-sink.ts) until its size and SHA-256
// are checked; then a batch of such files is written as `.part` files, flushed to stable
// storage together, renamed into place, and the renames are flushed too. A crash at any
// moment leaves either no final name or a final name over bytes already on the disk: never
// a wrong final file.
//
// Where the file system can be flushed as a whole (file-system-flush.ts), one flush serves
// two batches: the renames of the batch before and the `.part` files of this one, written
// while the flush before ran. Elsewhere each file is synced, and then each of its folders.
// The disk work itself is done file after file (small-file-disk.ts). In a download all of
// this runs in a pool worker (small-file-committer.ts).
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deserializeError, ErrorCode, PssError } from '../errors';
import { fileSystemFlusher } from './file-system-flush';
import type { DiskFile, DiskResult, DiskStep, SmallFileDisk } from './small-file-disk';
import { diskOnThisThread } from './small-file-disk';

/** A batch closes at this many files or bytes; the next one gathers while it is written. */
const BATCH_MAX_FILES = 1024;
const BATCH_MAX_BYTES = 16 << 20;
/**
 * A batch is written once this many files or bytes wait, or once none has arrived for
 * GATHER_MS (the last files of a download). Each batch costs a flush (a `sync -f` process
 * and a journal commit): taking whatever had arrived made batches of one pack, 64 files,
 * and 280 flushes for 10,000 files.
 */
const BATCH_MIN_FILES = 256;
const BATCH_MIN_BYTES = 4 << 20;
const GATHER_MS = 20;
/** Checked bytes waiting for the disk before the download stops reading the socket. */
const QUEUE_HIGH_BYTES = 48 << 20;

export interface SmallFile {
  /** Where the bytes are written first, and the final name they are renamed to. */
  part: string;
  target: string;
  bytes: Uint8Array;
  mtimeMs: number;
  /** When given, the bytes are checked against it as they are added; a mismatch writes nothing. */
  sha256?: string;
  /** A sidecar of an earlier run to delete once the final name exists. */
  staleMeta?: string;
}

/**
 * Told once of a file handed to a committer: no error once it has its final name and is
 * durable, or the cause. One function may serve every file, since it is given the file.
 */
export type SettledFile = (err: PssError | undefined, file: SmallFile) => void;

interface Queued {
  file: SmallFile;
  /** Its byte count, kept: the bytes themselves move to the disk thread. */
  size: number;
  settled: SettledFile;
}

/** How a folder's files are made durable: its file system's flush and device, or none. */
interface FolderFlush {
  flush: Flush | undefined;
  device: number;
}

/** Flushes a whole file system; resolves false when that did not succeed. */
export type Flush = () => Promise<boolean>;

/**
 * A batch whose `.part` files are written and whose flush is running. The renames of the
 * batch before it were made before that flush began, so it makes them durable too.
 */
interface Flushing {
  files: Queued[];
  /** The flush of their file system, when one covers them all. */
  flush: FolderFlush | undefined;
  /** The flush itself: false when there is none or it failed. */
  done: Promise<boolean>;
  renamed: Queued[];
}

/** Files renamed whose renames are not durable yet, and the flush that may make them so. */
interface Renamed {
  renamed: Queued[];
  flush: FolderFlush | undefined;
}

export interface BatchCommitterOptions {
  /** Finds how a folder's file system is flushed at once (none: file by file). */
  flusherFor?: (folder: string) => Promise<Flush | undefined>;
  /** Where the disk work is done: this thread by default. */
  disk?: SmallFileDisk;
  /** Told of each batch once its bytes have left memory (written, or failed). */
  onWritten?: (files: readonly SmallFile[]) => void;
  /** How long a batch smaller than BATCH_MIN_FILES waits for another file (GATHER_MS). */
  gatherMs?: number;
}

/** What a download needs of a committer: here, or in a pool worker (small-file-committer.ts). */
export interface SmallFileCommitter {
  /** True while so much waits for the disk that the caller should stop reading. */
  readonly full: boolean;
  /** Calls `cb` once the queue is below half its high-water mark. */
  whenRoom(cb: () => void): void;
  /** Resolves once the file has its final name and is durable; rejects with the cause. */
  add(file: SmallFile): Promise<void>;
  /**
   * add() without a promise: `settled` is told instead, at once for a file refused here. A
   * download hands thousands of files over, and each promise and callback it would cost
   * lives until its file is durable, which made every young-generation collection slower.
   */
  commit(file: SmallFile, settled: SettledFile): void;
  /** No more files are coming for now (the request ended): what waits is written without waiting for more. */
  finishing(): void;
}

/** The SHA-256 check of a file's bytes, when it has one: a mismatch rejects it before anything is written. */
function digestProblem(file: SmallFile): PssError | undefined {
  if (file.sha256 === undefined || createHash('sha256').update(file.bytes).digest('hex') === file.sha256) return undefined;
  return new PssError(ErrorCode.INTEGRITY_FAILED, 'SHA-256 mismatch; nothing was written');
}

/** Bytes handed to a committer that have not reached the disk yet, and who waits for room. */
class QueueRoom {
  private held = 0;
  private waiting: (() => void)[] = [];

  get full(): boolean {
    return this.held >= QUEUE_HIGH_BYTES;
  }

  whenRoom(cb: () => void): void {
    if (!this.full) cb();
    else this.waiting.push(cb);
  }

  hold(bytes: number): void {
    this.held += bytes;
  }

  /** Once below half the high-water mark, whoever waits for room goes on. */
  release(bytes: number): void {
    this.held -= bytes;
    if (this.held < QUEUE_HIGH_BYTES / 2) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const cb of waiting) cb();
    }
  }
}

/** A committer's back-pressure, and its check of each file's digest as it is added. */
export abstract class CheckingCommitter implements SmallFileCommitter {
  protected readonly room = new QueueRoom();

  get full(): boolean {
    return this.room.full;
  }

  whenRoom(cb: () => void): void {
    this.room.whenRoom(cb);
  }

  add(file: SmallFile): Promise<void> {
    return new Promise((resolve, reject) => this.commit(file, (err) => (err ? reject(err) : resolve())));
  }

  commit(file: SmallFile, settled: SettledFile): void {
    const problem = digestProblem(file);
    if (problem) return settled(problem, file);
    this.room.hold(file.bytes.length);
    this.accept(file, settled);
  }

  /** Takes a file whose digest matched; its bytes count in `room` until released there. */
  protected abstract accept(file: SmallFile, settled: SettledFile): void;

  abstract finishing(): void;
}

export class BatchCommitter extends CheckingCommitter {
  private queue: Queued[] = [];
  private queuedBytes = 0;
  /** Set by finishing() until the next file: the queue is written without gathering. */
  private hurry = false;
  /**
   * Found out once per folder while the queue runs. Forgotten when it empties: a worker's
   * committer serves every later download too, whose folders may be new or elsewhere.
   */
  private readonly folders = new Map<string, Promise<FolderFlush>>();
  private running: Promise<void> | undefined;
  /** Set while the disk work waits for the next file (or a flush, whichever comes first). */
  private arrived: (() => void) | undefined;
  private readonly flusherFor: (folder: string) => Promise<Flush | undefined>;
  private readonly disk: SmallFileDisk;
  private readonly onWritten: ((files: readonly SmallFile[]) => void) | undefined;
  private readonly gatherMs: number;

  constructor(options: BatchCommitterOptions = {}) {
    super();
    this.flusherFor = options.flusherFor ?? fileSystemFlusher;
    this.disk = options.disk ?? diskOnThisThread;
    this.onWritten = options.onWritten;
    this.gatherMs = options.gatherMs ?? GATHER_MS;
  }

  finishing(): void {
    this.hurry = true;
    const arrived = this.arrived;
    this.arrived = undefined;
    arrived?.();
  }

  protected accept(file: SmallFile, settled: SettledFile): void {
    this.hurry = false;
    this.queuedBytes += file.bytes.length;
    this.queue.push({ file, size: file.bytes.length, settled });
    const arrived = this.arrived;
    this.arrived = undefined;
    arrived?.();
    this.running ??= this.drain();
  }

  private take(): Queued[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < BATCH_MAX_FILES && bytes < BATCH_MAX_BYTES) bytes += this.queue[n++]!.size;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, n);
  }

  private release(files: readonly Queued[]): void {
    this.onWritten?.(files.map((q) => q.file));
    this.room.release(files.reduce((sum, q) => sum + q.size, 0));
  }

  /**
   * Each batch is written while the flush of the batch before it runs, so the disk thread
   * does not wait for the disk (a flush took 15-25 ms a batch, a sixth of the thread's time).
   * Then that batch, durable now, is renamed, and the next flush begins: it covers this
   * batch's `.part` files and those renames. Renames with no batch after them to ride on
   * get a flush of their own.
   */
  private async drain(): Promise<void> {
    let flushing: Flushing | undefined;
    let carried: Renamed | undefined;
    for (;;) {
      // Files that arrive while the flush runs are written meanwhile.
      if (this.queue.length === 0 && flushing) await Promise.race([flushing.done, this.nextArrival()]);
      await this.gathered();
      const batch = this.take();
      if (batch.length === 0 && !flushing && !carried) break;
      let written: Queued[] = [];
      let flush: FolderFlush | undefined;
      if (batch.length > 0) {
        flush = await this.flushFor(batch);
        written = await this.step(flush ? 'write' : 'write-sync', batch);
        this.release(batch);
      }
      if (flushing) {
        carried = await this.renameFlushed(flushing);
        flushing = undefined;
      }
      if (batch.length > 0) {
        let riding: Queued[] = [];
        if (carried) {
          // The renames ride on this batch's flush when both are on the same flushable file
          // system; otherwise they are made durable now.
          if (flush && carried.flush && flush.device === carried.flush.device) riding = carried.renamed;
          else await this.settleRenames(carried.renamed, await flushed(carried.flush));
          carried = undefined;
        }
        flushing = { files: written, flush, done: flushed(flush), renamed: riding };
      } else if (carried && this.queue.length === 0) {
        await this.settleRenames(carried.renamed, await flushed(carried.flush));
        carried = undefined;
      }
    }
    this.running = undefined;
    this.folders.clear();
  }

  /** Waits until a batch's worth of files is queued, none has arrived for GATHER_MS, or the caller is finishing. */
  private async gathered(): Promise<void> {
    while (!this.hurry && this.queue.length > 0 && this.queue.length < BATCH_MIN_FILES && this.queuedBytes < BATCH_MIN_BYTES) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.gatherMs)));
      const arrived = await Promise.race([this.nextArrival().then(() => true), quiet]);
      clearTimeout(timer);
      if (!arrived) return;
    }
  }

  /** Resolves when the next file is added. */
  private nextArrival(): Promise<void> {
    return new Promise((resolve) => (this.arrived = resolve));
  }

  /**
   * Waits for a batch's flush, settles the renames it made durable, then renames the batch.
   * Returns what was renamed and the flush that may make those renames durable (none after
   * a flush that failed: then each file is synced after all, and later its folder).
   */
  private async renameFlushed(batch: Flushing): Promise<Renamed> {
    const whole = await batch.done;
    await this.settleRenames(batch.renamed, whole);
    if (batch.flush && !whole) return { renamed: await this.step('rename', await this.step('sync', batch.files)), flush: undefined };
    return { renamed: await this.step('rename', batch.files), flush: batch.flush };
  }

  /** Renames made durable by a flush that succeeded (`flushed`), or else by syncing their folders; then they are done. */
  private async settleRenames(renamed: Queued[], flushed: boolean): Promise<void> {
    if (renamed.length === 0) return;
    if (!flushed) {
      try {
        await this.disk(
          'sync-folders',
          renamed.map((q) => diskFile(q.file, false)),
        );
      } catch (err) {
        // The disk thread is gone (the download is being torn down): nothing is known durable.
        const e = diskFailure(err);
        for (const q of renamed) q.settled(e, q.file);
        return;
      }
    }
    for (const q of renamed) q.settled(undefined, q.file);
  }

  /** Runs a step for `files`; each that fails is rejected, the rest are returned. */
  private async step(step: DiskStep, files: Queued[]): Promise<Queued[]> {
    if (files.length === 0) return files;
    let results: DiskResult[];
    try {
      results = await this.disk(
        step,
        files.map((q) => diskFile(q.file, step === 'write' || step === 'write-sync')),
      );
    } catch (err) {
      const e = diskFailure(err);
      for (const q of files) q.settled(e, q.file);
      return [];
    }
    const ok: Queued[] = [];
    files.forEach((q, i) => {
      const r = results[i];
      if (r) q.settled(deserializeError(r), q.file);
      else ok.push(q);
    });
    return ok;
  }

  /** One flush for the whole batch when all its folders are on one flushable file system. */
  private async flushFor(batch: readonly Queued[]): Promise<FolderFlush | undefined> {
    const folders = new Set(batch.map((q) => dirname(q.file.part)));
    const found = await Promise.all([...folders].map((f) => this.folderFlush(f)));
    const first = found[0];
    if (!first?.flush || found.some((f) => !f.flush || f.device !== first.device)) return undefined;
    return first;
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

/** What the disk step needs of a file; its bytes only for the writes (they are handed over). */
function diskFile(file: SmallFile, withBytes: boolean): DiskFile {
  const out: DiskFile = { part: file.part, target: file.target, mtimeMs: file.mtimeMs };
  if (withBytes) out.bytes = file.bytes;
  if (file.staleMeta !== undefined) out.staleMeta = file.staleMeta;
  return out;
}

/** A step that failed as a whole (its thread is gone), as every one of its files' error. */
function diskFailure(err: unknown): PssError {
  return err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, `the disk work failed: ${String(err)}`);
}

/** Runs the flush, if there is one; false when there is none or it failed. */
function flushed(flush: FolderFlush | undefined): Promise<boolean> {
  return flush?.flush ? flush.flush() : Promise.resolve(false);
}
