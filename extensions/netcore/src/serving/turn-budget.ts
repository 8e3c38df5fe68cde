// Shares the event loop between bulk transfers and everything else. Each data frame a
// session sends costs its bytes; at most `perTurn` bytes go out together (a frame larger
// than that goes alone), and the rest wait for later setImmediate rounds, so the poll phase
// in between can serve other sockets. Without it, a hundred downloads each finishing a
// write in the same poll phase would queue a hundred 1 MiB encryptions ahead of a chat
// message (chat p99 with 100 downloading clients went from 244 ms to 72 ms on the 2-core
// benchmark machine). Counting bytes rather than frames lets the frames of many small
// files share a turn: at two frames a turn, 10,000 files of 16 KiB took 5,000 turns.
interface Waiter {
  bytes: number;
  resolve: () => void;
}

export class TurnBudget {
  private used = 0;
  private waiting: Waiter[] = [];
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves when this turn (or a later one) has room for a frame of `bytes`. */
  take(bytes: number): Promise<void> {
    this.schedule();
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ bytes, resolve }));
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.perTurn;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.used = 0;
      let n = 0;
      while (n < this.waiting.length && this.fits(this.waiting[n]!.bytes)) this.used += this.waiting[n++]!.bytes;
      const batch = this.waiting.slice(0, n);
      this.waiting = this.waiting.slice(n);
      for (const w of batch) w.resolve();
      if (this.waiting.length > 0 || this.used > 0) this.schedule();
    });
  }
}
