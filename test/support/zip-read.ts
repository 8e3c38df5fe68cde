// Reading a ZIP back with yauzl (an independent reader, which checks every entry's sizes
// against its headers; the CRC-32 of every entry read is checked here), for the tests of
// the web port's ZIP writer.
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';

/** zlib's CRC-32 (Node 20.15 and later): the check of every entry read, independent of the writer's headers. */
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export interface ReadEntry {
  name: string;
  size: number;
  /** Stored bytes; empty for an entry left unread. */
  data: Buffer;
  method: number;
  /** General-purpose flag bit 3: CRC and sizes in a data descriptor after the data. */
  descriptor: boolean;
  /** General-purpose flag bit 11. */
  utf8Flag: boolean;
  /** The extended timestamp when present, else the MS-DOS time. */
  mtime: Date;
  /** The MS-DOS time, as local time. */
  dosMtime: Date;
  crc32: number;
  /** Where its local header starts. */
  offset: number;
}

export interface ReadOptions {
  /** Entries whose bytes are not read (a sparse multi-GiB entry). */
  skipData?: (name: string) => boolean;
}

/** Every entry of the ZIP in `source` (its bytes, or a file's path), in the central directory's order. */
export function readZip(source: Buffer | string, options: ReadOptions = {}): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    const opened = (err: Error | null, zip: yauzl.ZipFile) => {
      if (err) return reject(err);
      const out: ReadEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        const read: ReadEntry = {
          name: entry.fileName,
          size: entry.uncompressedSize,
          data: Buffer.alloc(0),
          method: entry.compressionMethod,
          descriptor: (entry.generalPurposeBitFlag & 0x8) !== 0,
          utf8Flag: (entry.generalPurposeBitFlag & 0x800) !== 0,
          mtime: entry.getLastModDate(),
          dosMtime: entry.getLastModDate({ forceDosFormat: true }),
          crc32: entry.crc32,
          offset: entry.relativeOffsetOfLocalHeader,
        };
        out.push(read);
        if (options.skipData?.(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.once('error', reject);
          stream.once('end', () => {
            read.data = Buffer.concat(parts);
            if (zlibCrc32 && zlibCrc32(read.data) >>> 0 !== entry.crc32)
              return reject(new Error(`${entry.fileName}: CRC-32 ${entry.crc32} in the central directory, ${zlibCrc32(read.data)} of its bytes`));
            zip.readEntry();
          });
        });
      });
      zip.once('end', () => resolve(out));
      zip.once('error', reject);
      zip.readEntry();
    };
    if (typeof source === 'string') yauzl.open(source, { lazyEntries: true }, opened);
    else yauzl.fromBuffer(source, { lazyEntries: true }, opened);
  });
}

/** Whether the archive ends with the ZIP64 end record and locator before its end record (no comment). */
export function hasZip64End(body: Buffer): boolean {
  const locator = body.length - 22 - 20;
  return locator >= 56 && body.readUInt32LE(locator) === 0x07064b50 && body.readUInt32LE(locator - 56) === 0x06064b50;
}
