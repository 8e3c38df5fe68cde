// A rate limit for what a peer may do often but not endlessly (PINGs on the main and chat
// ports, PROTOCOL.md §11).

/** At most `max` events per `windowMs` (a fixed window, restarted by the first event after it). */
export class WindowCounter {
  private started = 0;
  private count = 0;
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  allow(now = Date.now()): boolean {
    if (now - this.started >= this.windowMs) {
      this.started = now;
      this.count = 0;
    }
    return ++this.count <= this.max;
  }
}
