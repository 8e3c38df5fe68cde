// Download progress as the client reports it (the contract's TransferProgress), the ETA
// from a speed, and a download's running totals.
import { PROGRESS_INTERVAL_MS } from '../constants';
import type { TransferProgress } from '../contract';
import { SpeedMeter } from '../transport/speed-meter';

export type DownloadProgress = TransferProgress;

/** Seconds left at `bytesPerSecond`; null while the speed is unknown. */
function etaSeconds(remainingBytes: number, bytesPerSecond: number): number | null {
  if (remainingBytes <= 0) return 0;
  return bytesPerSecond > 0 ? remainingBytes / bytesPerSecond : null;
}

/** The file being received, as a progress report names it. */
export interface CurrentFile {
  path: string;
  bytes: number;
  size: number;
}

/** A download's totals, reported to `onProgress` at most every PROGRESS_INTERVAL_MS unless forced. */
export class ProgressTally {
  /** Bytes on the disk: received in this run, resumed from, or already there. */
  doneBytes = 0;
  filesDone = 0;
  totalBytes = 0;
  /** Bytes received in this run. */
  receivedBytes = 0;
  private readonly meter = new SpeedMeter();
  private lastAt = 0;

  constructor(
    private readonly filesTotal: number,
    private readonly onProgress: ((progress: DownloadProgress) => void) | undefined,
  ) {}

  /** Bytes that arrived. */
  arrived(bytes: number): void {
    this.receivedBytes += bytes;
    this.doneBytes += bytes;
    this.meter.add(bytes);
  }

  /** The server's size of a file differs from the listing's. */
  resized(listed: number, actual: number): void {
    this.totalBytes += actual - listed;
  }

  /** A report is wanted now: there is a listener, and `force` or PROGRESS_INTERVAL_MS since the last. */
  due(force: boolean): boolean {
    return this.onProgress !== undefined && (force || Date.now() - this.lastAt >= PROGRESS_INTERVAL_MS);
  }

  /** Reports now (callers ask due() first, so nothing is built for a report that is not wanted). */
  report(current: CurrentFile | undefined): void {
    if (!this.onProgress) return;
    this.lastAt = Date.now();
    const rate = this.meter.rate();
    this.onProgress({
      currentPath: current?.path ?? null,
      fileBytes: current?.bytes ?? 0,
      fileSize: current?.size ?? 0,
      doneBytes: this.doneBytes,
      totalBytes: this.totalBytes,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesPerSecond: rate,
      etaSeconds: etaSeconds(this.totalBytes - this.doneBytes, rate),
    });
  }
}
