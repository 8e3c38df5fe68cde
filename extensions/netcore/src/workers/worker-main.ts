// The worker side of the pool. In the bundle, main.ts calls runWorker() when it is not
// the main thread; from sources, pool.ts loads this file directly.
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isMainThread, parentPort } from 'node:worker_threads';
import { DISK_WRITE_PIECE_BYTES, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, fromFsError, PssError } from '../errors';
import { buildLogWorkbookFromJson } from '../logs/xlsx-workbook';
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
      done += writeSync(target.fd, data, done, Math.min(DISK_WRITE_PIECE_BYTES, data.length - done), target.position + done);
    }
  } catch (err) {
    throw fromFsError(err, `cannot write ${target.path}`, ErrorCode.WRITE_FAILED);
  }
}

const streams = new Map<number, Hash>();

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function handle(task: WorkerTask): Promise<void> {
  try {
    switch (task.kind) {
      case 'hash-file':
        return reply({ id: task.id, ok: true, value: await hashFile(task.path, task.start, task.end) });
      case 'stream-update': {
        if (task.write) writeBlock(task.write, task.data);
        let hash = streams.get(task.stream);
        if (!hash) streams.set(task.stream, (hash = createHash('sha256')));
        hash.update(task.data);
        return reply({ id: task.id, ok: true, value: task.data }, [task.data.buffer as ArrayBuffer]);
      }
      case 'stream-digest': {
        const hash = streams.get(task.stream) ?? createHash('sha256');
        streams.delete(task.stream);
        return reply({ id: task.id, ok: true, value: hash.digest('hex') });
      }
      case 'stream-drop':
        streams.delete(task.stream);
        return reply({ id: task.id, ok: true, value: null });
      case 'build-log-workbook':
        return replyWorkbook(task.id, task.rows);
    }
  } catch (err) {
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
