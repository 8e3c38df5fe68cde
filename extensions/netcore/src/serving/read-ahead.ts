// Prepares the next files of a download request while the current one is sent, so the
// wire does not wait for each small file's path checks, open, stat and read in turn. A
// file is opened (with every check of Share.openFile), its first frame read when the file
// is small, and — when that frame is the whole rest of the file — the file is stat-ed
// again after the read, which is the check that it did not change while it was read.
// Memory and descriptors stay bounded: at most READ_AHEAD_FILES files, and the window
// stops behind a file too large to read ahead until that file's turn comes.
import { closeSync, fstatSync, read as readFd, readSync, type Stats } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { READ_AHEAD_FILES } from '../constants';
import type { FileRequests } from '../protocol/request-list';
import { ChunkReader, SMALL_READ_BYTES, type ReadableFile } from './chunk-reader';
import { ErrorCode } from '../errors';
import type { FileRequest } from '../protocol/messages';
import type { CheckedFolders, OpenedDescriptor, Share } from './share';

/**
 * A file's checks, open and small read are done with synchronous calls (a few µs each
 * from the page cache, where a call through the thread pool cost the event loop 35 µs and
 * more). A file whose synchronous work takes longer than SLOW_SYNC_MS is slow: the disk
 * itself is being read, or the machine is busy. Once SLOW_FILES_TO_STOP of the files
 * since the last check were slow, the rest of the request goes through the thread pool,
 * so a cold disk holds the event loop for a few slow files at most.
 */
const SLOW_SYNC_MS = 2;
const SLOW_FILES_TO_STOP = 4;
const SLOW_FILES_WINDOW = 64;

/** Decides, file by file, whether a request's files may still be read synchronously. */
class SyncWatch {
  /** Cleared once synchronous work proved slow. */
  sync = true;
  private slowFiles = 0;
  private filesTimed = 0;

  /** Counts a file whose synchronous work began at `started` (performance.now()) as slow or not. */
  timed(started: number): void {
    this.took(performance.now() - started);
  }

  /** Counts a file whose synchronous work took `ms` as slow or not. */
  took(ms: number): void {
    if (ms > SLOW_SYNC_MS && ++this.slowFiles >= SLOW_FILES_TO_STOP) this.sync = false;
    if (++this.filesTimed >= SLOW_FILES_WINDOW) {
      this.filesTimed = 0;
      this.slowFiles = 0;
    }
  }
}

/** An open shared file as the sender uses it. */
export interface OpenedForSending {
  handle: ReadableFile & { stat(): Promise<Stats>; close(): Promise<void> };
  stat: Stats;
  absPath: string;
}

/**
 * A descriptor from Share.openFileSync. Reads go through the thread pool; the checks
 * before and the stat after are synchronous. Like a FileHandle, it is closed only once
 * no read is in flight, so a descriptor number is never reused under a pending read.
 */
class DescriptorFile implements ReadableFile {
  private reading = 0;
  private closed = false;
  private onIdle: (() => void) | undefined;

  constructor(private readonly fd: number) {}

  readSync(buffer: Buffer, offset: number, length: number, position: number): number {
    if (this.closed) throw new Error('the file is closed');
    return readSync(this.fd, buffer, offset, length, position);
  }

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    if (this.closed) return Promise.reject(new Error('the file is closed'));
    this.reading++;
    return new Promise((resolve, reject) =>
      readFd(this.fd, buffer, offset, length, position, (err, bytesRead) => {
        if (--this.reading === 0) this.onIdle?.();
        if (err) reject(err);
        else resolve({ bytesRead });
      }),
    );
  }

  async stat(): Promise<Stats> {
    if (this.closed) throw new Error('the file is closed');
    return fstatSync(this.fd);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      const close = () => {
        closeQuietly(this.fd);
        resolve();
      };
      if (this.reading === 0) close();
      else this.onIdle = close;
    });
  }
}

/**
 * The same version of the same file: device, inode, size and time. A file stat-ed again
 * after it was read, to check that it did not change (or was not swapped) meanwhile.
 */
export function sameVersion(before: Stats, after: Stats): boolean {
  return after.dev === before.dev && after.ino === before.ino && after.size === before.size && after.mtimeMs === before.mtimeMs;
}

/** A small file opened by RequestReadAhead.openSmall() for the caller to read whole. */
export interface OpenedSmallFile extends OpenedDescriptor {
  /** How long its open took, counted with its read in the check of slow reads (not the wait between them). */
  openMs: number;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do about a descriptor that will not close.
  }
}

export interface PreparedFile {
  opened: OpenedForSending;
  reader: ChunkReader;
  /**
   * The file's stat taken after its only frame was read, when one frame is the whole
   * rest of it; otherwise the sender stats the file after its last frame itself.
   */
  statAfterRead?: Promise<Stats>;
}

export class RequestReadAhead {
  private readonly slots = new Map<number, Promise<PreparedFile>>();
  /** The next index not started yet. */
  private nextIndex = 0;
  /** Set while a file started ahead turned out too large to read ahead. */
  private blockedAt: number | undefined;
  private closed = false;
  private readonly watch = new SyncWatch();
  /** Folders this request's files were found in, each lstat-ed once (Share.openFileSync). */
  private readonly checked: CheckedFolders = new Set();

  /**
   * `packing`: the sender reads small files itself while reads are synchronous (openSmall),
   * so the window starts nothing ahead then; it would only open and read those files early
   * on the same thread, and hold the sender to the slower way for the rest of the request.
   */
  constructor(
    private readonly share: Share,
    private readonly files: FileRequests,
    private readonly packing = false,
  ) {}

