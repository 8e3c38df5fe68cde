// Shares the event loop between bulk transfers and everything else. Each data frame a
// session sends costs one unit; at most `perTurn` go out together, and the rest wait for
// later setImmediate rounds, so the poll phase in between can serve other sockets. Without
// it, a hundred downloads each finishing a write in the same poll phase would queue a
// hundred 1 MiB encryptions ahead of a chat message (chat p99 with 100 downloading
// clients went from 244 ms to 72 ms on the 2-core benchmark machine).
export class TurnBudget {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Resolves when this turn (or a later one) has room for one more frame. */
  take(): Promise<void> {
    this.schedule();
    if (this.used < this.perTurn && this.waiting.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.waiting.splice(0, this.perTurn);
      this.used = batch.length;
      for (const resolve of batch) resolve();
      if (this.waiting.length > 0 || this.used > 0) this.schedule();
    });
  }
}
