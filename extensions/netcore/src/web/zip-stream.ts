// A ZIP of shared files built while it is sent (yazl): entries are stored, not
// compressed, so the archive's size is known before the first byte (Content-Length, and a
// browser shows real progress) and ZIP64 is used only when the archive needs it. Each file
// is opened through the share's rules only when its turn comes, and read as the response
// drains, so memory does not grow with the archive.
import type { ReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import type { Share } from '../server/share';

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

export function buildZip(share: Share, items: readonly ZipItem[]): ZipBuild {
  const zip = new ZipFile();
  const open = new Set<ReadStream>();
  let aborted = false;
  for (const item of items) {
    zip.addReadStreamLazy(
      item.name,
      { size: item.size, mtime: new Date(item.mtimeMs), mode: REGULAR_FILE_MODE, compress: false },
      (callback) => {
        if (aborted) return callback(new PssError(ErrorCode.CANCELLED, 'the download was abandoned'), undefined as never);
        share.openFile(item.path).then(
          ({ handle, stat }) => {
            if (stat.size !== item.size || aborted) {
              void handle.close().catch(() => undefined);
              return callback(new PssError(ErrorCode.FILE_CHANGED, `${item.path} changed while the ZIP was being made`), undefined as never);
            }
            if (item.size === 0) {
              void handle.close().catch(() => undefined);
              const empty = new PassThrough();
              empty.end();
              return callback(null, empty);
            }
            const stream = handle.createReadStream({ start: 0, end: item.size - 1, highWaterMark: READ_CHUNK_BYTES });
            open.add(stream);
            stream.once('close', () => open.delete(stream));
            callback(null, stream);
          },
          (err) => callback(err, undefined as never),
        );
      },
    );
  }
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
      for (const s of open) s.destroy();
      stream.destroy();
    },
  };
}
