// One browser (or one cookie-less download) as the administrator sees it: a session in
// the same table as desktop clients, with its downloads, progress and speed. A browser
// session lives while its cookie is used; a cookie-less download's session lives as long
// as that download.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SessionStatus } from '../contract';
import type { ActivitySnapshot } from '../serving/session-activity';
import type { ClientSession } from '../serving/sessions';
import { SpeedMeter } from '../transport/speed-meter';

export interface WebTransfer {
  /** What the admin sees as the current file: a path, or the ZIP's name. */
  readonly name: string;
  readonly size: number;
  done: number;
}

/** What a web session reports to the web port's session list. */
export interface WebSessionOwner {
  /** Its visible state changed. */
  changed(session: WebSession): void;
  /** The administrator ended it. */
  disconnect(session: WebSession, reason: string): void;
  /** The administrator left a warning for its next page. */
  warned(session: WebSession, text: string): void;
}

export class WebSession implements ClientSession {
  readonly id = randomBytes(6).toString('hex');
  readonly kind = 'web';
  /** A browser holds a max-clients place from its first request to its end. */
  readonly admitted = true;
  readonly chatToken = undefined;
  readonly canChat = false;
  readonly connectedAt = Date.now();
  lastSeen = Date.now();
  /** Warnings from the administrator, shown on the next page this browser loads. */
  readonly warnings: string[] = [];
  private readonly transfers = new Map<WebTransfer, ServerResponse>();
  private bytesSent = 0;
  private readonly meter = new SpeedMeter();
  private ended = false;

  constructor(
    readonly address: string,
    readonly name: string,
    /** Undefined for a cookie-less download. */
    readonly cookie: string | undefined,
    private readonly owner: WebSessionOwner,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  get busy(): boolean {
    return this.transfers.size > 0;
  }

  begin(name: string, size: number, done: number, res: ServerResponse): WebTransfer {
    const transfer: WebTransfer = { name, size, done };
    this.transfers.set(transfer, res);
    this.lastSeen = Date.now();
    this.owner.changed(this);
    return transfer;
  }

  sent(transfer: WebTransfer, bytes: number): void {
    transfer.done += bytes;
    this.bytesSent += bytes;
    this.meter.add(bytes);
    this.owner.changed(this);
  }

  finish(transfer: WebTransfer): void {
    if (!this.transfers.delete(transfer)) return;
    this.lastSeen = Date.now();
    this.owner.changed(this);
  }

  /**
   * Stops every download of this session at once (Disconnect, shutdown). A response that
   * has finished is left alone: its last bytes may still sit in the socket's buffer.
   */
  end(): void {
    this.ended = true;
    for (const res of this.transfers.values()) if (!res.writableFinished) res.destroy();
    this.transfers.clear();
  }

  disconnect(reason: string): void {
    this.owner.disconnect(this, reason);
  }

  /** A browser has no chat: the warning is shown on the next page it loads. */
  warn(text: string): void {
    this.warnings.push(text);
    this.owner.warned(this, text);
  }

  snapshot(paused: boolean): ActivitySnapshot {
    // Several downloads at once show as the newest one; bytes and speed count them all.
    const current = [...this.transfers.keys()].at(-1);
    const status: SessionStatus = this.ended ? 'disconnected' : current ? (paused ? 'paused' : 'downloading') : 'idle';
    return {
      status,
      currentFile: current?.name ?? null,
      progress: current ? (current.size > 0 ? Math.min(100, (current.done / current.size) * 100) : 100) : 0,
      bytesSent: this.bytesSent,
      bytesPerSecond: this.meter.rate(),
    };
  }
}

export function newCookieValue(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
