// One redrawn line on a terminal: bar, percent, bytes, speed, ETA and the current file.
import type { DownloadProgress } from '../client/progress';
import { formatBytes, formatClockDuration, formatSpeed } from '../units';

const BAR_CELLS = 24;

export function renderProgress(p: DownloadProgress, columns: number): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.doneBytes / p.totalBytes) : 1;
  const filled = Math.round(fraction * BAR_CELLS);
  const bar = '#'.repeat(filled) + '-'.repeat(BAR_CELLS - filled);
  const head =
    `[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
    `${formatBytes(p.doneBytes)}/${formatBytes(p.totalBytes)} ${formatSpeed(p.bytesPerSecond)} ` +
    `ETA ${formatClockDuration(p.etaSeconds)} (${p.filesDone}/${p.filesTotal})`;
  const room = columns - head.length - 2;
  if (!p.currentPath || room < 8) return head.slice(0, columns - 1);
  const name = p.currentPath.length > room ? '…' + p.currentPath.slice(-(room - 1)) : p.currentPath;
  return `${head} ${name}`;
}

export class ProgressLine {
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: DownloadProgress): void {
    const line = renderProgress(p, this.stream.columns || 80);
    this.stream.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }

  /** Clears the bar so a normal line can be printed. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
