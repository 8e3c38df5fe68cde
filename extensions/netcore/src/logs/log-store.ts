// The server's log: the newest entries in memory for the UI (query, filter, live stream)
// and, when a folder is given, every entry appended to the log file (log-file.ts).
import { ErrorCode, PssError } from '../errors';
import { LogFile, type LogFileOptions } from './log-file';
import { LogCategory, makeEntry, type LogEntry, type LogSink } from './log-entry';
import { LOG_FIELD_MAX_BYTES, LOG_MEMORY_MAX_BYTES, LOG_MEMORY_MAX_ENTRIES, LOG_MESSAGE_MAX_BYTES } from './log-limits';

/** An entry as the store keeps it: frozen, numbered 1, 2, 3, … in the order it was added. */
export interface StoredLogEntry extends Readonly<LogEntry> {
  readonly seq: number;
}

/** A point in time: a Date, milliseconds since the epoch, or an ISO 8601 string. */
export type LogTime = Date | number | string;

export interface LogQuery {
  /** Only these categories; all when absent or empty. */
  categories?: readonly LogCategory[];
  /** Case-insensitive substring of the message, address, session id or category. */
  text?: string;
  /** Inclusive bounds on the entry's time. Entries whose time does not parse never match a bound. */
  from?: LogTime;
  to?: LogTime;
  /** At most this many entries; all that match when absent. */
  limit?: number;
  /** Only entries older than this seq: pass the last seq of one page to get the next. */
  beforeSeq?: number;
}

export interface LogStoreOptions {
  /** Folder of the log file (the data directory's `logs/`); without it the log is memory only. */
  dir?: string;
  /** Entries kept in memory; the oldest are dropped first. */
  maxEntries?: number;
  /** About how much memory the kept entries may take; the oldest are dropped first. */
  maxBytes?: number;
  maxFileBytes?: LogFileOptions['maxFileBytes'];
  keepFiles?: LogFileOptions['keepFiles'];
}

export type LogListener = (entry: StoredLogEntry) => void;

export class LogStore {
  /** `add` as a plain function, for the server's `log` setting. */
  readonly sink: LogSink = (entry) => {
    this.add(entry);
  };
  private readonly capacity: number;
  /** A ring: the entry numbered seq sits at (seq - 1) % capacity. */
  private readonly ring: (StoredLogEntry | undefined)[];
  /** The parsed time of each slot's entry (NaN when it does not parse). */
  private readonly times: Float64Array;
  /** The size each slot's entry is counted at. */
  private readonly sizes: Uint32Array;
  private readonly maxBytes: number;
  private bytes = 0;
  private readonly listeners = new Set<LogListener>();
  private readonly file: LogFile | undefined;
  private nextSeq = 1;
  private count = 0;

