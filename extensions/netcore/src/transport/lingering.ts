// Connections this side has ended, waiting a moment for their peers to close.
//
// After an error, a BUSY or a disconnect the last message is in the kernel's hands, and the
// connection waits for the peer to close its side, so that the message is read rather than
// reset away by a close over unread bytes. A peer that never closes is cut off after
// END_LINGER_MS. Each waiting connection keeps its TLS state (about 50 KiB), and the C
// library keeps that memory after the connection is gone: a flood of peers that are
// refused and never close (1,000 fuzzing connections, 200 parked frames) held up to a few
// hundred connections at once, and the server 20–35 MiB more for good. So only so many may
// wait at once in the whole process; a newer one cuts the oldest off.
import { END_LINGER_MS, MAX_LINGERING } from '../constants';

interface Waiting {
  timer: NodeJS.Timeout;
  destroy: () => void;
}

export class LingerQueue {
  /** In the order they began to wait (a Map keeps insertion order). */
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  constructor(
    private readonly max: number,
    private readonly ms: number,
  ) {}

  /** Connections waiting now. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * `destroy` runs after the wait, or sooner when newer connections need the place; the
   * function returned takes the connection out (it closed by itself).
   */
  add(destroy: () => void): () => void {
    if (this.waiting.size >= this.max) {
      const [oldest, entry] = this.waiting.entries().next().value as [number, Waiting];
      this.waiting.delete(oldest);
      clearTimeout(entry.timer);
      entry.destroy();
    }
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.waiting.delete(id);
      destroy();
    }, this.ms);
    timer.unref();
    this.waiting.set(id, { timer, destroy });
    return () => {
      const entry = this.waiting.get(id);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.waiting.delete(id);
    };
  }
}

/** Every ended connection of the process (main and chat ports, and the client's). */
export const processLingering = new LingerQueue(MAX_LINGERING, END_LINGER_MS);
