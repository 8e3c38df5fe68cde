// A TLS socket speaking the framed protocol (PROTOCOL.md §2), shared by the server's
// sessions and the client. It owns decoding and write backpressure; the owner decides
// what messages mean.
//
// Backpressure both ways (PROTOCOL.md §11): once more than REPLY_QUEUE_HIGH_BYTES wait to
// be written, the peer is no longer read until they drain, so a peer that does not read
// its answers cannot make us queue more by asking more. A peer that reads nothing for
// WRITE_STALL_MS while answers wait, or lets REPLY_QUEUE_MAX_BYTES pile up, is dropped
// with that reason.
import type { TLSSocket } from 'node:tls';
import { END_DISCARD_BYTES, SEND_PIECE_BYTES, REPLY_QUEUE_HIGH_BYTES, REPLY_QUEUE_MAX_BYTES, WRITE_STALL_MS } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { FrameDecoder } from '../protocol/decoder';
import { encodeControl } from '../protocol/frames';
import type { ByteBudget } from './byte-budget';
import { processLingering } from './lingering';
import { Outbox } from './outbox';
import type { ReadTap } from './read-tap';
import type { FramePool } from './slab-pool';

export interface FrameHandlers {
  control(message: unknown): void;
  /** `bytes` may be a view of a reused read buffer: copy what must outlive the call. */
  data(bytes: Buffer, frameEnd: boolean): void;
  /** A frame or message broke the protocol, or a handler threw. Called before closed(). */
  failure(err: PssError): void;
  /** Called once. `err` is set when the connection did not end cleanly. */
  closed(err: PssError | undefined): void;
}

export interface FramedSocketOptions {
  /** Set when the socket was opened with the tap's `onread`: chunks come from it, not 'data'. */
  tap?: ReadTap | undefined;
  /** Pieces of SEND_PIECE_BYTES shared by the process's connections, for what the outbox holds. */
  pieces?: FramePool;
}

export class FramedSocket {
  private readonly decoder = new FrameDecoder();
  private closeError: PssError | undefined;
  private closedWaiter: Promise<void> | undefined;
  private wakeClosed: (() => void) | undefined;
  private isClosed = false;
  private ending = false;
  /** Bytes the peer sent after end(): read only to notice its close, and only so many. */
  private afterEnd = 0;
  private cutOff = false;
  /** A data frame is being written in pieces: nothing else may be written until it ends. */
  private midFrame = false;
  /** end() came while a frame was being written: it ends once the frame is out. */
  private endAfterFrame = false;
  /** Takes this connection out of the process's lingering ones (transport/lingering.ts). */
  private stopLingering: (() => void) | undefined;
  /** The owner asked to stop reading (pause()). */
  private pausedByOwner = false;
  /** Reading stopped because answers wait to be written. */
  private pausedForWrites = false;
  private stallTimer: NodeJS.Timeout | undefined;
  /** Messages and small frames sent in this turn, written together (flush()). */
  private readonly outbox: Outbox;
  private flushScheduled = false;
  /** Pooled pieces being written hold this much beyond their bytes (Outbox's slack). */
  private pieceSlack = 0;