  constructor(options: LogStoreOptions = {}) {
    const capacity = options.maxEntries ?? LOG_MEMORY_MAX_ENTRIES;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new PssError(ErrorCode.BAD_ARGUMENT, `maxEntries must be a positive integer, not ${capacity}`);
    }
    this.capacity = capacity;
    this.ring = new Array<StoredLogEntry | undefined>(capacity);
    this.times = new Float64Array(capacity);
    this.sizes = new Uint32Array(capacity);
    this.maxBytes = options.maxBytes ?? LOG_MEMORY_MAX_BYTES;
    if (options.dir !== undefined) {
      const fileOptions: LogFileOptions = { onError: (err) => this.fileFailed(err) };
      if (options.maxFileBytes !== undefined) fileOptions.maxFileBytes = options.maxFileBytes;
      if (options.keepFiles !== undefined) fileOptions.keepFiles = options.keepFiles;
      this.file = new LogFile(options.dir, fileOptions);
    }
  }

  /** Entries in memory. */
  get size(): number {
    return this.count;
  }

  /** The seq of the newest entry; 0 before the first. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** The current log file, when there is one. */
  get filePath(): string | undefined {
    return this.file?.path;
  }

  /**
   * Numbers the entry, keeps it, queues it for the file and tells the listeners. Never
   * throws for a listener's sake: a listener that throws is skipped.
   */
  add(entry: LogEntry): StoredLogEntry {
    const plain = toPlainEntry(entry);
    const stored = this.keep(plain);
    this.file?.append(JSON.stringify(plain));
    this.notify(stored);
    return stored;
  }

  /** Matching entries, newest first. */
  query(query: LogQuery = {}): StoredLogEntry[] {
    const categories = query.categories?.length ? new Set<string>(query.categories) : undefined;
    const needle = query.text ? query.text.toLowerCase() : '';
    const from = query.from === undefined ? -Infinity : toMs(query.from, 'from');
    const to = query.to === undefined ? Infinity : toMs(query.to, 'to');
    const limit = query.limit ?? Infinity;
    if (limit !== Infinity && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new PssError(ErrorCode.BAD_ARGUMENT, `limit must be a non-negative integer, not ${limit}`);
    }
    if (query.beforeSeq !== undefined && !Number.isFinite(query.beforeSeq)) {
      throw new PssError(ErrorCode.BAD_ARGUMENT, `beforeSeq must be a number, not ${query.beforeSeq}`);
    }
    const timed = from !== -Infinity || to !== Infinity;

    const out: StoredLogEntry[] = [];
    const first = this.nextSeq - this.count;
    let seq = this.lastSeq;
    if (query.beforeSeq !== undefined) seq = Math.min(seq, Math.ceil(query.beforeSeq) - 1);
    for (; seq >= first && out.length < limit; seq--) {
      const slot = (seq - 1) % this.capacity;
      const entry = this.ring[slot]!;
      if (categories && !categories.has(entry.category)) continue;
      if (timed) {
        const ms = this.times[slot]!;
        if (!(ms >= from && ms <= to)) continue;
      }
      if (needle && !matchesText(entry, needle)) continue;
      out.push(entry);
    }
    return out;
  }

  /** Calls `listener` with each new entry, until the returned function is called. */
  subscribe(listener: LogListener): () => void {
    const own = (entry: StoredLogEntry) => listener(entry);
    this.listeners.add(own);
    return () => {
      this.listeners.delete(own);
    };
  }

  /** Resolves when every entry added so far is in the log file (or the file has failed). */
  async flush(): Promise<void> {
    await this.file?.flush();
  }

  /**
   * Idempotent: writes what is queued and closes the log file. Entries added later are
   * still kept in memory and streamed, but no longer written.
   */
  async close(): Promise<void> {
    await this.file?.close();
  }

  private keep(entry: LogEntry): StoredLogEntry {
    const stored: StoredLogEntry = Object.freeze({ ...entry, seq: this.nextSeq++ });
    const slot = (stored.seq - 1) % this.capacity;
    if (this.count === this.capacity) this.bytes -= this.sizes[slot]!;
    else this.count++;
    const size = entrySize(stored);
    this.ring[slot] = stored;
    this.times[slot] = Date.parse(stored.time);
    this.sizes[slot] = size;
    this.bytes += size;
    // Bounded by bytes too: many long entries hold fewer of them, never more memory.
    while (this.bytes > this.maxBytes && this.count > 1) {
      const oldest = (this.nextSeq - this.count - 1) % this.capacity;
      this.bytes -= this.sizes[oldest]!;
      this.ring[oldest] = undefined;
      this.count--;
    }
    return stored;
  }

  private notify(entry: StoredLogEntry): void {
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // One broken view must not stop logging or the other views.
      }
    }
  }

  private fileFailed(err: PssError): void {
    const entry = makeEntry(LogCategory.ERROR, `${err.message} [${err.code}]; from now on the log is kept in memory only`);
    this.notify(this.keep(entry));
  }
}

/**
 * Only the entry's own fields, in a fixed order, without anything a caller added, each cut
 * to its byte cap: whatever a peer makes the server log, one entry stays small.
 */
function toPlainEntry(entry: LogEntry): LogEntry {
  return {
    time: capBytes(entry.time, LOG_FIELD_MAX_BYTES),
    category: entry.category,
    ...(entry.sessionId !== undefined && { sessionId: capBytes(entry.sessionId, LOG_FIELD_MAX_BYTES) }),
    ...(entry.address !== undefined && { address: capBytes(entry.address, LOG_FIELD_MAX_BYTES) }),
    message: capBytes(entry.message, LOG_MESSAGE_MAX_BYTES),
  };
}

/** `text` cut to at most `max` UTF-8 bytes (ending in "…" when cut), never inside a character. */
export function capBytes(text: string, max: number): string {
  if (text.length * 3 <= max || Buffer.byteLength(text) <= max) return text;
  const bytes = Buffer.from(text).subarray(0, max - 3);
  // A cut inside a multi-byte character leaves U+FFFD at the end: drop it.
  return bytes.toString('utf8').replace(/\uFFFD$/, '') + '…';
}

/** What an entry is counted at: its text as UTF-16, plus the object around it. */
function entrySize(entry: StoredLogEntry): number {
  return 2 * (entry.time.length + entry.message.length + (entry.address?.length ?? 0) + (entry.sessionId?.length ?? 0)) + 160;
}

function matchesText(entry: StoredLogEntry, needle: string): boolean {
  return (
    entry.message.toLowerCase().includes(needle) ||
    entry.category.toLowerCase().includes(needle) ||
    (entry.address?.toLowerCase().includes(needle) ?? false) ||
    (entry.sessionId?.toLowerCase().includes(needle) ?? false)
  );
}

function toMs(value: LogTime, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) throw new PssError(ErrorCode.BAD_ARGUMENT, `${name} is not a valid time: ${String(value)}`);
  return ms;
}
