// The server log on disk: one JSON object per line in `server.log`, rotated by size into
// server.log.1 (newest) … server.log.N. Appends are queued and written by one loop, in
// order, in batches, so logging never waits on the disk and a burst costs a few writes.
// The first write error (disk full, a file where the folder should be, …) stops the file
// for good and is reported once: the server goes on, and its log stays in memory.
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, fromFsError, PssError } from '../errors';
import { LOG_DIR_MODE, LOG_FILE_KEEP, LOG_FILE_MAX_BYTES, LOG_FILE_MODE, LOG_FILE_NAME, LOG_WRITE_BATCH_BYTES } from './log-limits';

export interface LogFileOptions {
  /** The file is rotated before a write would take it past this size. */
  maxFileBytes?: number;
  /** Rotated files kept; 0 keeps none. */
  keepFiles?: number;
  /** Called at most once, with the error that stopped the file. */
  onError?: (err: PssError) => void;
}

export class LogFile {
  /** The current file; rotated ones are `${path}.1` … */
  readonly path: string;
  private readonly maxFileBytes: number;
  private readonly keepFiles: number;
  private readonly onError: ((err: PssError) => void) | undefined;
  private queue: string[] = [];
  private handle: FileHandle | undefined;
  private size = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    options: LogFileOptions = {},
  ) {
    this.path = join(dir, LOG_FILE_NAME);
    this.maxFileBytes = options.maxFileBytes ?? LOG_FILE_MAX_BYTES;
    this.keepFiles = options.keepFiles ?? LOG_FILE_KEEP;
    this.onError = options.onError;
    if (!Number.isSafeInteger(this.maxFileBytes) || this.maxFileBytes < 1) {
      throw new PssError(ErrorCode.BAD_ARGUMENT, `maxFileBytes must be a positive integer, not ${this.maxFileBytes}`);
    }
    if (!Number.isSafeInteger(this.keepFiles) || this.keepFiles < 0) {
      throw new PssError(ErrorCode.BAD_ARGUMENT, `keepFiles must be a non-negative integer, not ${this.keepFiles}`);
    }
  }

  /** Queues one line (without its line end). Ignored once the file is stopped or closed. */
  append(line: string): void {
    if (this.stopped || this.closing) return;
    this.queue.push(line);
    this.running ??= this.drain();
  }

  /** Resolves when every line appended so far is written, or given up on. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Idempotent: writes what is queued, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      const handle = this.handle;
      this.handle = undefined;
      await handle?.close().catch(() => undefined);
    })();
    return this.closing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the rest of this turn's entries join the first write.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queue.length > 0 && !this.stopped) await this.writeBatch();
    } catch (err) {
      await this.stop(err);
    } finally {
      this.running = undefined;
    }
  }

  /**
   * Writes the oldest queued lines: as many as fit in the current file (rotating first
   * when not even the next one does), up to a batch's size. A file therefore passes its
   * size limit only when a single line is larger than the limit.
   */
  private async writeBatch(): Promise<void> {
    if (!this.handle) await this.openFile();
    const firstBytes = Buffer.byteLength(this.queue[0]!) + 1;
    if (this.size > 0 && this.size + firstBytes > this.maxFileBytes) await this.rotate();
    const limit = Math.min(LOG_WRITE_BATCH_BYTES, this.maxFileBytes - this.size);
    let bytes = firstBytes;
    let n = 1;
    for (; n < this.queue.length; n++) {
      const next = Buffer.byteLength(this.queue[n]!) + 1;
      if (bytes + next > limit) break;
      bytes += next;
    }
    await this.handle!.appendFile(this.queue.splice(0, n).join('\n') + '\n', 'utf8');
    this.size += bytes;
  }

  private async openFile(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: LOG_DIR_MODE });
    this.handle = await open(this.path, 'a', LOG_FILE_MODE);
    this.size = (await this.handle.stat()).size;
  }

  private async rotate(): Promise<void> {
    const handle = this.handle!;
    this.handle = undefined;
    await handle.close();
    if (this.keepFiles <= 0) {
      await rm(this.path, { force: true });
    } else {
      // Renaming onto the oldest kept file replaces it, so no more than keepFiles remain.
      for (let i = this.keepFiles - 1; i >= 1; i--) await renameIfPresent(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      await rename(this.path, `${this.path}.1`);
    }
    await this.openFile();
  }

  private async stop(err: unknown): Promise<void> {
    this.stopped = true;
    this.queue = [];
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    try {
      this.onError?.(fromFsError(err, `writing the log file ${this.path}`, ErrorCode.WRITE_FAILED));
    } catch {
      // A failing reporter must not turn a lost log file into a crashed server.
    }
  }
}

async function renameIfPresent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
