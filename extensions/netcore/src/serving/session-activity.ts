// What the administrator sees of one session: status, current file, progress and speed.
// Changes are reported through `changed`; the server coalesces them (a few a second).
import type { SessionStatus } from '../contract';
import { SpeedMeter } from '../transport/speed-meter';

export interface ActivitySnapshot {
  status: SessionStatus;
  currentFile: string | null;
  progress: number;
  bytesSent: number;
  bytesPerSecond: number;
}

export class SessionActivity {
  private status: SessionStatus = 'authenticating';
  private currentFile: string | null = null;
  private fileDone = 0;
  private fileSize = 0;
  private bytesSent = 0;
  private readonly meter = new SpeedMeter();

  constructor(private readonly changed: () => void) {}

  setStatus(status: SessionStatus): void {
    if (this.status === status) return;
    this.status = status;
    if (status !== 'downloading') this.currentFile = null;
    this.changed();
  }

  beginFile(path: string, size: number, offset: number): void {
    this.status = 'downloading';
    this.currentFile = path;
    this.fileSize = size;
    this.fileDone = offset;
    this.changed();
  }

  /** A pack of whole files went out (PROTOCOL.md §6.4); the last of them is shown as the current file, complete. */
  sentPack(lastPath: string, lastSize: number, bytes: number): void {
    this.status = 'downloading';
    this.currentFile = lastPath;
    this.fileSize = lastSize;
    this.fileDone = lastSize;
    this.bytesSent += bytes;
    this.meter.add(bytes);
    this.changed();
  }

  sent(bytes: number): void {
    this.fileDone += bytes;
    this.bytesSent += bytes;
    this.meter.add(bytes);
    this.changed();
  }

  /** `paused` is the server's state: a transfer held by Pause shows as paused. */
  snapshot(paused: boolean): ActivitySnapshot {
    const downloading = this.status === 'downloading';
    return {
      status: downloading && paused ? 'paused' : this.status,
      currentFile: this.currentFile,
      progress: downloading && this.fileSize > 0 ? Math.min(100, (this.fileDone / this.fileSize) * 100) : downloading ? 100 : 0,
      bytesSent: this.bytesSent,
      bytesPerSecond: this.meter.rate(),
    };
  }
}
