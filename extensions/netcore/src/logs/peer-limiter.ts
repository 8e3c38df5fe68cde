// Repeated events from one peer are summed up instead of flooding the log: each address
// may add LOG_PEER_MAX_ENTRIES entries per LOG_PEER_WINDOW_MS; what comes beyond that is
// counted, and one entry at the end of the window says how many were left out. Entries
// without an address (the server's own) always pass.
import { LOG_PEER_MAX_ENTRIES, LOG_PEER_WINDOW_MS } from './log-limits';
import { LogCategory, makeEntry, type LogEntry, type LogSink } from './log-entry';

export interface PeerLimiterOptions {
  maxEntries: number;
  windowMs: number;
}

interface Window {
  started: number;
  kept: number;
  dropped: number;
}

export class PeerLogLimiter {
  /** The wrapped sink, for the server's `log` setting. */
  readonly sink: LogSink = (entry) => this.add(entry);
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly next: LogSink,
    private readonly options: PeerLimiterOptions = { maxEntries: LOG_PEER_MAX_ENTRIES, windowMs: LOG_PEER_WINDOW_MS },
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.sweep(), options.windowMs);
    this.timer.unref();
  }

  /** Writes the summaries still pending and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    for (const [address, w] of this.windows) this.summarise(address, w);
    this.windows.clear();
  }

  private add(entry: LogEntry): void {
    const address = entry.address;
    if (address === undefined) return this.next(entry);
    const now = this.now();
    let w = this.windows.get(address);
    if (w && now - w.started >= this.options.windowMs) {
      this.summarise(address, w);
      w = undefined;
    }
    if (!w) {
      w = { started: now, kept: 0, dropped: 0 };
      this.windows.set(address, w);
    }
    if (w.kept < this.options.maxEntries) {
      w.kept++;
      this.next(entry);
    } else {
      w.dropped++;
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [address, w] of this.windows) {
      if (now - w.started < this.options.windowMs) continue;
      this.summarise(address, w);
      this.windows.delete(address);
    }
  }

  private summarise(address: string, w: Window): void {
    if (w.dropped === 0) return;
    const seconds = Math.round(this.options.windowMs / 1000);
    this.next(makeEntry(LogCategory.SECURITY, `${w.dropped} more entries caused by this address within ${seconds} s were left out of the log`, { address }));
    w.dropped = 0;
  }
}
