// Download progress as the client reports it (the contract's TransferProgress), and the
// ETA from a speed.
import type { TransferProgress } from '../contract';

export type DownloadProgress = TransferProgress;

/** Seconds left at `bytesPerSecond`; null while the speed is unknown. */
export function etaSeconds(remainingBytes: number, bytesPerSecond: number): number | null {
  if (remainingBytes <= 0) return 0;
  return bytesPerSecond > 0 ? remainingBytes / bytesPerSecond : null;
}
