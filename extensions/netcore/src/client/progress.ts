// Download progress as the client reports it, and the ETA from a speed.

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

export function etaSeconds(remainingBytes: number, bytesPerSecond: number): number | undefined {
  if (remainingBytes <= 0) return 0;
  return bytesPerSecond > 0 ? remainingBytes / bytesPerSecond : undefined;
}
