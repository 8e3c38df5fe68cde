// A ZIP of shared files built while it is sent (yazl): entries are stored, not
// compressed, so the archive's size is known before the first byte (Content-Length, and a
// browser shows real progress) and ZIP64 is used only when the archive needs it. Each file
// is opened through the share's rules a few entries before its turn (small ones are read
// then too) and large ones are read as the response drains, so memory stays bounded by
// the read-ahead window, whatever the archive's size.
import type { ReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { closeSync, fstatSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SyncWatch } from '../serving/read-ahead';
import type { Share } from '../serving/share';
import { useNativeCrc32 } from './zip-crc';

useNativeCrc32();

export interface ZipItem {
  /** Wire path in the share. */
  path: string;
  /** Path inside the archive. */
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ZipBuild {
  stream: Readable;
  /** The archive's exact size in bytes. */
  size: Promise<number>;
  /** Stops reading: closes whatever file is open. */
  abort(): void;
}

const REGULAR_FILE_MODE = 0o100644;
/**
 * The most one central-directory record can take besides its name: the fixed part (46),
 * a ZIP64 extra field (28), the timestamp extra field (9), and slack.
 */
const CENTRAL_RECORD_MAX_BYTES = 46 + 28 + 9 + 16;
const CENTRAL_DIRECTORY_ZIP64_FROM = 0xffff;

/**
 * yazl 3.3 counts the ZIP64 end records in the size it announces as soon as the central
 * directory reaches 64 KiB, but writes them only past 4 GiB, so such an archive would come
 * out 76 bytes shorter than its Content-Length. Forcing those records whenever the
 * directory may reach 64 KiB makes the two agree.
 */
export function needsZip64End(items: readonly ZipItem[]): boolean {
  let bytes = 0;
  for (const item of items) bytes += CENTRAL_RECORD_MAX_BYTES + Buffer.byteLength(item.name);
  return bytes >= CENTRAL_DIRECTORY_ZIP64_FROM;
}

/** Entries opened (and, when small, read) ahead of the one being sent. */
const READ_AHEAD_ENTRIES = 16;
/** Small entries are read whole into memory ahead of their turn, up to this many bytes in all. */
const READ_AHEAD_BYTES = 2 * READ_CHUNK_BYTES;

type Source = { data: Buffer } | { handle: FileHandle };

/**
 * Reads entries ahead of their turn. A ZIP of many small files used to wait for each
 * file's path checks, open, stat and read in turn while the socket sat idle; with up to
 * READ_AHEAD_ENTRIES of them in flight the response never waits for the disk. Files up to
 * READ_CHUNK_BYTES are read whole (within READ_AHEAD_BYTES); larger ones are only opened
 * ahead and streamed when their turn comes.
 */
class ReadAhead {
  private readonly pending = new Map<number, Promise<Source>>();
  private buffered = 0;
  private next = 0;
  private stopped = false;
  /** Small entries are checked, opened and read with synchronous calls while that stays quick (serving/read-ahead.ts). */
  private readonly watch = new SyncWatch();

  constructor(
    private readonly share: Share,
    private readonly items: readonly ZipItem[],
  ) {}

  /** The source of entry `index`, fetching it and the entries after it. */
  take(index: number): Promise<Source> {
    this.fill(index);
    const source = this.pending.get(index)!;
    this.pending.delete(index);
    return source.then((s) => {
      if ('data' in s) this.buffered -= s.data.length;
      this.fill(index + 1);
      return s;
    });
  }

  /** Closes whatever was opened ahead and was not taken. */
  stop(): void {
    this.stopped = true;
    for (const source of this.pending.values()) source.then((s) => ('handle' in s ? s.handle.close() : undefined)).catch(() => undefined);
    this.pending.clear();
  }

  private fill(from: number): void {
    if (this.next < from) this.next = from;
    while (!this.stopped && this.next < this.items.length && this.next < from + READ_AHEAD_ENTRIES) {
      const item = this.items[this.next]!;
      const small = item.size <= READ_CHUNK_BYTES;
      // The entry about to be sent is always fetched; the ones after it only within the budget.
      if (small && this.next > from && this.buffered + item.size > READ_AHEAD_BYTES) return;
      if (small) this.buffered += item.size;
      const source = this.fetch(item, small);
      // Taken later, or closed by stop(): a failure before then must not count as unhandled.
      source.catch(() => undefined);
      this.pending.set(this.next, source);
      this.next++;
    }
  }

  private async fetch(item: ZipItem, small: boolean): Promise<Source> {
    if (small && this.watch.sync) {
      const started = performance.now();
      try {
        if (this.stopped) throw new PssError(ErrorCode.CANCELLED, 'the download was abandoned');
        return { data: readWhole(this.share, item) };
      } finally {
        this.watch.timed(started);
      }
    }
    const { handle, stat } = await this.share.openFile(item.path);
    try {
      if (stat.size !== item.size || this.stopped) throw new PssError(ErrorCode.FILE_CHANGED, `${item.path} changed while the ZIP was being made`);
      if (!small) return { handle };
      const data = Buffer.allocUnsafe(item.size);
      for (let at = 0; at < data.length; ) {
        const { bytesRead } = await handle.read(data, at, data.length - at, at);
        if (bytesRead === 0) throw new PssError(ErrorCode.FILE_CHANGED, `${item.path} changed while the ZIP was being made`);
        at += bytesRead;
      }
      await handle.close();
      return { data };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }
}

/** A small entry read whole on this thread, with the same checks as fetch(). */
function readWhole(share: Share, item: ZipItem): Buffer {
  const { fd, stat } = share.openFileSync(item.path);
  try {
    const changed = () => new PssError(ErrorCode.FILE_CHANGED, `${item.path} changed while the ZIP was being made`);
    if (stat.size !== item.size) throw changed();
    const data = Buffer.allocUnsafe(item.size);
    for (let at = 0; at < data.length; ) {
      const bytesRead = readSync(fd, data, at, data.length - at, at);
      if (bytesRead === 0) throw changed();
      at += bytesRead;
    }
    const after = fstatSync(fd);
    if (after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) throw changed();
    return data;
  } finally {
    closeSync(fd);
  }
}

export function buildZip(share: Share, items: readonly ZipItem[]): ZipBuild {
  const zip = new ZipFile();
  const open = new Set<ReadStream>();
  const ahead = new ReadAhead(share, items);
  let aborted = false;
  items.forEach((item, index) => {
    zip.addReadStreamLazy(
      item.name,
      { size: item.size, mtime: new Date(item.mtimeMs), mode: REGULAR_FILE_MODE, compress: false },
      (callback) => {
        if (aborted) return callback(new PssError(ErrorCode.CANCELLED, 'the download was abandoned'), undefined as never);
        ahead.take(index).then(
          (source) => {
            if (aborted) {
              if ('handle' in source) void source.handle.close().catch(() => undefined);
              return callback(new PssError(ErrorCode.CANCELLED, 'the download was abandoned'), undefined as never);
            }
            if ('data' in source) {
              const whole = new PassThrough();
              whole.end(source.data);
              return callback(null, whole);
            }
            const stream = source.handle.createReadStream({ start: 0, end: item.size - 1, highWaterMark: READ_CHUNK_BYTES });
            open.add(stream);
            stream.once('close', () => open.delete(stream));
            callback(null, stream);
          },
          (err) => callback(err, undefined as never),
        );
      },
    );
  });
  // The published types leave out the size yazl passes to end()'s callback.
  const end = zip.end as unknown as (options: { forceZip64Format: boolean }, sized: (total: number) => void) => void;
  const size = new Promise<number>((resolve) => end.call(zip, { forceZip64Format: needsZip64End(items) }, (total) => resolve(total)));
  const stream = zip.outputStream as Readable;
  // yazl reports a failed entry on the ZipFile; the reader of the stream must hear of it.
  zip.on('error', (err: Error) => stream.destroy(err));
  return {
    stream,
    size,
    abort() {
      aborted = true;
      ahead.stop();
      for (const s of open) s.destroy();
      stream.destroy();
    },
  };
}
