// Fixed-size frames carved out of large shared slabs, for memory that must go back to the
// system after a burst (README "Memory goes back after a burst").
//
// A 1 MiB buffer of its own comes from the C library's heap once the first one has been
// freed (glibc raises its mmap threshold to the size of what was freed), and a heap only
// shrinks from its top: after a hundred clients have each had a few frames in flight, the
// freed frames stayed in the process for good (+300 MiB an hour later). A slab bigger than
// the largest mmap threshold (32 MiB) is always a mapping of its own, and is unmapped as a
// whole once nothing uses it; pages never written are never resident either.
//
// Slabs are SharedArrayBuffers, so a frame goes to a hash worker and back without being
// moved: the worker reads the same memory while the frame stays where it is, and the frame
// comes back to the pool by the view the sender kept. A slab all of whose frames stayed
// idle for a whole trim interval is let go.

/** What a sender needs of a pool of frames. */
export interface FramePool {
  take(): Buffer;
  /** Takes back a frame's memory once nothing uses it any more (at most once per take()). */
  give(view: Uint8Array): void;
}

interface Slab {
  memory: SharedArrayBuffer;
  free: number[];
  /** A frame was taken from it since the last trim. */
  touched: boolean;
}

export class SlabPool implements FramePool {
  private readonly slabs = new Map<SharedArrayBuffer, Slab>();
  private trimTimer: NodeJS.Timeout | undefined;

  /**
   * Frames of `frameBytes`, `perSlab` to a slab; `prepare` readies a new frame (a header);
   * `onRelease` hears how many bytes a trim let go.
   */
  constructor(
    private readonly frameBytes: number,
    private readonly perSlab: number,
    private readonly trimIntervalMs: number,
    private readonly prepare: (frame: Buffer) => void = () => undefined,
    private readonly onRelease: (bytes: number) => void = () => undefined,
  ) {}

  take(): Buffer {
    // The busiest slab with room first, so that the others can empty and go.
    let best: Slab | undefined;
    for (const slab of this.slabs.values()) {
      if (slab.free.length > 0 && (!best || slab.free.length < best.free.length)) best = slab;
    }
    const slab = best ?? this.addSlab();
    const index = slab.free.pop()!;
    slab.touched = true;
    const frame = Buffer.from(slab.memory, index * this.frameBytes, this.frameBytes);
    this.prepare(frame);
    return frame;
  }

  give(view: Uint8Array): void {
    const slab = this.slabs.get(view.buffer as SharedArrayBuffer);
    if (!slab) return;
    const index = Math.floor(view.byteOffset / this.frameBytes);
    if (slab.free.includes(index)) return;
    slab.free.push(index);
  }

  /** Frames idle in the pool now. */
  get size(): number {
    let n = 0;
    for (const slab of this.slabs.values()) n += slab.free.length;
    return n;
  }

  /** Slabs held now. */
  get slabCount(): number {
    return this.slabs.size;
  }

  /** Lets go of the slabs none of whose frames was taken since the last trim and all idle. */
  trim(): void {
    for (const [memory, slab] of this.slabs) {
      if (slab.free.length === this.perSlab && !slab.touched) {
        this.slabs.delete(memory);
        this.onRelease(memory.byteLength);
      }
      slab.touched = false;
    }
    if (this.slabs.size === 0 && this.trimTimer) {
      clearInterval(this.trimTimer);
      this.trimTimer = undefined;
    }
  }

  private addSlab(): Slab {
    const slab: Slab = {
      memory: new SharedArrayBuffer(this.frameBytes * this.perSlab),
      // Popped from the end: frame 0 first, so a lightly used slab touches few pages.
      free: Array.from({ length: this.perSlab }, (_, i) => this.perSlab - 1 - i),
      touched: false,
    };
    this.slabs.set(slab.memory, slab);
    this.trimTimer ??= setInterval(() => this.trim(), this.trimIntervalMs).unref();
    return slab;
  }
}
