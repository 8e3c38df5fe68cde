// Bytes per second over a sliding window, so one stall or burst does not swing the figure.
import { SPEED_WINDOW_MS } from '../constants';

export class SpeedMeter {
  private readonly samples: Array<{ t: number; bytes: number }> = [];
  private total = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(bytes: number): void {
    this.total += bytes;
  }

  rate(): number {
    const t = this.now();
    this.samples.push({ t, bytes: this.total });
    while (this.samples.length > 2 && t - this.samples[0]!.t > SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const dt = t - first.t;
    return dt > 0 ? ((this.total - first.bytes) * 1000) / dt : 0;
  }
}
