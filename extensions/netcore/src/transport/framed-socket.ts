// A TLS socket speaking the framed protocol (PROTOCOL.md §2), shared by the server's
// sessions and the client. It owns decoding and write backpressure; the owner decides
// what messages mean.
import type { TLSSocket } from 'node:tls';
import { ErrorCode, PssError } from '../errors';
import { FrameDecoder } from '../protocol/decoder';
import { encodeControl } from '../protocol/frames';
import type { ReadTap } from './read-tap';

export interface FrameHandlers {
  control(message: unknown): void;
  /** `bytes` may be a view of a reused read buffer: copy what must outlive the call. */
  data(bytes: Buffer, frameEnd: boolean): void;
  /** A frame or message broke the protocol, or a handler threw. Called before closed(). */
  failure(err: PssError): void;
  /** Called once. `err` is set when the connection did not end cleanly. */
  closed(err: PssError | undefined): void;
}

export class FramedSocket {
  private readonly decoder = new FrameDecoder();
  private closeError: PssError | undefined;
  private isClosed = false;
  private endTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: TLSSocket,
    private readonly handlers: FrameHandlers,
    /** Set when the socket was opened with the tap's `onread`: chunks come from it, not 'data'. */
    tap?: ReadTap,
  ) {
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

  /** True once closing began on our side too: nothing more may be written. */
  get closed(): boolean {
    return this.isClosed || this.socket.destroyed || this.socket.writableEnded;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /** Sends one control message. Control traffic is small, so it does not wait for drain. */
  send(message: object): void {
    if (this.closed) return;
    this.socket.write(encodeControl(message));
  }

  /** Sends a control message and waits for the socket to take more (for long replies). */
  sendAwait(message: object): Promise<void> {
    return this.sendFrame(encodeControl(message));
  }

  /**
   * Writes a ready-made frame and resolves once the socket has taken its bytes, so the
   * caller may reuse the buffer and never queues more than it can hold.
   */
  sendFrame(frame: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
    return new Promise<void>((resolve, reject) => {
      this.socket.write(frame, (err) => {
        if (err) reject(this.closeError ?? new PssError(ErrorCode.CONNECTION_LOST, `connection lost: ${err.message}`));
        else resolve();
      });
    });
  }

  /** Sends a last message (if any) and closes once it is flushed. */
  end(message?: object): void {
    if (this.closed) return;
    if (message) this.send(message);
    this.socket.end();
    // A peer that never reads must not keep the socket forever.
    this.endTimer = setTimeout(() => this.socket.destroy(), 5_000);
    this.endTimer.unref();
  }

  destroy(err?: PssError): void {
    if (err) this.closeError ??= err;
    this.socket.destroy();
  }

  /** Caps every incoming frame at `bytes` (before login); undefined lifts the cap. */
  limitFrames(bytes: number | undefined): void {
    this.decoder.limitBytes = bytes;
  }

  /** Stops reading (backpressure towards the peer) until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private onSocketClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.endTimer);
    const err = this.closeError ?? (this.socket.readableEnded ? undefined : new PssError(ErrorCode.CONNECTION_LOST, 'connection closed'));
    this.handlers.closed(err);
  }

  private onData(chunk: Buffer): void {
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