  constructor(
    readonly socket: TLSSocket,
    private readonly handlers: FrameHandlers,
    { tap, pieces }: FramedSocketOptions = {},
  ) {
    this.outbox = new Outbox(pieces);
    if (tap) tap.attach((chunk) => this.onData(chunk));
    else socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.destroy(new PssError(ErrorCode.TIMEOUT, 'connection timed out')));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closeError ??= new PssError(ErrorCode.CONNECTION_LOST, `connection lost: ${err.code ?? err.message}`, { cause: err });
    });
    socket.on('end', () => {
      // The peer finished; a half-open socket is of no use in this protocol.
      if (!this.decoder.idle) this.closeError ??= new PssError(ErrorCode.CONNECTION_LOST, 'connection closed mid-frame');
      socket.end();
    });
    socket.on('close', () => this.onSocketClose());
    // Read through a tap, the peer may have sent its last bytes and closed before this
    // object existed; the tap hands those bytes over first, then this reports the close.
    if (socket.closed) setImmediate(() => this.onSocketClose());
  }

  /** Resolves once the connection has closed (reported through `handlers.closed`). */
  whenClosed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.closedWaiter ??= new Promise((resolve) => (this.wakeClosed = resolve));
    return this.closedWaiter;
  }

  /** True once closing began on our side too: nothing more may be written. */
  get closed(): boolean {
    return this.isClosed || this.socket.destroyed || this.socket.writableEnded;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /**
   * Sends one control message without waiting. What the peer has not read yet is bounded:
   * past the high-water mark the peer is not read any more until it catches up.
   */
  send(message: object): void {
    if (this.closed || this.endAfterFrame) return;
    this.outbox.message(message);
    this.scheduleFlush();
  }

  /**
   * What is sent in one turn of the event loop (the PONGs for a chunk full of PINGs, a run
   * of FILE_ERRORs, the FILE_BEGIN, data and FILE_END of a few small files) leaves as one
   * write once the turn is over: every write is a TLS record and a system call, and a
   * queue of thousands of tiny writes costs far more memory than their bytes.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes what the outbox has collected, in order, in writes of at most SEND_PIECE_BYTES. */
  private flush(): void {
    if (this.outbox.empty || this.midFrame) return;
    if (this.socket.destroyed || this.socket.writableEnded) {
      this.outbox.discard();
      return;
    }
    // A long run of answers (thousands of FILE_ERRORs) goes in pieces: the socket encrypts
    // one write at a time, and the rest waits in its queue unencrypted.
    let run: Buffer[] = [];
    let runBytes = 0;
    const writeRun = () => {
      if (runBytes === 0) return;
      const joined = run.length === 1 ? run[0]! : Buffer.concat(run, runBytes);
      for (let at = 0; at < joined.length; at += SEND_PIECE_BYTES) this.socket.write(joined.subarray(at, at + SEND_PIECE_BYTES));
      run = [];
      runBytes = 0;
    };
    for (const { bytes, release, slack } of this.outbox.drain()) {
      if (release) {
        writeRun();
        // The socket calls back once it is done with the piece, also when it is destroyed
        // first. Until then the rest of the piece counts as queued too.
        this.pieceSlack += slack;
        this.socket.write(bytes, () => {
          this.pieceSlack -= slack;
          release();
        });
      } else {
        // Messages of their own (no pool) still leave as one write for the turn.
        run.push(bytes);
        runBytes += bytes.length;
      }
    }
    writeRun();
    this.watchQueue();
  }

  /** Resolves once the queue of unsent bytes (collected ones included) is below the high-water mark. */
  whenWritable(): Promise<void> {
    if (this.closed) return Promise.reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
    if (this.queuedBytes() + this.outbox.bytes <= REPLY_QUEUE_HIGH_BYTES) return Promise.resolve();
    this.flush();
    if (this.queuedBytes() <= REPLY_QUEUE_HIGH_BYTES) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const drained = () => {
        this.socket.off('close', gone);
        resolve();
      };
      const gone = () => {
        this.socket.off('drain', drained);
        reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
      };
      this.socket.once('drain', drained);
      this.socket.once('close', gone);
    });
  }

  /** Sends a control message and waits for the socket to take more (for long replies). */
  sendAwait(message: object): Promise<void> {
    return this.sendFrame(encodeControl(message));
  }

  /**
   * Writes a ready-made frame and resolves once the socket has taken its bytes, so the
   * caller may reuse the buffer and never queues more than it can hold. A big frame goes
   * to the socket in pieces of SEND_PIECE_BYTES, each once the one before has left: TLS
   * encrypts all it is given at once and holds the result until the kernel takes it, so a
   * whole 1 MiB frame for each of a hundred slow clients held a hundred MiB of encrypted
   * copies, which the C library's heap then kept after they were freed.
   */
  async sendFrame(frame: Buffer): Promise<void> {
    if (frame.length <= SEND_PIECE_BYTES) {
      // A small frame joins what this turn sends, as a copy the caller need not keep.
      if (this.closed) throw this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, 'connection closed');
      this.outbox.copy(frame);
      this.scheduleFlush();
      return this.whenWritable();
    }
    this.flush();
    // Until its last piece is written, nothing else may enter the stream: control messages
    // wait in the outbox, and an end() waits for the frame (its linger timer runs already).
    this.midFrame = true;
    try {
      for (let at = 0; at < frame.length; at += SEND_PIECE_BYTES) {
        await this.writeRaw(frame.subarray(at, Math.min(frame.length, at + SEND_PIECE_BYTES)));
      }
    } finally {
      this.midFrame = false;
      if (this.endAfterFrame) this.finishEnd();
      else this.flush();
    }
  }

  private writeRaw(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
    const sent = new Promise<void>((resolve, reject) => {
      this.socket.write(bytes, (err) => {
        if (err) reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, `connection lost: ${err.message}`));
        else resolve();
      });
    });
    this.watchQueue();
    return sent;
  }

  /**
   * Sends a last message (if any) and closes once it is flushed. What the peer sends from
   * now on is read (so its close is noticed) but no longer decoded, and a peer that goes on
   * sending past END_DISCARD_BYTES is cut off: after a fatal error (or a BUSY) a flood must
   * not keep the server decrypting it, nor fill its memory with what it throws away.
   */
  end(message?: object): void {
    this.ending = true;
    if (this.closed || this.endAfterFrame) return;
    if (message) this.send(message);
    if (this.midFrame) {
      // The frame being written finishes first; a peer that does not take it is not waited for.
      this.endAfterFrame = true;
      this.lingerThenDestroy();
      return;
    }
    this.finishEnd();
  }

  private finishEnd(): void {
    this.endAfterFrame = false;
    this.flush();
    this.socket.end();
    // Reading on (even if paused for a bad frame) is how the peer's close is noticed.
    this.socket.resume();
    this.lingerThenDestroy();
  }

  /**
   * The last message is in the kernel's hands; a peer that does not close its side soon
   * after (or while many others wait too) must not keep the socket and its TLS state.
   */
  private lingerThenDestroy(): void {
    this.stopLingering?.();
    this.stopLingering = processLingering.add(() => this.socket.destroy());
  }

  destroy(err?: PssError): void {
    if (err) this.closeError ??= err;
    this.socket.destroy();
  }

  /**
   * Makes large incoming control frames share `budget` with other connections; `parse`
   * reads such a frame from its bytes (see FrameDecoder.budget).
   */
  shareFrameBudget(budget: ByteBudget, minBytes: number, memory?: FramePool, parse?: (body: Buffer) => unknown): void {
    this.decoder.budget = {
      ...(parse && { parse }),
      take: (bytes) => {
        const lease = budget.take(bytes);
        if (!lease || !memory) return lease;
        // Assembled in a pooled frame, not in memory of its own: a big buffer freed by the
        // C library lands on its heap for good (transport/slab-pool.ts says why).
        const frame = memory.take();
        if (frame.length < bytes) {
          memory.give(frame);
          return lease;
        }
        let released = false;
        return {
          memory: frame,
          release: () => {
            if (released) return;
            released = true;
            lease.release();
            memory.give(frame);
          },
        };
      },
      minBytes,
    };
  }

  /** Caps every incoming frame at `bytes` (before login); undefined lifts the cap. */
  limitFrames(bytes: number | undefined): void {
    this.decoder.limitBytes = bytes;
  }

  /** Stops reading (backpressure towards the peer) until resume(). */
  pause(): void {
    this.pausedByOwner = true;
    this.socket.pause();
  }

  resume(): void {
    this.pausedByOwner = false;
    if (!this.pausedForWrites) this.socket.resume();
  }

  /** What the socket holds for the peer: its unsent bytes and the rest of their pieces. */
  private queuedBytes(): number {
    return this.socket.writableLength + this.pieceSlack;
  }

  private watchQueue(): void {
    const queued = this.queuedBytes();
    if (queued > REPLY_QUEUE_MAX_BYTES) {
      this.destroy(new PssError(ErrorCode.TIMEOUT, `dropped: the peer left ${queued} bytes unread`));
      return;
    }
    if (queued <= REPLY_QUEUE_HIGH_BYTES || this.pausedForWrites || this.closed) return;
    this.pausedForWrites = true;
    this.socket.pause();
    this.stallTimer = setTimeout(() => {
      this.destroy(new PssError(ErrorCode.TIMEOUT, `dropped: the peer read nothing for ${WRITE_STALL_MS / 1000} s`));
    }, WRITE_STALL_MS);
    this.stallTimer.unref();
    this.socket.once('drain', () => {
      clearTimeout(this.stallTimer);
      this.pausedForWrites = false;
      if (!this.pausedByOwner && !this.closed) this.socket.resume();
    });
  }

  private onSocketClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.wakeClosed?.();
    this.decoder.release();
    this.outbox.discard();
    this.stopLingering?.();
    clearTimeout(this.stallTimer);
    const err = this.closeError ?? (this.socket.readableEnded || this.cutOff ? undefined : new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
    this.handlers.closed(err);
  }

  private onData(chunk: Buffer): void {
    if (this.ending) {
      this.afterEnd += chunk.length;
      if (this.afterEnd > END_DISCARD_BYTES && !this.socket.destroyed) {
        // Our end, on purpose: the close that follows is no loss of the connection.
        this.cutOff = true;
        this.socket.destroy();
      }
      return;
    }
    try {
      this.decoder.push(chunk, (item) => {
        if (item.kind === 'control') this.handlers.control(item.message);
        else this.handlers.data(item.bytes, item.frameEnd);
      });
    } catch (err) {
      const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, String((err as Error)?.message ?? err));
      this.closeError ??= e;
      this.socket.pause();
      this.handlers.failure(e);
    }
  }
}
