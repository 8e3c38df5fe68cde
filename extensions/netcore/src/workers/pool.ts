// A small worker_threads pool for CPU work that is not on the streaming path (DESIGN §3):
// hashing whole files for the server's hash cache and re-hashing a .part prefix on resume.
// Workers start from the same bundle as the main thread (DESIGN §5).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HASH_WORKERS_MAX } from '../constants';
import { deserializeError, ErrorCode, PssError } from '../errors';
import type { WorkerReply, WorkerTask } from './tasks';

declare const __PSS_BUNDLED__: boolean | undefined;

interface Job {
  task: WorkerTask;
  resolve: (value: string) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

function spawn(): Worker {
  if (typeof __PSS_BUNDLED__ !== 'undefined' && __PSS_BUNDLED__) return new Worker(__filename);
  // Running from TypeScript sources (tests): load the worker entry through tsx.
  const entry = join(__dirname, 'worker-main.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private closed = false;

  constructor(size = Math.min(HASH_WORKERS_MAX, Math.max(1, availableParallelism() - 1))) {
    this.size = size;
  }

  /** SHA-256 (hex) of bytes [start, end) of a file; the whole file by default. */
  hashFile(path: string, start = 0, end?: number): Promise<string> {
    const task: WorkerTask = { kind: 'hash-file', path, start };
    if (end !== undefined) task.end = end;
    return this.run(task);
  }

  /** Idempotent: rejects queued jobs and stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed');
    for (const job of this.queue.splice(0)) job.reject(err);
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.job?.reject(err);
        slot.job = undefined;
        await slot.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  private run(task: WorkerTask): Promise<string> {
    if (this.closed) return Promise.reject(new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.addSlot();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.task);
    }
  }

  private addSlot(): Slot {
    const slot: Slot = { worker: spawn(), job: undefined };
    slot.worker.unref();
    slot.worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        if (reply.ok) job.resolve(reply.value);
        else job.reject(deserializeError(reply.error));
      }
      this.pump();
    });
    const fail = (err: Error) => {
      const idx = this.slots.indexOf(slot);
      if (idx >= 0) this.slots.splice(idx, 1);
      slot.job?.reject(new PssError(ErrorCode.INTERNAL, `worker failed: ${err.message}`));
      slot.job = undefined;
      if (!this.closed) this.pump();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }
}
