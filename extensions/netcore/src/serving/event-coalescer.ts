// Turns a flood of "this changed" into at most one report per interval per subject: the
// first change is reported at once, later ones in the same interval once at its end.
export class EventCoalescer<T> {
  private readonly last = new Map<T, number>();
  private readonly timers = new Map<T, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (subject: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  touch(subject: T): void {
    if (this.timers.has(subject)) return;
    const wait = (this.last.get(subject) ?? -Infinity) + this.intervalMs - this.now();
    if (wait <= 0) {
      this.fire(subject);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(subject);
      this.fire(subject);
    }, wait);
    timer.unref();
    this.timers.set(subject, timer);
  }

  /** Drops a subject that is gone; nothing more is reported for it. */
  forget(subject: T): void {
    clearTimeout(this.timers.get(subject));
    this.timers.delete(subject);
    this.last.delete(subject);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.last.clear();
  }

  private fire(subject: T): void {
    this.last.set(subject, this.now());
    this.emit(subject);
  }
}
