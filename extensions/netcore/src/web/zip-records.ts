// The records of a ZIP of stored entries (APPNOTE 6.3.10), laid out before the first byte
// is sent so the archive's exact length is known up front. Every entry is stored (method
// 0), named in UTF-8 (flag bit 11), dated twice: the MS-DOS date and time in local time
// that every extractor reads, and the extended-timestamp field (0x5455) with the exact
// UTC second for the extractors that know it.
//
// An entry whose bytes are read whole before its header is written carries its CRC-32 and
// sizes in the local header. A larger one is sent as it is read: its local header says
// "sizes and CRC follow" (flag bit 3) and a data descriptor after the data gives them.
//
// ZIP64 only where a field overflows: an entry of 4 GiB or more has a ZIP64 extra field
// in both headers and 8-byte sizes in its descriptor; an entry starting at or past 4 GiB
// has its offset in a ZIP64 extra field of its central record; 65,535 entries or more, or
// a central directory past 4 GiB in size or offset, add the ZIP64 end records.

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const END_SIGNATURE = 0x06054b50;

const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const END_BYTES = 22;
const ZIP64_END_BYTES = 56;
const ZIP64_LOCATOR_BYTES = 20;
const DESCRIPTOR_BYTES = 16;
const ZIP64_DESCRIPTOR_BYTES = 24;
/** The extended-timestamp extra field with the modification time only: id, length, flags, time. */
const TIMESTAMP_EXTRA_BYTES = 9;
const TIMESTAMP_EXTRA_ID = 0x5455;
const ZIP64_EXTRA_ID = 0x0001;

const FLAG_DESCRIPTOR = 1 << 3;
const FLAG_UTF8 = 1 << 11;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
/** Made by: Unix (3), specification 6.3, so extractors read the mode in the external attributes. */
const VERSION_MADE_BY = (3 << 8) | 63;
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

/** A 32-bit field this large or larger is 0xFFFFFFFF, with the value in a ZIP64 field. */
const MAX_32 = 0xffffffff;
/** 0xFFFF entries or more: the count is in the ZIP64 end record. */
const MAX_16 = 0xffff;
const MAX_NAME_BYTES = 0xffff;

export interface ZipEntryInput {
  /** The entry's name in the archive, `/` between folders. */
  name: string;
  size: number;
  mtimeMs: number;
  /** Sent as read, its CRC-32 and sizes in a data descriptor after the data. */
  descriptor: boolean;
}

export interface PlannedEntry {
  readonly name: Buffer;
  readonly size: number;
  readonly descriptor: boolean;
  /** Where its local header starts. */
  readonly offset: number;
  /** Its sizes do not fit 32 bits. */
  readonly zip64Sizes: boolean;
  readonly dosTime: number;
  readonly dosDate: number;
  /** Seconds since 1970 (UTC) for the timestamp field, undefined when the field cannot hold them. */
  readonly unixSeconds: number | undefined;
}

export interface ZipPlan {
  readonly entries: readonly PlannedEntry[];
  readonly centralOffset: number;
  readonly centralSize: number;
  /** The archive's length in bytes. */
  readonly size: number;
}

/** The MS-DOS date and time of `ms` in local time, within the range the format can say (1980-2107). */
export function dosDateTime(ms: number): { date: number; time: number } {
  const d = new Date(ms);
  const year = d.getFullYear();
  if (!(year >= 1980)) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) return { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}

function localHeaderBytes(e: Pick<PlannedEntry, 'name' | 'zip64Sizes' | 'unixSeconds'>): number {
  return LOCAL_HEADER_BYTES + e.name.length + (e.unixSeconds === undefined ? 0 : TIMESTAMP_EXTRA_BYTES) + (e.zip64Sizes ? 20 : 0);
}

function descriptorBytes(e: Pick<PlannedEntry, 'descriptor' | 'zip64Sizes'>): number {
  if (!e.descriptor) return 0;
  return e.zip64Sizes ? ZIP64_DESCRIPTOR_BYTES : DESCRIPTOR_BYTES;
}

/** The 8-byte values of a central record's ZIP64 extra field: sizes (twice) and offset, as needed. */
function zip64CentralValues(e: PlannedEntry): number {
  return (e.zip64Sizes ? 2 : 0) + (e.offset >= MAX_32 ? 1 : 0);
}

