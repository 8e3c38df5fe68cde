// Fixed-size buffers kept for reuse. A fresh 1 MiB buffer costs page faults, and many
// transfers each allocating their own per file keep the garbage collector busy enough to
// stall the event loop for tens of milliseconds (a hundred downloading clients made chat
// answers wait behind it). Buffers that stay idle for a whole trim interval are let go, so
// a burst of clients does not pin its peak memory for ever.

export class BufferPool {
  private readonly free: Buffer[] = [];
  /** The fewest idle buffers seen since the last trim: that many were not needed. */
  private lowest = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  /** `create` makes one buffer of exactly `bytes`; at most `maxFree` idle ones are kept. */
  constructor(
    private readonly bytes: number,
    private readonly maxFree: number,
    private readonly trimIntervalMs: number,
    private readonly create: () => Buffer = () => Buffer.allocUnsafe(bytes),
  ) {}

  take(): Buffer {
    const buf = this.free.pop();
    if (this.free.length < this.lowest) this.lowest = this.free.length;
    return buf ?? this.create();
  }

  /**
   * Takes back a buffer's memory once nothing uses it any more. The view may be of memory
   * that came back from a worker, so the buffer is rebuilt from it; views of other memory
   * are left to the garbage collector. A buffer must be given back at most once.
   */
  give(view: Uint8Array): void {
    if (view.buffer.byteLength !== this.bytes || view.byteOffset !== 0 || this.free.length >= this.maxFree) return;
    this.free.push(Buffer.from(view.buffer, 0, this.bytes));
    this.trimTimer ??= setInterval(() => this.trim(), this.trimIntervalMs).unref();
  }

  /** Idle buffers held now. */
  get size(): number {
    return this.free.length;
  }

  /** Lets go of the buffers that stayed idle since the last trim. */
  trim(): void {
    this.free.splice(0, this.lowest);
    this.lowest = this.free.length;
    if (this.free.length === 0 && this.trimTimer) {
      clearInterval(this.trimTimer);
      this.trimTimer = undefined;
    }
  }
}
