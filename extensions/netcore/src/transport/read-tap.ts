// Decrypted bytes handed over in one reused buffer (tls.connect's `onread` option) instead
// of a fresh Buffer and a stream event per TLS record. On the receiving side of a download
// this saves about a quarter of the CPU time the TLS layer costs (see the README's notes on
// performance). Only `tls.connect` offers it, so only the client side uses it.
import type { TLSSocket } from 'node:tls';

/** Size of the reused buffer. Node hands over at most one 16 KiB TLS record per call. */
const TAP_BUFFER_BYTES = 64 * 1024;
/** What may wait, copied, before a reader attaches; past this the socket stops reading. */
const EARLY_LIMIT_BYTES = 256 * 1024;

export type ChunkHandler = (chunk: Buffer) => void;

export class ReadTap {
  /** Pass as `onread` to tls.connect. */
  readonly onread: { buffer: Buffer; callback: (bytes: number, buffer: Buffer) => void };
  private reader: ChunkHandler | undefined;
  private socket: TLSSocket | undefined;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private heldEarly = false;

  constructor() {
    this.onread = {
      buffer: Buffer.allocUnsafe(TAP_BUFFER_BYTES),
      callback: (bytes, buffer) => {
        this.deliver(buffer.subarray(0, bytes));
      },
    };
  }

  /** The socket the tap reads for, so early bytes can hold it back. */
  bind(socket: TLSSocket): void {
    this.socket = socket;
  }

  /** True while bytes that came before any reader wait to be handed over. */
  get holdsEarly(): boolean {
    return this.early.length > 0;
  }

  /**
   * From now on every chunk goes to `reader`, first whatever came before (handed over in a
   * microtask, so the caller finishes setting up first). A chunk is a view of the shared
   * buffer, valid only during the call: the reader copies what it keeps.
   */
  attach(reader: ChunkHandler): void {
    if (this.early.length === 0) {
      this.reader = reader;
      return;
    }
    queueMicrotask(() => {
      // Reading resumes first, so a reader that pauses while taking the early bytes
      // (backpressure) keeps the socket paused.
      if (this.heldEarly) {
        this.heldEarly = false;
        this.socket?.resume();
      }
      const early = this.early;
      this.early = [];
      this.earlyBytes = 0;
      // No socket callback runs inside this loop, so nothing can slip in between.
      for (const chunk of early) reader(chunk);
      this.reader = reader;
    });
  }

  private deliver(chunk: Buffer): void {
    if (this.reader) {
      this.reader(chunk);
      return;
    }
    // Nobody reads yet (the user may still be deciding whether to trust the server): keep
    // a copy, and stop reading rather than let a server fill memory.
    this.early.push(Buffer.from(chunk));
    this.earlyBytes += chunk.length;
    if (this.earlyBytes >= EARLY_LIMIT_BYTES && !this.heldEarly) {
      this.heldEarly = true;
      this.socket?.pause();
    }
  }
}
