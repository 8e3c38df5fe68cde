// Writing a download to a response: a byte range of a file, or any stream (a ZIP). Both
// respect backpressure (memory does not grow with the file or with a slow reader), stop
// reading and sending while the server is paused, and report every chunk for progress.
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { FRAME_HEADER_BYTES, SEND_PIECE_BYTES } from '../constants';
import { ChunkReader } from '../serving/chunk-reader';
import type { IdleSockets } from './idle-sockets';

export interface WriteControl {
  whenRunning(): Promise<void>;
  isPaused(): boolean;
  /** The idle-connection watch, which a download waiting out a pause is exempt from. */
  idle: IdleSockets;
  onBytes(bytes: number): void;
}

/** Resolves when the response can take more, or when it is gone (then `false`). */
function writable(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

function closed(res: ServerResponse): Promise<undefined> {
  return res.destroyed ? Promise.resolve(undefined) : new Promise((resolve) => res.once('close', () => resolve(undefined)));
}

/** Holds while the server is paused; a paused download must not time out. */
async function holdWhilePaused(res: ServerResponse, control: WriteControl): Promise<void> {
  if (!control.isPaused()) return;
  control.idle.hold(res.socket);
  try {
    await Promise.race([control.whenRunning(), closed(res)]);
  } finally {
    control.idle.release(res.socket);
  }
}

function finish(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    res.once('close', () => resolve(res.writableFinished));
    res.end();
  });
}

/**
 * Sends bytes [start, end) of an open file. Reads run one chunk ahead into reused 1 MiB
 * buffers, each given back once the socket has taken it. Resolves true when every byte
 * went out and the response ended, false when the client went away first.
 */
export async function writeFileRange(res: ServerResponse, handle: FileHandle, start: number, end: number, control: WriteControl): Promise<boolean> {
  const reader = new ChunkReader(handle, start, end);
  const gone = closed(res);
  try {
    for (;;) {
      await holdWhilePaused(res, control);
      if (res.destroyed) return false;
      const next = reader.next();
      const frame = await Promise.race([next, gone]);
      if (frame === undefined) {
        if (res.destroyed) {
          // The client went while the read was on: its frame goes back to the pool when it lands.
          next.then((late) => late && reader.release(late)).catch(() => undefined);
          return false;
        }
        break;
      }
      const payload = frame.subarray(FRAME_HEADER_BYTES);
      // In pieces: the socket encrypts one write at a time, so what TLS holds encrypted for
      // a slow client is one piece, not a whole frame (transport/framed-socket.ts says why).
      let more = true;
      for (let at = 0; at < payload.length; at += SEND_PIECE_BYTES) {
        const stop = Math.min(payload.length, at + SEND_PIECE_BYTES);
        more = res.write(payload.subarray(at, stop), stop === payload.length ? () => reader.release(frame) : undefined);
      }
      control.onBytes(payload.length);
      if (!more && !(await writable(res))) return false;
    }
    return await finish(res);
  } finally {
    reader.close();
  }
}

/** Bytes to send in one turn of the event loop (a ZIP's next batch, zip-stream.ts). */
export interface OutgoingBatch {
  chunks: Buffer[];
  /** Called once the socket has taken every chunk (or is gone): their memory may be reused. */
  sent(): void;
}

/** Resolves in the event loop's next check phase: what this turn wrote has gone to the socket by then. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sends batches from `source` (a ZIP being built). A batch goes out in one turn, in pieces
 * of at most SEND_PIECE_BYTES, so the socket encrypts and writes it at once rather than
 * one small write after another. Once the socket has it, the next batch is made while
 * the kernel drains this one, then waits for the response to have room: the source runs
 * at most one batch ahead of what was sent.
 */
export async function writeBatches(res: ServerResponse, source: AsyncIterable<OutgoingBatch>, control: WriteControl): Promise<boolean> {
  const batches = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<OutgoingBatch>> | undefined = batches.next();
  try {
    for (;;) {
      const next: IteratorResult<OutgoingBatch> = await pending;
      pending = undefined;
      if (next.done) break;
      const batch = next.value;
      await holdWhilePaused(res, control);
      if (res.destroyed) {
        batch.sent();
        return false;
      }
      let bytes = 0;
      const last = batch.chunks.length - 1;
      if (last < 0) batch.sent();
      for (let i = 0; i <= last; i++) {
        const chunk = batch.chunks[i]!;
        for (let at = 0; at < chunk.length; at += SEND_PIECE_BYTES) {
          const stop = Math.min(chunk.length, at + SEND_PIECE_BYTES);
          res.write(chunk.subarray(at, stop), i === last && stop === chunk.length ? () => batch.sent() : undefined);
        }
        bytes += chunk.length;
      }
      control.onBytes(bytes);
      await nextTurn();
      pending = batches.next();
      pending.catch(() => undefined);
      if (res.writableNeedDrain && !(await writable(res))) return false;
    }
  } finally {
    if (pending) {
      // Made but not sent: its memory goes back.
      void pending.then(
        (r) => r.done || r.value.sent(),
        () => undefined,
      );
    }
    // Closes what the source has open (it may still be making the batch above).
    void batches.return?.(undefined)?.catch(() => undefined);
  }
  return finish(res);
}