  /**
   * The file at `index`, opened and checked, its reader positioned at the request's
   * offset; rejects as Share.openFileSync throws. The files after it start meanwhile.
   */
  take(index: number): Promise<PreparedFile> {
    let prepared = this.slots.get(index);
    this.slots.delete(index);
    if (!prepared) {
      this.nextIndex = Math.max(this.nextIndex, index + 1);
      prepared = this.start(index);
    }
    if (this.blockedAt !== undefined && this.blockedAt <= index) this.blockedAt = undefined;
    this.fill();
    return prepared;
  }

  /** The request ended early: what was prepared is closed. */
  close(): void {
    this.closed = true;
    for (const prepared of this.slots.values()) void prepared.then(release, () => undefined);
    this.slots.clear();
  }

  private fill(): void {
    if (this.packing && this.watch.sync) return;
    while (!this.closed && this.blockedAt === undefined && this.slots.size < READ_AHEAD_FILES && this.nextIndex < this.files.length) {
      const index = this.nextIndex++;
      const prepared = this.start(index, true);
      prepared.catch(() => undefined);
      this.slots.set(index, prepared);
    }
  }

  /**
   * The file at `index` opened on this thread for the caller to read whole, with every check
   * of Share.openFileSync, when it is at most `maxBytes`, files are still read synchronously
   * and it was not started ahead: the sender reads it straight into a pack with readSmall()
   * (main-port/request-sender.ts), where a file read ahead cost a frame of its own, a copy
   * and a chain of promises. Otherwise, or when it cannot be opened, undefined: the file is
   * taken as usual (a larger one is kept open, started for take()).
   */
  openSmall(index: number, maxBytes: number): OpenedSmallFile | undefined {
    if (this.closed || !this.watch.sync || this.slots.has(index) || index < this.nextIndex) return undefined;
    const req = this.files.at(index)!;
    const started = performance.now();
    let opened: OpenedDescriptor;
    try {
      opened = this.share.openFileSync(req.path, this.checked);
    } catch {
      // take() opens it again and answers with what it meets then.
      return undefined;
    }
    if (opened.stat.size <= maxBytes) return { ...opened, openMs: performance.now() - started };
    this.nextIndex = index + 1;
    this.slots.set(
      index,
      Promise.resolve(this.prepare(req, { handle: new DescriptorFile(opened.fd), stat: opened.stat, absPath: opened.absPath }, true, started, false, index)),
    );
    return undefined;
  }

  /**
   * Reads a file from openSmall() whole into `into` (its size), then stats it again and
   * closes it. Undefined when the bytes are of the version stat-ed before; else the
   * refusal to send in the file's place, as the sender words it for a file read ahead.
   */
  readSmall(file: OpenedSmallFile, into: Uint8Array): { code: ErrorCode; message: string } | undefined {
    const started = performance.now();
    try {
      let done = 0;
      while (done < into.length) {
        const n = readSync(file.fd, into, done, into.length - done, done);
        if (n === 0) return { code: ErrorCode.FILE_CHANGED, message: 'read failed: the file shrank while it was being sent' };
        done += n;
      }
      if (!sameVersion(file.stat, fstatSync(file.fd))) return { code: ErrorCode.FILE_CHANGED, message: 'the file changed while it was being sent' };
      return undefined;
    } catch (err) {
      return { code: ErrorCode.READ_FAILED, message: `read failed: ${(err as Error).message}` };
    } finally {
      closeQuietly(file.fd);
      this.watch.took(file.openMs + performance.now() - started);
    }
  }

  /** A file from openSmall() that will not be read after all. */
  dropSmall(file: OpenedSmallFile): void {
    closeQuietly(file.fd);
  }

  /** `ahead`: started before its turn (by fill), rather than for take(). */
  private async start(index: number, ahead = false): Promise<PreparedFile> {
    const req = this.files.at(index)!;
    const sync = this.watch.sync;
    const started = performance.now();
    let opened: OpenedForSending;
    if (sync) {
      const { fd, stat, absPath } = this.share.openFileSync(req.path, this.checked);
      opened = { handle: new DescriptorFile(fd), stat, absPath };
    } else {
      opened = await this.share.openFile(req.path);
    }
    return this.prepare(req, opened, sync, started, ahead, index);
  }

  /** An opened file made ready to send: its reader at the request's offset, a small one read already. */
  private prepare(req: FileRequest, opened: OpenedForSending, sync: boolean, started: number, ahead: boolean, index: number): PreparedFile {
    const size = opened.stat.size;
    const reader = new ChunkReader(opened.handle, Math.min(req.offset, size), size);
    const prepared: PreparedFile = { opened, reader };
    if (this.closed) {
      release(prepared);
      return prepared;
    }
    if (size - req.offset > SMALL_READ_BYTES) {
      if (sync) this.watch.timed(started);
      // Not read ahead: the window waits here until this file is being sent.
      if (ahead) this.blockedAt = index;
      return prepared;
    }
    const read = reader.prime(sync);
    if (sync) this.watch.timed(started);
    if (req.offset <= size) {
      prepared.statAfterRead = read.then(() => opened.handle.stat());
      prepared.statAfterRead.catch(() => undefined);
    }
    return prepared;
  }
}

function release(prepared: PreparedFile): void {
  prepared.reader.close();
  void prepared.opened.handle.close().catch(() => undefined);
}