export function centralRecordBytes(e: PlannedEntry): number {
  const values = zip64CentralValues(e);
  return CENTRAL_HEADER_BYTES + e.name.length + (e.unixSeconds === undefined ? 0 : TIMESTAMP_EXTRA_BYTES) + (values > 0 ? 4 + 8 * values : 0);
}

function needsZip64End(count: number, centralOffset: number, centralSize: number): boolean {
  return count >= MAX_16 || centralOffset >= MAX_32 || centralSize >= MAX_32;
}

/** Where every record goes, and the archive's length. Throws on a name the format cannot hold. */
export function planZip(inputs: readonly ZipEntryInput[]): ZipPlan {
  const entries: PlannedEntry[] = [];
  let at = 0;
  for (const input of inputs) {
    const name = Buffer.from(input.name, 'utf8');
    if (name.length > MAX_NAME_BYTES) throw new RangeError(`a ZIP entry name is at most ${MAX_NAME_BYTES} bytes: ${input.name.slice(0, 80)}…`);
    const { date, time } = dosDateTime(input.mtimeMs);
    const seconds = Math.floor(input.mtimeMs / 1000);
    const entry: PlannedEntry = {
      name,
      size: input.size,
      descriptor: input.descriptor,
      offset: at,
      zip64Sizes: input.size >= MAX_32,
      dosTime: time,
      dosDate: date,
      unixSeconds: seconds >= 0 && seconds <= 0x7fffffff ? seconds : undefined,
    };
    entries.push(entry);
    at += localHeaderBytes(entry) + entry.size + descriptorBytes(entry);
  }
  const centralOffset = at;
  let centralSize = 0;
  for (const e of entries) centralSize += centralRecordBytes(e);
  const end = END_BYTES + (needsZip64End(entries.length, centralOffset, centralSize) ? ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES : 0);
  return { entries, centralOffset, centralSize, size: centralOffset + centralSize + end };
}

function writeUInt64(buf: Buffer, value: number, at: number): number {
  buf.writeUInt32LE(value % 0x1_0000_0000, at);
  buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), at + 4);
  return at + 8;
}

function writeTimestampExtra(buf: Buffer, e: PlannedEntry, at: number): number {
  if (e.unixSeconds === undefined) return at;
  buf.writeUInt16LE(TIMESTAMP_EXTRA_ID, at);
  buf.writeUInt16LE(5, at + 2);
  buf.writeUInt8(1, at + 4); // the modification time only
  buf.writeUInt32LE(e.unixSeconds, at + 5);
  return at + TIMESTAMP_EXTRA_BYTES;
}

/**
 * The local header of `e`. `crc` is its CRC-32 when the entry has no descriptor (its bytes
 * were read before), and is ignored otherwise.
 */
export function localHeader(e: PlannedEntry, crc: number): Buffer {
  const buf = Buffer.allocUnsafe(localHeaderBytes(e));
  const known = !e.descriptor;
  buf.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
  buf.writeUInt16LE(e.zip64Sizes ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 4);
  buf.writeUInt16LE(FLAG_UTF8 | (e.descriptor ? FLAG_DESCRIPTOR : 0), 6);
  buf.writeUInt16LE(0, 8); // stored
  buf.writeUInt16LE(e.dosTime, 10);
  buf.writeUInt16LE(e.dosDate, 12);
  buf.writeUInt32LE(known ? crc >>> 0 : 0, 14);
  const size32 = e.zip64Sizes ? MAX_32 : known ? e.size : 0;
  buf.writeUInt32LE(size32, 18);
  buf.writeUInt32LE(size32, 22);
  buf.writeUInt16LE(e.name.length, 26);
  buf.writeUInt16LE(localHeaderBytes(e) - LOCAL_HEADER_BYTES - e.name.length, 28);
  let at = LOCAL_HEADER_BYTES + e.name.copy(buf, LOCAL_HEADER_BYTES);
  at = writeTimestampExtra(buf, e, at);
  if (e.zip64Sizes) {
    // With a descriptor the sizes come after the data, so here they are zero, as in the 32-bit fields.
    buf.writeUInt16LE(ZIP64_EXTRA_ID, at);
    buf.writeUInt16LE(16, at + 2);
    at = writeUInt64(buf, known ? e.size : 0, at + 4);
    at = writeUInt64(buf, known ? e.size : 0, at);
  }
  return buf;
}

