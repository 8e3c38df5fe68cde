// The CRC-32 of a ZIP entry (the IEEE polynomial, as zlib and APPNOTE 4.4.7 define it).
// Node 20.15 and later compute it natively (zlib.crc32, several GiB/s); an older Node gets
// a table loop here, about ten times slower but the same values.
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, previous: number) => number;

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The table loop, for a Node without zlib.crc32. */
export const tableCrc32: Crc32 = (data, previous) => {
  const t = crcTable();
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};

/** Whether this Node computes the CRC natively. */
export const NATIVE_CRC32 = typeof native === 'function';

/** The CRC-32 of `data`, continuing from `previous` (0 for the first bytes). */
export const crc32: Crc32 = NATIVE_CRC32 ? (data, previous) => native!(data, previous) >>> 0 : tableCrc32;
