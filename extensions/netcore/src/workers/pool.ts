// A small worker_threads pool for hashing that should not load the event loop
// (DESIGN §3): whole files (the server's hash cache, a resumed .part) and streams of
// 1 MiB blocks that are being sent or written; a download's blocks are also written to
// its .part file there. Workers start from the same bundle as the main thread (DESIGN §5).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HASH_WORKERS_MAX, READ_CHUNK_BYTES } from '../constants';
import { deserializeError, ErrorCode, PssError, type SerializedError } from '../errors';
import { bundleSource } from '../single-executable';
import type { SmallFile, SmallFileCommitter } from './batch-commit';
import { type CommitFile, PooledCommitter, type SmallFilesTold } from './small-file-committer';
import type { BlockDigest, BlockTarget, WorkerReply, WorkerTask, WorkerValue } from './tasks';
import { workerStarted } from './young-generation';

declare const __PSS_BUNDLED__: boolean | undefined;

type TaskBody = WorkerTask extends infer T ? (T extends WorkerTask ? Omit<T, 'id'> : never) : never;

interface Pending {
  resolve(value: WorkerValue): void;
  reject(err: Error): void;
  /** A small file handed to the worker's committer: told once its bytes have left memory. */
  written?(): void;
}

/** A small file handed to a worker, by its place among those handed over with it: one object, no closures. */
class PendingSmallFile implements Pending {
  constructor(
    private readonly told: SmallFilesTold,
    private readonly index: number,
  ) {}

  resolve(): void {
    this.told.settled(this.index, undefined);
  }

  reject(err: Error): void {
    this.told.settled(this.index, err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, err.message));
  }

  written(): void {
    this.told.written(this.index);
  }
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** False for a worker started by warmUp() until its first task. */
  used: boolean;
}

function spawn(): Worker {
  if (typeof __PSS_BUNDLED__ !== 'undefined' && __PSS_BUNDLED__) {
    // A single executable has no bundle file to load: its workers run the bundle's source,
    // which the executable carries (single-executable.ts).
    const source = bundleSource();
    return source === undefined ? new Worker(__filename) : new Worker(source, { eval: true });
  }
  // Running from TypeScript sources (tests): load the worker entry through tsx.
  const entry = join(__dirname, 'worker-main.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
}

/** A SHA-256 computed in a worker from blocks handed over in order. */
export class HashStream implements BlockDigest {
  private dropped = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly slot: Slot,
    private readonly stream: number,
  ) {}

  /**
   * The view's memory moves to the worker (no copy) and comes back: the result is a view
   * of the same bytes, which the caller may reuse. The caller must not touch `view` (or
   * anything sharing its memory) until then. A view of a SharedArrayBuffer does not move;
   * the worker reads it in place and the result is `view` itself.
   */
  update(view: Uint8Array): Promise<Uint8Array> {
    return this.send(view, undefined);
  }

  /**
   * update(), with the worker writing the bytes to `target` first (one hand-over for both).
   * Once a write fails, the stream's later writes are refused without touching the file.
   * The write blocks that worker: its other tasks wait for a slow disk.
   */
  writeThenUpdate(target: BlockTarget, view: Uint8Array): Promise<Uint8Array> {
    return this.send(view, target);
  }

  async digest(): Promise<string> {
    this.dropped = true;
    return (await this.pool.call(this.slot, { kind: 'stream-digest', stream: this.stream })) as string;
  }

  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    this.pool.call(this.slot, { kind: 'stream-drop', stream: this.stream }).catch(() => undefined);
  }

  private async send(view: Uint8Array, write: BlockTarget | undefined): Promise<Uint8Array> {
    const task = { kind: 'stream-update' as const, stream: this.stream, data: view, ...(write && { write }) };
    // Shared memory is read by the worker where it is: nothing moves, the view stays ours.
    if (view.buffer instanceof SharedArrayBuffer) {
      await this.pool.call(this.slot, task);
      return view;
    }
    return (await this.pool.call(this.slot, task, [view.buffer as ArrayBuffer])) as Uint8Array;
  }
}

