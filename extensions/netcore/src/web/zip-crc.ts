// yazl computes each entry's CRC-32 with buffer-crc32, a table loop in JavaScript (about
// 300 MiB/s on the benchmark machine: a quarter of the event loop's time in a ZIP of small
// files). zlib's crc32 computes the same value natively, many times faster. yazl reads the
// function from buffer-crc32's module object on every call, so pointing that object's
// `unsigned` at zlib's makes every ZIP use it; without zlib.crc32 (Node before 20.15)
// nothing changes.
import * as zlib from 'node:zlib';

type Crc32Input = Buffer | string | number;

/** The very module object yazl requires (its CommonJS build, not the ES one). */
const bufferCrc32 = require('buffer-crc32') as { unsigned: (input: Crc32Input, previous?: Buffer | number) => number };


const native = (zlib as { crc32?: (data: string | NodeJS.ArrayBufferView, value?: number) => number }).crc32;

/** The CRC-32 of `input` continuing from `previous`, as buffer-crc32's `unsigned` answers it. */
export function nativeUnsigned(input: Crc32Input, previous?: Buffer | number): number {
  const data = typeof input === 'number' ? Buffer.alloc(input) : input;
  const start = Buffer.isBuffer(previous) ? previous.readUInt32BE(0) : (previous ?? 0) >>> 0;
  return native!(data, start);
}

let installed = false;

/** Makes yazl's CRC-32 zlib's; returns whether it could. Safe to call more than once. */
export function useNativeCrc32(): boolean {
  if (installed) return true;
  if (typeof native !== 'function') return false;
  bufferCrc32.unsigned = nativeUnsigned;
  installed = true;
  return true;
}
