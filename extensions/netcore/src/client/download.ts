// Downloads a selection into a destination (DESIGN §3): every name is re-validated and
// resolved inside the destination, data goes to `name.part`, and a file is renamed into
// place only after its size and SHA-256 match what the server sent. Where each file goes
// and where it resumes is decided first, by download-plan.ts.
import { basename } from 'node:path';
import {
  CLIENT_BUSY_ATTEMPTS,
  CLIENT_BUSY_WAIT_MS,
  FIRST_REQUEST_FILES,
  MAX_CONTROL_PAYLOAD_BYTES,
  MAX_FILES_PER_REQUEST,
  PROGRESS_TICK_MS,
} from '../constants';
import { deserializeError, ErrorCode, fromFsError, PssError } from '../errors';
import type { ServerMessage } from '../protocol/messages';
import { digestFor } from '../workers/digest';
import type { BlockDigest } from '../workers/tasks';
import type { ServerConnection } from './connection';
import { discardPart, finishPart, partPath, writePartMeta } from './part-files';
import { ProgressTally } from './progress';
import { RequestsInFlight } from './requests-in-flight';
import { FileSink, type Sink } from './file-sink';
import { StreamSink } from './stream-sink';
import type { SmallFileCommitter } from '../workers/batch-commit';
import { SmallFiles } from './small-files';
import { IncomingPack } from './incoming-pack';
import { MemorySink, SMALL_FILE_MAX_BYTES } from './memory-sink';

import { DownloadPlanner, fileRequestOf, PlannedFiles, type FileOutcome, type PlanFeed, type PlannedItem } from './download-plan';

import type { DownloadOptions, DownloadResult } from './download-options';

export type { DownloadOptions, DownloadResult, FileOutcome };

interface Current {
  item: PlannedItem;
  begin: Extract<ServerMessage, { type: 'FILE_BEGIN' }>;
  sink: Sink;
  /** Set for a whole-file transfer; a resume re-reads the file at the end instead. */
  digest: BlockDigest | undefined;
  received: number;
}

/** A request's list stays well inside a control frame, however long its paths (requestEntryBytes). */
const REQUEST_MAX_BYTES = (MAX_CONTROL_PAYLOAD_BYTES * 3) / 4;

export class Download {
  private readonly outcomes = new Map<string, FileOutcome>();
  private readonly items = new Map<string, PlannedItem>();
  /** Wire path → local path, for the files saved under a mapped name. */
  private savedAs = new Map<string, string>();
  private readonly finalizers: Promise<void>[] = [];
  /** Small files are checked, made durable and renamed in batches, in a pool worker. */
  private readonly committer: SmallFileCommitter;
  private readonly small: SmallFiles;
  private current: Current | undefined;
  /** A pack whose bytes are arriving (§6.4). */
  private pack: IncomingPack | undefined;
  /** Files asked for that have not begun (FILE_BEGIN, a pack or FILE_ERROR): each may begin once. */
  private readonly asked = new Set<string>();
  private cancelled = false;
  private fatal: PssError | undefined;
  private readonly inFlight = new RequestsInFlight();
  /** Files decided and not asked for yet. */
  private readonly planned = new PlannedFiles();
  private readonly tally: ProgressTally;
  private live: ServerConnection;

  constructor(private readonly options: DownloadOptions) {
    this.live = options.connection;
    this.committer = options.pool.smallFileCommitter();
    this.small = new SmallFiles(
      this.committer,
      (outcome) => this.record(outcome),
      (err) => this.onSinkError(err),
    );
    this.tally = new ProgressTally(options.entries.length, options.onProgress);
  }

  /** The connection in use: `options.connection`, or the last one `reconnect` made. */
  get connection(): ServerConnection {
    return this.live;
  }

