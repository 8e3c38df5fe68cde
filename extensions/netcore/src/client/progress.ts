// Speed and ETA over a sliding window, so one stall or burst does not swing the figures.
import { SPEED_WINDOW_MS } from '../constants';

export interface DownloadProgress {
  /** File being received, if any. */
  currentPath: string | undefined;
  fileBytes: number;
  fileSize: number;
  /** Bytes on disk across the whole selection (resumed prefixes included). */
  doneBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
  bytesPerSecond: number;
  /** Seconds left at the current speed; undefined while the speed is unknown. */
  etaSeconds: number | undefined;
}

export class SpeedMeter {
  private readonly samples: Array<{ t: number; bytes: number }> = [];
  private total = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(bytes: number): void {
    this.total += bytes;
  }

  /** Bytes per second over the last few seconds. */
  rate(): number {
    const t = this.now();
    this.samples.push({ t, bytes: this.total });
    while (this.samples.length > 2 && t - this.samples[0]!.t > SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const dt = t - first.t;
    return dt > 0 ? ((this.total - first.bytes) * 1000) / dt : 0;
  }
}

export function etaSeconds(remainingBytes: number, bytesPerSecond: number): number | undefined {
  if (remainingBytes <= 0) return 0;
  return bytesPerSecond > 0 ? remainingBytes / bytesPerSecond : undefined;
}
