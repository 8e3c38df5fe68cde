// The worker side of the pool. In the bundle, main.ts calls runWorker() when it is not
// the main thread; from sources, pool.ts loads this file directly.
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isMainThread, parentPort } from 'node:worker_threads';
import { DISK_WRITE_PIECE_BYTES, READ_CHUNK_BYTES, WORKER_SHARED_COLLECT_MS } from '../constants';
import { ErrorCode, fromFsError, PssError } from '../errors';
import { buildLogWorkbookFromJson } from '../logs/xlsx-workbook';
import { collectGarbage } from './full-collection';
import { commitInThisThread } from './small-file-committer';
import type { BlockTarget, WorkerReply, WorkerTask } from './tasks';

async function hashFile(path: string, start: number, end: number | undefined): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stop = end ?? (await handle.stat()).size;
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let pos = start;
    while (pos < stop) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, stop - pos), pos);
      if (bytesRead === 0) throw new PssError(ErrorCode.FILE_CHANGED, `${path} is shorter than expected`);
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** Writes all of `data` at the target's position, in pieces (see DISK_WRITE_PIECE_BYTES). */
function writeBlock(target: BlockTarget, data: Uint8Array): void {
  try {
    let done = 0;
    while (done < data.length) {
      const n = writeSync(target.fd, data, done, Math.min(DISK_WRITE_PIECE_BYTES, data.length - done), target.position + done);
      if (n === 0) throw new PssError(ErrorCode.WRITE_FAILED, `cannot write ${target.path}: nothing was written`);
      done += n;
    }
  } catch (err) {
    throw fromFsError(err, `cannot write ${target.path}`, ErrorCode.WRITE_FAILED);
  }
}

interface Stream {
  hash: Hash;
  /**
   * Set by the first failed write. Later blocks (already queued behind it) are refused
   * unwritten, so the file stays a clean prefix that a retry can resume from.
   */
  writeFailed?: PssError;
}

const streams = new Map<number, Stream>();

function streamFor(id: number): Stream {
  let stream = streams.get(id);
  if (!stream) streams.set(id, (stream = { hash: createHash('sha256') }));
  return stream;
}

/**
 * A view of a shared slab keeps the slab alive until this thread's garbage collector drops
 * the view, and a worker allocates too little to collect on its own: once it has been idle
 * for a moment after reading shared memory, it collects, so a slab the server let go is
 * given back to the system (transport/slab-pool.ts).
 */
let sharedTimer: NodeJS.Timeout | undefined;
function heldShared(): void {
  clearTimeout(sharedTimer);
  sharedTimer = setTimeout(collectGarbage, WORKER_SHARED_COLLECT_MS);
  sharedTimer.unref();
}

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function handle(task: WorkerTask): Promise<void> {
  try {
    switch (task.kind) {
      case 'hash-file':
        return reply({ id: task.id, ok: true, value: await hashFile(task.path, task.start, task.end) });
      case 'stream-update': {
        const stream = streamFor(task.stream);
        if (task.write) {
          if (stream.writeFailed) throw stream.writeFailed;
          try {
            writeBlock(task.write, task.data);
          } catch (err) {
            stream.writeFailed = err as PssError;
            throw err;
          }
        }
        stream.hash.update(task.data);
        // Shared memory never moved: the sender still holds it, so nothing goes back.
        if (task.data.buffer instanceof SharedArrayBuffer) {
          heldShared();
          return reply({ id: task.id, ok: true, value: null });
        }
        return reply({ id: task.id, ok: true, value: task.data }, [task.data.buffer as ArrayBuffer]);
      }
      case 'stream-digest': {
        const hash = streamFor(task.stream).hash;
        streams.delete(task.stream);
        return reply({ id: task.id, ok: true, value: hash.digest('hex') });
      }
      case 'stream-drop':
        streams.delete(task.stream);
        return reply({ id: task.id, ok: true, value: null });
      case 'build-log-workbook':
        return replyWorkbook(task.id, task.rows);
      case 'small-commit':
        return commitInThisThread(task.files, task.finishing === true, (news, transfer) => reply(news, transfer));
    }
  } catch (err) {
    // Write failures arrive here as WRITE_FAILED or DISK_FULL already; the rest are reads.
    reply({ id: task.id, ok: false, error: fromFsError(err, 'hashing failed', ErrorCode.READ_FAILED).toJSON() });
  }
}

function replyWorkbook(id: number, rows: Uint8Array): void {
  let file: Uint8Array;
  try {
    file = buildLogWorkbookFromJson(rows);
  } catch (err) {
    const message = `building the log workbook failed: ${(err as Error)?.message ?? String(err)}`;
    return reply({ id, ok: false, error: new PssError(ErrorCode.INTERNAL, message).toJSON() });
  }
  reply({ id, ok: true, value: file }, [file.buffer as ArrayBuffer]);
}

export function runWorker(): void {
  parentPort!.on('message', (task: WorkerTask) => void handle(task));
}

if (!isMainThread && typeof __PSS_BUNDLED__ === 'undefined') runWorker();

declare const __PSS_BUNDLED__: boolean | undefined;