  async run(): Promise<DownloadResult> {
    const started = Date.now();
    const { signal } = this.options;
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort);
    let ticker: NodeJS.Timeout | undefined;
    let planning: Promise<void> | undefined;
    let ended = false;
    try {
      const planner = await DownloadPlanner.start(this.options);
      this.tally.totalBytes = planner.totalBytes;
      this.savedAs = planner.savedAs;
      // Progress is reported as bytes arrive; while none do (a paused server, a slow disk),
      // the ticker keeps reporting, so the speed falls to 0 and the ETA becomes unknown.
      if (this.options.onProgress) ticker = setInterval(() => this.emitProgress(false), PROGRESS_TICK_MS).unref();
      this.attach(this.live);
      // Files are asked for as they are decided: a small first request goes out at once,
      // and the later ones are decided while the one before them runs.
      const planned = this.planned;
      // Stopped only once the download is over: a request refused BUSY is asked again
      // after a while (ask()), and the files after it are still wanted.
      planning = planner.run(this.planFeed(), () => ended || this.cancelled).finally(() => planned.end());
      // Its failure (a listener that threw) is rethrown below; until then it is not unhandled.
      planning.catch(() => undefined);
      let running: Promise<void> | undefined;
      for (let first = true; ; first = false) {
        // A server that queues requests takes the next one while this one runs, once this
        // one has begun to answer: a refusal (BUSY) comes before any answer. Otherwise, and
        // while a refusal is being asked again (ask()), each request waits for the one before.
        if (running && this.live.queuesRequests && !this.fatal) await Promise.race([running, this.inFlight.untilAnswered()]);
        if (running && (this.fatal || !(this.live.queuesRequests && this.inFlight.answered))) {
          await running;
          running = undefined;
        }
        if (this.cancelled || this.fatal) break;
        const size = first ? FIRST_REQUEST_FILES : MAX_FILES_PER_REQUEST;
        const batch = await planned.take(size, () => this.cancelled || this.fatal !== undefined, REQUEST_MAX_BYTES);
        if (batch.length === 0 || this.cancelled || this.fatal) break;
        const next = this.ask(batch, planned.drained);
        // Its failure is seen where it is awaited; until then it is not unhandled.
        next.catch(() => undefined);
        if (running) await running;
        running = next;
      }
      await running;
      // The loop ends once every file decided was asked for, or once the download failed.
      ended = true;
      await planning;
      // A request that turned out to be the last (the planner ended while it ran) leaves no small file waiting for company.
      this.committer.finishing();
      await Promise.all(this.finalizers);
      await this.small.settled();
    } finally {
      // A download that ended early stops its planner, which is let finish before anything is returned.
      ended = true;
      await planning?.catch(() => undefined);
      clearInterval(ticker);
      signal?.removeEventListener('abort', onAbort);
      this.live.release();
    }
    // Files not settled: asked for and not received, or not even decided when the download ended.
    for (const entry of this.options.entries) {
      if (this.outcomes.has(entry.path)) continue;
      const err = this.fatal ?? new PssError(ErrorCode.CONNECTION_LOST, this.cancelled ? 'cancelled' : 'not received');
      this.record({ path: entry.path, status: 'failed', code: err.code, message: this.cancelled && !this.fatal ? 'cancelled' : err.message, bytes: 0 });
    }
    this.emitProgress(true);
    const files = this.options.entries.map((e) => this.outcomes.get(e.path)!);
    return {
      ok: files.every((f) => f.status !== 'failed'),
      files,
      bytes: this.tally.receivedBytes,
      durationMs: Date.now() - started,
      cancelled: this.cancelled,
    };
  }

  /** Where the planner hands each file: into `planned` to be asked for, or settled at once. */
  private planFeed(): PlanFeed {
    return {
      pending: (item) => {
        this.items.set(item.entry.path, item);
        this.tally.doneBytes += item.offset;
        this.planned.push(item);
      },
      settled: (outcome, size) => {
        if (outcome.status === 'skipped') this.tally.doneBytes += size;
        this.record(outcome);
      },
    };
  }

  /**
   * Asks for `batch` and waits for the request's end. A request the server refused BUSY
   * before any of it was sent is asked again whole, on a new connection. `last`: it holds
   * the last files decided, so its end hurries the last small files to the disk.
   */
  private async ask(batch: readonly PlannedItem[], last: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const connection = this.live;
      const done = this.inFlight.add(last);
      for (const it of batch) this.asked.add(it.entry.path);
      // Small files may come in packs (§6.4), except to a stream, which takes one file.
      connection.send({ type: 'DOWNLOAD_FILES', files: batch.map(fileRequestOf), ...(this.options.output ? {} : { packs: true }) });
      const refused = await done.then(
        () => undefined,
        (err: PssError) => err,
      );
      if (!refused || !this.mayAskAgain(refused, batch, attempt)) return;
      connection.release();
      connection.destroy();
      await new Promise((r) => setTimeout(r, Math.min(refused.retryAfterMs ?? CLIENT_BUSY_WAIT_MS, CLIENT_BUSY_WAIT_MS) * attempt));
      if (this.cancelled) return;
      try {
        this.live = await this.options.reconnect!();
      } catch (err) {
        this.fatal = err as PssError;
        return;
      }
      this.fatal = undefined;
      this.attach(this.live);
    }
  }

  private attach(connection: ServerConnection): void {
    connection.attach({
      control: (m) => this.onControl(m),
      data: (bytes, end) => this.onData(bytes, end),
      closed: (err) => this.onClosed(err),
    });
  }

  /** A request answered BUSY before any of its files began may be asked again. */
  private mayAskAgain(err: PssError, batch: readonly PlannedItem[], attempt: number): boolean {
    if (err.code !== ErrorCode.BUSY || !this.options.reconnect || this.cancelled || attempt >= CLIENT_BUSY_ATTEMPTS) return false;
    return batch.every((it) => this.asked.has(it.entry.path));
  }

  /** Asks the server to stop after the current piece; finished files stay finished. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.planned.nudge();
    if (!this.connection.closed) this.connection.send({ type: 'CANCEL' });
  }

  private onControl(m: ServerMessage): void {
    if (m.type === 'FILE_BEGIN' || m.type === 'FILES_PACKED' || m.type === 'FILE_ERROR') this.inFlight.answer();
    switch (m.type) {
      case 'FILE_BEGIN':
        return this.onBegin(m);
      case 'FILE_END':
        return this.onEnd(m);
      case 'FILES_PACKED':
        return this.onPack(m);
      case 'FILE_ERROR':
        return this.onFileError(m);
      case 'DOWNLOAD_DONE': {
        if (this.current || this.pack) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'DOWNLOAD_DONE inside a file');
        if (this.inFlight.pending === 0) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'DOWNLOAD_DONE for no request');
        // The last request's last small files need not wait for more to join their batch.
        if (this.inFlight.done()) this.committer.finishing();
        return;
      }
      case 'ERROR':
        return this.onClosed(deserializeError(m));
      case 'PONG':
        return;
      default:
        throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `${m.type} during a download`);
    }
  }

  /** Whole small files in one DATA frame (§6.4): each must be one asked for from 0, once. */
  private onPack(m: Extract<ServerMessage, { type: 'FILES_PACKED' }>): void {
    if (this.current || this.pack || this.options.output) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'FILES_PACKED was not expected now');
    for (const f of m.files) {
      const item = this.items.get(f.path);
      // Taken off the request as it begins, so a file named twice is refused the second time.
      if (item?.offset !== 0 || !this.asked.delete(f.path)) {
        throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `FILES_PACKED names ${JSON.stringify(f.path)}, which was not expected`);
      }
      this.tally.resized(item.entry.size, f.size);
    }
    this.pack = new IncomingPack(m.files, (size) => this.options.pool.packBuffer(size));
    this.emitProgress(false);
  }

  private onPackData(pack: IncomingPack, bytes: Buffer, frameEnd: boolean): void {
    pack.write(bytes);
    this.tally.arrived(bytes.length);
    if (frameEnd) {
      if (!pack.complete) throw new PssError(ErrorCode.INTEGRITY_FAILED, `the server sent ${pack.received} of the ${pack.total} bytes its packed files have`);
      this.pack = undefined;
      // All of the pack's files go to the committer in this turn, so its buffer moves once.
      pack.files.forEach((f, i) => {
        this.small.commit(this.items.get(f.path)!, pack.bytesOf(i), f.sha256, f.mtimeMs);
      });
    }
    if (this.committer.full) {
      const conn = this.connection;
      conn.pause();
      this.committer.whenRoom(() => conn.resume());
    }
    this.emitProgress(false);
  }

  private onBegin(m: Extract<ServerMessage, { type: 'FILE_BEGIN' }>): void {
    const item = this.items.get(m.path);
    if (this.current || this.pack || !item || !this.asked.delete(m.path)) {
      throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `FILE_BEGIN for ${JSON.stringify(m.path)} was not expected`);
    }
    if (m.offset !== item.offset || m.offset > m.size) {
      throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `FILE_BEGIN for ${m.path} has the wrong offset`);
    }
    // A small whole file stays in memory until it is checked, then goes to disk in a batch.
    const small = !this.options.output && m.offset === 0 && m.size <= SMALL_FILE_MAX_BYTES;
    const digest = m.offset === 0 && !small ? digestFor(this.options.pool, m.size) : undefined;
    const sink = small
      ? new MemorySink(m.size, this.committer)
      : this.options.output
        ? new StreamSink(this.options.output, digest)
        : this.openPart(item, m, digest);
    this.current = { item, begin: m, sink, digest, received: 0 };
    this.tally.resized(item.entry.size, m.size);
    this.emitProgress(false);
  }

  private openPart(item: PlannedItem, m: Extract<ServerMessage, { type: 'FILE_BEGIN' }>, digest: BlockDigest | undefined): FileSink {
    // Record the version this .part belongs to before any byte of it reaches the disk.
    const metaWritten =
      m.offset > 0
        ? Promise.resolve()
        : writePartMeta(item.target, { version: 1, path: m.path, size: m.size, mtimeMs: m.mtimeMs, name: basename(item.target) });
    return new FileSink(partPath(item.target), m.offset, metaWritten, digest, (err) => this.onSinkError(err));
  }

  private onData(bytes: Buffer, frameEnd: boolean): void {
    if (this.pack) return this.onPackData(this.pack, bytes, frameEnd);
    const cur = this.current;
    if (!cur) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'data arrived outside a file');
    if (cur.begin.offset + cur.received + bytes.length > cur.begin.size) {
      throw new PssError(ErrorCode.INTEGRITY_FAILED, `${cur.item.entry.path}: the server sent more bytes than the file has`);
    }
    cur.received += bytes.length;
    this.tally.arrived(bytes.length);
    const conn = this.connection;
    if (!cur.sink.write(bytes, () => conn.resume())) conn.pause();
    this.emitProgress(false);
  }

  private onEnd(m: Extract<ServerMessage, { type: 'FILE_END' }>): void {
    const cur = this.current;
    if (!cur || cur.item.entry.path !== m.path) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'FILE_END does not match FILE_BEGIN');
    this.current = undefined;
    this.finalizers.push(this.finalize(cur, m.sha256));
  }

  private async finalize(cur: Current, expected: string): Promise<void> {
    const { item, begin, sink } = cur;
    const path = item.entry.path;
    const part = partPath(item.target);
    try {
      await sink.finish();
      const length = begin.offset + cur.received;
      if (length !== begin.size) throw new PssError(ErrorCode.INTEGRITY_FAILED, `${path}: got ${length} of ${begin.size} bytes`);
      if (sink instanceof MemorySink) return await new Promise<void>((resolve) => this.small.commit(item, sink.bytes, expected, begin.mtimeMs, resolve));
      // A resumed file's digest covers bytes from an earlier run: re-read them off the event loop.
      const actual = cur.digest ? await cur.digest.digest() : await this.options.pool.hashFile(part);
      if (actual !== expected) {
        if (this.options.output) throw new PssError(ErrorCode.INTEGRITY_FAILED, `${path}: SHA-256 mismatch; discard the output`);
        await discardPart(item.target);
        throw new PssError(ErrorCode.INTEGRITY_FAILED, `${path}: SHA-256 mismatch; the partial copy was discarded`);
      }
      if (this.options.output) {
        this.record({ path, status: 'done', target: '-', bytes: cur.received });
        return;
      }
      await finishPart(item.target, begin.mtimeMs);
      const outcome: FileOutcome = { path, status: 'done', target: item.target, bytes: cur.received };
      if (begin.offset > 0) outcome.resumedFrom = begin.offset;
      this.record(outcome);
    } catch (err) {
      cur.digest?.drop();
      const e = err instanceof PssError ? err : fromFsError(err, `cannot finish ${path}`, ErrorCode.WRITE_FAILED);
      this.record({ path, status: 'failed', code: e.code, message: e.message, bytes: cur.received });
    }
  }

  private onFileError(m: Extract<ServerMessage, { type: 'FILE_ERROR' }>): void {
    const item = this.items.get(m.path);
    const cur = this.current;
    // In place of the file's FILE_BEGIN, or of the FILE_END of the file in flight.
    if (!item || !(this.asked.delete(m.path) || cur?.item === item)) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `FILE_ERROR for a file not requested`);
    if (this.pack) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'FILE_ERROR between FILES_PACKED and its data');
    const code = m.code as ErrorCode;
    const finish = async () => {
      if (cur && cur.item === item) await cur.sink.abort();
      let message = code === ErrorCode.CANCELLED ? 'cancelled; run again to resume' : m.message;
      // The partial copy belongs to a version that no longer exists: keeping it helps no one.
      if (code === ErrorCode.FILE_CHANGED) {
        await discardPart(item.target);
        message += '; the partial copy was discarded, download it again for the new version';
      }
      this.record({ path: m.path, status: 'failed', code, message, bytes: cur?.item === item ? cur.received : 0 });
    };
    if (cur && cur.item === item) this.current = undefined;
    this.finalizers.push(finish());
  }

  private onSinkError(err: PssError): void {
    // A full disk stops the whole download; what reached the disk stays for a resume.
    if (err.code === ErrorCode.DISK_FULL) {
      this.fatal ??= err;
      this.cancel();
    }
  }

  private onClosed(err: PssError): void {
    this.fatal ??= err;
    this.planned.nudge();
    this.committer.finishing();
    const cur = this.current;
    this.current = undefined;
    // A pack cut short: its files are recorded as not received, like the rest.
    this.pack = undefined;
    if (cur) {
      this.finalizers.push(
        cur.sink
          .abort()
          .then(() =>
            this.record({ path: cur.item.entry.path, status: 'failed', code: err.code, message: `${err.message}; run again to resume`, bytes: cur.received }),
          ),
      );
    }
    this.inFlight.fail(err);
  }

  private record(outcome: FileOutcome): void {
    if (this.outcomes.has(outcome.path)) return;
    const savedAs = this.savedAs.get(outcome.path);
    if (savedAs !== undefined) outcome.savedAs = savedAs;
    if (outcome.status === 'failed' && this.fatal?.code === ErrorCode.DISK_FULL && outcome.code !== ErrorCode.DISK_FULL) {
      outcome.code = ErrorCode.DISK_FULL;
      outcome.message = this.fatal.message;
    }
    this.outcomes.set(outcome.path, outcome);
    if (outcome.status !== 'failed') this.tally.filesDone++;
    this.options.onFile?.(outcome);
    this.emitProgress(false);
  }

  private emitProgress(force: boolean): void {
    if (!this.tally.due(force)) return;
    const cur = this.current;
    const packed = this.pack?.currentFile;
    this.tally.report(
      cur
        ? { path: cur.item.entry.path, bytes: cur.begin.offset + cur.received, size: cur.begin.size }
        : packed && { path: packed.path, bytes: packed.size, size: packed.size },
    );
  }
}