/** The data descriptor after the bytes of an entry with `descriptor`. */
export function dataDescriptor(e: PlannedEntry, crc: number): Buffer {
  const buf = Buffer.allocUnsafe(descriptorBytes(e));
  buf.writeUInt32LE(DATA_DESCRIPTOR_SIGNATURE, 0);
  buf.writeUInt32LE(crc >>> 0, 4);
  if (e.zip64Sizes) {
    writeUInt64(buf, e.size, 8);
    writeUInt64(buf, e.size, 16);
  } else {
    buf.writeUInt32LE(e.size, 8);
    buf.writeUInt32LE(e.size, 12);
  }
  return buf;
}

/** Writes the central-directory record of `e` into `buf` at `at`; returns where it ends. */
export function writeCentralRecord(buf: Buffer, e: PlannedEntry, crc: number, at: number): number {
  const values = zip64CentralValues(e);
  const farOffset = e.offset >= MAX_32;
  buf.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, at);
  buf.writeUInt16LE(VERSION_MADE_BY, at + 4);
  buf.writeUInt16LE(values > 0 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, at + 6);
  buf.writeUInt16LE(FLAG_UTF8 | (e.descriptor ? FLAG_DESCRIPTOR : 0), at + 8);
  buf.writeUInt16LE(0, at + 10);
  buf.writeUInt16LE(e.dosTime, at + 12);
  buf.writeUInt16LE(e.dosDate, at + 14);
  buf.writeUInt32LE(crc >>> 0, at + 16);
  buf.writeUInt32LE(e.zip64Sizes ? MAX_32 : e.size, at + 20);
  buf.writeUInt32LE(e.zip64Sizes ? MAX_32 : e.size, at + 24);
  buf.writeUInt16LE(e.name.length, at + 28);
  buf.writeUInt16LE(centralRecordBytes(e) - CENTRAL_HEADER_BYTES - e.name.length, at + 30);
  buf.writeUInt16LE(0, at + 32); // comment length
  buf.writeUInt16LE(0, at + 34); // disk number
  buf.writeUInt16LE(0, at + 36); // internal attributes
  buf.writeUInt32LE(EXTERNAL_ATTRIBUTES, at + 38);
  buf.writeUInt32LE(farOffset ? MAX_32 : e.offset, at + 42);
  at += CENTRAL_HEADER_BYTES;
  at += e.name.copy(buf, at);
  at = writeTimestampExtra(buf, e, at);
  if (values > 0) {
    buf.writeUInt16LE(ZIP64_EXTRA_ID, at);
    buf.writeUInt16LE(8 * values, at + 2);
    at += 4;
    if (e.zip64Sizes) {
      at = writeUInt64(buf, e.size, at);
      at = writeUInt64(buf, e.size, at);
    }
    if (farOffset) at = writeUInt64(buf, e.offset, at);
  }
  return at;
}

/** The records after the central directory: the ZIP64 end record and locator when needed, then the end record. */
export function endRecords(plan: ZipPlan): Buffer {
  const count = plan.entries.length;
  const { centralOffset, centralSize } = plan;
  const zip64 = needsZip64End(count, centralOffset, centralSize);
  const buf = Buffer.alloc((zip64 ? ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES : 0) + END_BYTES);
  let at = 0;
  if (zip64) {
    buf.writeUInt32LE(ZIP64_END_SIGNATURE, 0);
    writeUInt64(buf, ZIP64_END_BYTES - 12, 4);
    buf.writeUInt16LE(VERSION_MADE_BY, 12);
    buf.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    // Disk numbers (16, 20) stay zero.
    writeUInt64(buf, count, 24);
    writeUInt64(buf, count, 32);
    writeUInt64(buf, centralSize, 40);
    writeUInt64(buf, centralOffset, 48);
    buf.writeUInt32LE(ZIP64_LOCATOR_SIGNATURE, 56);
    buf.writeUInt32LE(0, 60);
    writeUInt64(buf, centralOffset + centralSize, 64);
    buf.writeUInt32LE(1, 72); // disks in all
    at = ZIP64_END_BYTES + ZIP64_LOCATOR_BYTES;
  }
  buf.writeUInt32LE(END_SIGNATURE, at);
  // Disk numbers (at + 4, at + 6) stay zero.
  buf.writeUInt16LE(Math.min(count, MAX_16), at + 8);
  buf.writeUInt16LE(Math.min(count, MAX_16), at + 10);
  buf.writeUInt32LE(Math.min(centralSize, MAX_32), at + 12);
  buf.writeUInt32LE(Math.min(centralOffset, MAX_32), at + 16);
  buf.writeUInt16LE(0, at + 20); // comment length
  return buf;
}
