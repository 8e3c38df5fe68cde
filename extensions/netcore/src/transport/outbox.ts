// What a framed socket sends in one turn of the event loop, laid out for its writes.
//
// Messages and small frames are written straight into pieces of SEND_PIECE_BYTES taken
// from a pool that every connection of the process shares, and each piece goes back to
// the pool once the socket has taken it. Before, each message was a buffer of its own and
// a turn's messages were joined into one more: a peer causing thousands of long answers
// (FILE_ERRORs for long missing paths) made the server allocate and free buffers of a few
// KiB at that rate, which the C library's heap kept after the peer had gone. Without a
// pool (a client, which sends little) each message is a buffer of its own.
import { FRAME_HEADER_BYTES, SEND_PIECE_BYTES } from '../constants';
import { controlPayloadBytes, encodeControl, writeControl } from '../protocol/frames';
import type { FramePool } from './slab-pool';

export interface OutboxEntry {
  bytes: Buffer;
  /** Set for a pooled piece: call once the socket is done with `bytes`. */
  release: (() => void) | undefined;
  /** What the entry holds beyond its bytes until released (the rest of its piece). */
  slack: number;
}

/**
 * A turn that sent no more than this leaves in a buffer of its own size and its piece goes
 * back at once: a peer that is sent a little each turn (PONGs, a chat line) must not hold a
 * whole piece for each of them until it reads.
 */
const SMALL_TURN_BYTES = 4 * 1024;

export class Outbox {
  private entries: OutboxEntry[] = [];
  /** The pooled piece being filled, and how much of it is. */
  private piece: Buffer | undefined;
  private used = 0;
  private total = 0;

  constructor(private readonly pool: FramePool | undefined) {}

  /** Bytes waiting to be written. */
  get bytes(): number {
    return this.total;
  }

  get empty(): boolean {
    return this.total === 0;
  }

  /** One control message; throws (and adds nothing) when it does not fit a frame. */
  message(message: object): void {
    if (!this.pool) return this.add(encodeControl(message));
    const json = JSON.stringify(message);
    const payload = controlPayloadBytes(json);
    const size = FRAME_HEADER_BYTES + payload;
    const piece = this.room(size);
    if (!piece) {
      const own = Buffer.allocUnsafe(size);
      writeControl(own, 0, json, payload);
      return this.add(own);
    }
    writeControl(piece, this.used, json, payload);
    this.used += size;
    this.total += size;
  }

  /** A copy of a ready-made frame: the caller may reuse `frame` at once. */
  copy(frame: Buffer): void {
    const piece = this.room(frame.length);
    if (!piece) return this.add(Buffer.from(frame));
    frame.copy(piece, this.used);
    this.used += frame.length;
    this.total += frame.length;
  }

  /** Everything queued, in order; the outbox is empty afterwards. */
  drain(): OutboxEntry[] {
    this.closePiece();
    const out = this.entries;
    this.entries = [];
    this.total = 0;
    return out;
  }

  /** Gives back every pooled piece without writing it (the socket is gone). */
  discard(): void {
    for (const entry of this.drain()) entry.release?.();
  }

  private add(bytes: Buffer): void {
    this.closePiece();
    this.entries.push({ bytes, release: undefined, slack: 0 });
    this.total += bytes.length;
  }

  /** The piece with room for `size` more bytes, or undefined when it goes in a buffer of its own. */
  private room(size: number): Buffer | undefined {
    if (!this.pool || size > SEND_PIECE_BYTES) return undefined;
    if (this.piece && this.used + size <= this.piece.length) return this.piece;
    this.closePiece();
    this.piece = this.pool.take();
    this.used = 0;
    return this.piece;
  }

  private closePiece(): void {
    const piece = this.piece;
    if (!piece) return;
    this.piece = undefined;
    const pool = this.pool!;
    if (this.used <= SMALL_TURN_BYTES) {
      if (this.used > 0) this.entries.push({ bytes: Buffer.from(piece.subarray(0, this.used)), release: undefined, slack: 0 });
      pool.give(piece);
      return;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      pool.give(piece);
    };
    this.entries.push({ bytes: piece.subarray(0, this.used), release, slack: piece.length - this.used });
  }
}