/** Pack buffers kept for reuse: enough for the packs that arrive while others are written. */
const SPARE_PACK_BUFFERS = 16;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly size: number;
  private nextId = 1;
  private closed = false;
  /** Pack buffers given back by the workers (packBuffer). */
  private readonly spareBuffers: ArrayBuffer[] = [];
  /** Buffers from packBuffer(): they move to a worker whole, and it gives them back. */
  private readonly returnable = new WeakSet<ArrayBufferLike>();

  constructor(size = Math.min(HASH_WORKERS_MAX, Math.max(1, availableParallelism() - 1))) {
    this.size = size;
  }

  /**
   * Starts a worker now rather than at the first task, so its start-up (loading the bundle,
   * 0.1-0.2 s of one core) runs while the caller connects instead of while data waits.
   */
  warmUp(): void {
    if (!this.closed && this.slots.length === 0) this.addSlot(false);
  }

  /** SHA-256 (hex) of bytes [start, end) of a file; the whole file by default. */
  async hashFile(path: string, start = 0, end?: number): Promise<string> {
    const task: TaskBody = end === undefined ? { kind: 'hash-file', path, start } : { kind: 'hash-file', path, start, end };
    return (await this.call(this.pick(), task)) as string;
  }

  /** A digest fed block by block; all of a stream's blocks go to one worker, in order. */
  openHashStream(): HashStream {
    return new HashStream(this, this.pick(), this.nextId++);
  }

  /** The .xlsx file of a log export, built in a worker from JSON rows (logs/xlsx-workbook.ts); `rows` is handed over. */
  async buildLogWorkbook(rows: Uint8Array): Promise<Uint8Array> {
    return (await this.call(this.pick(), { kind: 'build-log-workbook', rows }, [rows.buffer as ArrayBuffer])) as Uint8Array;
  }

  /**
   * Memory for a pack of small files (client/incoming-pack.ts): `size` bytes at the start of
   * a 1 MiB buffer that moves to the worker with the pack's files and comes back once they
   * are written. Fresh memory costs the kernel a page fault for every 4 KiB first written:
   * copying packs into new buffers took 91 ms of a 10,000-file download against 12 ms
   * into memory used before.
   */
  packBuffer(size: number): Buffer {
    const buffer = this.spareBuffers.pop() ?? new ArrayBuffer(READ_CHUNK_BYTES);
    this.returnable.add(buffer);
    return Buffer.from(buffer, 0, size);
  }

  /**
   * A committer for a download's small files whose batch pipeline runs in a worker
   * (small-file-committer.ts). All its files go to one worker, so they share its batches.
   */
  smallFileCommitter(): SmallFileCommitter {
    let slot: Slot | undefined;
    return new PooledCommitter((files, told, finishing) => {
      // A worker that failed has left the pool; later files go to another.
      if (!slot || !this.slots.includes(slot)) slot = this.pick();
      this.commitSmallFiles(slot, files, told, finishing);
    });
  }

  /**
   * Hands files to a worker's committer. Their bytes are handed over when they are the whole
   * of their buffer and copied otherwise; either way the caller must not use them afterwards.
   */
  private commitSmallFiles(slot: Slot, files: SmallFile[], told: SmallFilesTold, finishing: boolean): void {
    if (this.closed) throw new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed');
    // A buffer moves when these files' bytes are all of it: a file's own buffer, or a whole
    // pack's (client/incoming-pack.ts), whose files do not overlap.
    const covered = new Map<ArrayBufferLike, number>();
    for (const { bytes } of files) covered.set(bytes.buffer, (covered.get(bytes.buffer) ?? 0) + bytes.byteLength);
    const transfer: ArrayBuffer[] = [];
    for (const [buffer, bytes] of covered) {
      if (buffer instanceof SharedArrayBuffer) continue;
      if (bytes === buffer.byteLength || this.returnable.has(buffer)) transfer.push(buffer);
    }
    const sent: CommitFile[] = [];
    if (slot.pending.size === 0) slot.worker.ref();
    files.forEach((file, i) => {
      const id = this.nextId++;
      // Built field by field: a rest-and-spread copy of each file cost 6 µs a file.
      const out: CommitFile = { id, part: file.part, target: file.target, bytes: file.bytes, mtimeMs: file.mtimeMs };
      if (file.staleMeta !== undefined) out.staleMeta = file.staleMeta;
      if (this.returnable.has(file.bytes.buffer)) out.giveBack = true;
      sent.push(out);
      slot.pending.set(id, new PendingSmallFile(told, i));
    });
    const task: WorkerTask = { kind: 'small-commit', id: 0, files: sent };
    if (finishing) task.finishing = true;
    try {
      slot.worker.postMessage(task, transfer);
    } catch (err) {
      // Nothing reached the worker: the caller settles these files, so nobody else may.
      for (const f of sent) slot.pending.delete(f.id);
      if (slot.pending.size === 0 && !this.closed) slot.worker.unref();
      throw err;
    }
  }

  /**
   * Idempotent: stops the workers, then rejects what was pending. In that order, a file a
   * worker was writing is closed by its owner only once the worker can no longer write.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed');
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        // Held until it has ended (an idle worker is unref'd), or the process could exit
        // with terminate() never settling.
        slot.worker.ref();
        await slot.worker.terminate();
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
      }),
    );
  }

  /** @internal Sends one task to a worker. */
  call(slot: Slot, body: TaskBody, transfer: ArrayBuffer[] = []): Promise<WorkerValue> {
    if (this.closed) return Promise.reject(new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // A worker with work keeps the process alive; an idle one does not.
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...body, id } as WorkerTask, transfer);
    });
  }

  /** A worker started ahead and not used yet, else a new one while under the size, else the least busy one. */
  private pick(): Slot {
    if (this.closed) throw new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed');
    const ahead = this.slots.find((s) => !s.used);
    if (ahead) {
      ahead.used = true;
      return ahead;
    }
    if (this.slots.length < this.size) return this.addSlot(true);
    return this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private addSlot(used: boolean): Slot {
    const slot: Slot = { worker: spawn(), pending: new Map(), used };
    slot.worker.unref();
    slot.worker.once('online', () => {
      workerStarted();
      // A worker unref'd before it came online is held again as it starts: idle, it must not keep the process alive.
      if (slot.pending.size === 0 && !this.closed) slot.worker.unref();
    });
    const settle = (id: number, value: WorkerValue, error: SerializedError | undefined) => {
      const p = slot.pending.get(id);
      if (!p) return;
      slot.pending.delete(id);
      // While closing, the worker stays held: see close().
      if (slot.pending.size === 0 && !this.closed) slot.worker.unref();
      if (error) p.reject(deserializeError(error));
      else p.resolve(value);
    };
    slot.worker.on('message', (reply: WorkerReply) => {
      if ('kind' in reply) {
        for (const buffer of reply.givenBack) if (this.spareBuffers.length < SPARE_PACK_BUFFERS) this.spareBuffers.push(buffer);
        // Told at most once per file: the committer's release of its bytes is idempotent too.
        for (const id of reply.written) slot.pending.get(id)?.written?.();
        for (const s of reply.settled) settle(s.id, null, s.error);
      } else if (reply.ok) settle(reply.id, reply.value, undefined);
      else settle(reply.id, null, reply.error);
    });
    const fail = (err: Error) => {
      const idx = this.slots.indexOf(slot);
      if (idx >= 0) this.slots.splice(idx, 1);
      for (const p of slot.pending.values()) p.reject(new PssError(ErrorCode.INTERNAL, `hash worker failed: ${err.message}`));
      slot.pending.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }
}

/**
 * Builds each log workbook in a one-worker pool started for it and stopped after it: the
 * hash workers stay free and the workbook's memory goes back.
 */
export const workbookInOwnWorker = {
  async buildLogWorkbook(rows: Uint8Array): Promise<Uint8Array> {
    const own = new WorkerPool(1);
    try {
      return await own.buildLogWorkbook(rows);
    } finally {
      await own.close();
    }
  },
};
