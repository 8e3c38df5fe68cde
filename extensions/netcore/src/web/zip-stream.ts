// A ZIP of shared files built while it is sent. Entries are stored, not compressed, so the
// archive's size is known before the first byte (Content-Length, and a browser shows real
// progress); zip-records.ts lays the records out. Files are opened and read by the same
// read-ahead as the main port's downloads (serving/read-ahead.ts): each file goes through
// the share's rules a few entries before its turn and small ones are read then too, so
// the response never waits for one file's checks, open and read at a time.
//
// The archive comes out in batches of about READ_CHUNK_BYTES (many small entries, or one
// frame of a large file): the response writer sends a batch in one turn of the event
// loop, which the socket encrypts and writes at once, and asks for the next only once the
// socket has room. Memory stays bounded by one batch and the read-ahead window, whatever
// the archive's size or its number of files.
import { FRAME_HEADER_BYTES, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { RequestReadAhead, sameVersion, type PreparedFile } from '../serving/read-ahead';
import type { Share } from '../serving/share';
import type { OutgoingBatch } from './response-writer';
import { crc32 } from './zip-crc';
import { centralRecordBytes, dataDescriptor, endRecords, localHeader, planZip, writeCentralRecord, type ZipPlan } from './zip-records';

export interface ZipItem {
  /** Wire path in the share. */
  path: string;
  /** Path inside the archive. */
  name: string;
  size: number;
  mtimeMs: number;
}

export interface ZipBuild {
  /** The archive's exact size in bytes. */
  size: number;
  /** The archive's bytes, a batch at a time; each asked for once the one before went out. */
  batches: AsyncIterable<OutgoingBatch>;
  /** Stops reading: closes whatever file is open or opened ahead. */
  abort(): void;
}

/** A batch is handed over once it holds this many bytes. */
const BATCH_BYTES = READ_CHUNK_BYTES;
/**
 * Entries up to this size are read whole before their local header is written, so the
 * header carries their CRC-32; larger ones are sent as they are read, with a data
 * descriptor after them. One read frame holds a file this size.
 */
const WHOLE_ENTRY_BYTES = READ_CHUNK_BYTES;

const EMPTY = Buffer.alloc(0);

function changed(item: ZipItem): PssError {
  return new PssError(ErrorCode.FILE_CHANGED, `${item.path} changed while the ZIP was being made`);
}

/** The plan of a ZIP of `items`, in their order. */
function planFor(items: readonly ZipItem[]): ZipPlan {
  return planZip(items.map((item) => ({ name: item.name, size: item.size, mtimeMs: item.mtimeMs, descriptor: item.size > WHOLE_ENTRY_BYTES })));
}

class Batcher {
  chunks: Buffer[] = [];
  bytes = 0;
  private releases: (() => void)[] = [];

  add(chunk: Buffer, release?: () => void): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
    if (release) this.releases.push(release);
  }

  get full(): boolean {
    return this.bytes >= BATCH_BYTES;
  }

  take(): OutgoingBatch {
    const releases = this.releases;
    const batch = {
      chunks: this.chunks,
      sent: () => {
        for (const release of releases) release();
      },
    };
    this.chunks = [];
    this.releases = [];
    this.bytes = 0;
    return batch;
  }

  /** What was added and will not be sent: its frames go back. */
  drop(): void {
    this.take().sent();
  }
}

/** Fails unless the file read is the one listed and did not change while it was read. */
async function checkUnchanged(prepared: PreparedFile, item: ZipItem): Promise<void> {
  const { stat, handle } = prepared.opened;
  const after = await (prepared.statAfterRead ?? handle.stat());
  if (!sameVersion(stat, after)) throw changed(item);
}

export function buildZip(share: Share, items: readonly ZipItem[]): ZipBuild {
  const plan = planFor(items);
  let ahead: RequestReadAhead | undefined;
  let aborted = false;

  async function* produce(): AsyncGenerator<OutgoingBatch> {
    ahead = new RequestReadAhead(
      share,
      items.map((item) => ({ path: item.path, offset: 0 })),
    );
    const crcs = new Uint32Array(items.length);
    const out = new Batcher();
    let at = 0;
    try {
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const entry = plan.entries[i]!;
        const prepared = await ahead.take(i);
        const { reader, opened } = prepared;
        try {
          if (aborted) throw new PssError(ErrorCode.CANCELLED, 'the download was abandoned');
          if (opened.stat.size !== item.size) throw changed(item);
          if (entry.offset !== at) throw new Error(`ZIP entry ${i} at byte ${at}, planned at ${entry.offset}`);
          if (!entry.descriptor) {
            const frame = await reader.next();
            const data = frame ? frame.subarray(FRAME_HEADER_BYTES) : EMPTY;
            await checkUnchanged(prepared, item);
            const crc = crc32(data, 0);
            crcs[i] = crc;
            const header = localHeader(entry, crc);
            out.add(header);
            out.add(data, frame && (() => reader.release(frame)));
            at += header.length + data.length;
          } else {
            const header = localHeader(entry, 0);
            out.add(header);
            at += header.length;
            let crc = 0;
            for (let frame = await reader.next(); frame; frame = await reader.next()) {
              const data = frame.subarray(FRAME_HEADER_BYTES);
              crc = crc32(data, crc);
              const taken = frame;
              out.add(data, () => reader.release(taken));
              at += data.length;
              if (out.full) yield out.take();
              if (aborted) throw new PssError(ErrorCode.CANCELLED, 'the download was abandoned');
            }
            await checkUnchanged(prepared, item);
            crcs[i] = crc;
            const descriptor = dataDescriptor(entry, crc);
            out.add(descriptor);
            at += descriptor.length;
          }
        } finally {
          reader.close();
          void opened.handle.close().catch(() => undefined);
        }
        if (out.full) yield out.take();
      }
      if (at !== plan.centralOffset) throw new Error(`ZIP central directory at byte ${at}, planned at ${plan.centralOffset}`);
      let records = Buffer.allocUnsafe(BATCH_BYTES);
      let used = 0;
      for (let i = 0; i < items.length; i++) {
        const entry = plan.entries[i]!;
        const need = centralRecordBytes(entry);
        if (used + need > records.length) {
          out.add(records.subarray(0, used));
          yield out.take();
          records = Buffer.allocUnsafe(Math.max(BATCH_BYTES, need));
          used = 0;
        }
        used = writeCentralRecord(records, entry, crcs[i]!, used);
        at += need;
      }
      out.add(records.subarray(0, used));
      const end = endRecords(plan);
      out.add(end);
      at += end.length;
      if (at !== plan.size) throw new Error(`ZIP of ${at} bytes, planned ${plan.size}`);
      yield out.take();
    } finally {
      out.drop();
      ahead.close();
    }
  }

  return {
    size: plan.size,
    batches: { [Symbol.asyncIterator]: () => produce() },
    abort() {
      aborted = true;
      ahead?.close();
    },
  };
}
