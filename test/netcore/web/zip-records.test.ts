// The ZIP records on their own, with sizes no test writes to disk: an entry of 4 GiB and
// more, an entry starting past 4 GiB and more than 65,535 entries get their ZIP64 fields
// and end records, and yauzl, zipinfo and unzip read such archives back; a sparse file
// stands in for the gigabytes of data. Also the MS-DOS time and its range, the CRC-32
// (native and table) against the standard check value, and the limit on a name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { crc32, NATIVE_CRC32, tableCrc32 } from '../../../extensions/netcore/src/web/zip-crc';
import {
  centralRecordBytes,
  dataDescriptor,
  dosDateTime,
  endRecords,
  localHeader,
  planZip,
  writeCentralRecord,
  type ZipEntryInput,
  type ZipPlan,
} from '../../../extensions/netcore/src/web/zip-records';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { commandNeed, conditionNeed, testIf } from '../../support/tools';
import { runTool } from '../../support/web-client';
import { hasZip64End, readZip } from '../../support/zip-read';

const unzipTest = testIf(test, commandNeed('unzip', { ciInstalls: true, probe: ['-v'] }));
const nativeTest = testIf(test, conditionNeed(NATIVE_CRC32 ? undefined : 'this Node has no zlib.crc32'));

let base = '';

test.before(async () => {
  base = await makeTempDir('zip-records');
});

test.after(async () => {
  await removeDir(base);
});

/** An archive as pieces at their offsets: bytes, or a run of zeros (an entry's data no test holds). */
type Piece = { at: number; bytes: Buffer } | { at: number; zeros: number };

/** The pieces of a ZIP of `inputs` whose data is `data(i)` (a buffer, or a count of zero bytes), laid out as the server sends them. */
function assemble(plan: ZipPlan, data: (i: number) => Buffer | number): { pieces: Piece[]; size: number } {
  const pieces: Piece[] = [];
  const crcs: number[] = [];
  let at = 0;
  const put = (bytes: Buffer) => {
    pieces.push({ at, bytes });
    at += bytes.length;
  };
  const zeroBlock = Buffer.alloc(2 ** 20);
  plan.entries.forEach((entry, i) => {
    assert.is(entry.offset, at, `entry ${i} where planned`);
    const d = data(i);
    let crc = 0;
    if (typeof d === 'number') {
      for (let left = d; left > 0; left -= zeroBlock.length) crc = crc32(zeroBlock.subarray(0, Math.min(left, zeroBlock.length)), crc);
    } else {
      crc = crc32(d, 0);
    }
    crcs.push(crc);
    put(localHeader(entry, entry.descriptor ? 0 : crc));
    if (typeof d === 'number') {
      pieces.push({ at, zeros: d });
      at += d;
    } else {
      put(d);
    }
    if (entry.descriptor) put(dataDescriptor(entry, crc));
  });
  assert.is(at, plan.centralOffset);
  let bytes = 0;
  for (const e of plan.entries) bytes += centralRecordBytes(e);
  const central = Buffer.alloc(bytes);
  let used = 0;
  for (const [i, e] of plan.entries.entries()) used = writeCentralRecord(central, e, crcs[i]!, used);
  assert.is(used, plan.centralSize);
  put(central);
  put(endRecords(plan));
  return { pieces, size: at };
}

/** A reader over the pieces, for yauzl. */
class PieceReader extends yauzl.RandomAccessReader {
  constructor(private readonly pieces: Piece[]) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const parts: Buffer[] = [];
    for (const p of this.pieces) {
      const length = 'bytes' in p ? p.bytes.length : p.zeros;
      const from = Math.max(start, p.at);
      const to = Math.min(end, p.at + length);
      if (from >= to) continue;
      parts.push('bytes' in p ? p.bytes.subarray(from - p.at, to - p.at) : Buffer.alloc(to - from));
    }
    return Readable.from(parts);
  }
}

/** The pieces written to a sparse file: the zeros are holes. */
async function writeSparse(file: string, pieces: Piece[], size: number): Promise<void> {
  const out = await open(file, 'w');
  try {
    for (const p of pieces) if ('bytes' in p) await out.write(p.bytes, 0, p.bytes.length, p.at);
    await out.truncate(size);
  } finally {
    await out.close();
  }
}

const HUGE = 2 ** 32 + 3;
const MTIME = Date.UTC(2024, 2, 3, 4, 5, 6);

test('an entry of 4 GiB and more and an entry past 4 GiB: ZIP64 fields and end records that yauzl reads', async () => {
  const small = randomBytes(10);
  const after = randomBytes(20);
  const inputs: ZipEntryInput[] = [
    { name: 'a.txt', size: small.length, mtimeMs: MTIME, descriptor: false },
    { name: 'big.bin', size: HUGE, mtimeMs: MTIME, descriptor: true },
    { name: 'c.txt', size: after.length, mtimeMs: MTIME, descriptor: false },
  ];
  const plan = planZip(inputs);
  assert.ok(plan.entries[1]!.zip64Sizes);
  assert.not.ok(plan.entries[2]!.zip64Sizes);
  assert.ok(plan.entries[2]!.offset > 2 ** 32);
  const { pieces, size } = assemble(plan, (i) => [small, HUGE, after][i]!);
  assert.is(size, plan.size, 'the planned size is the assembled size');
  const tail = Buffer.concat(pieces.slice(-2).map((p) => ('bytes' in p ? p.bytes : Buffer.alloc(0))));
  assert.ok(hasZip64End(tail), 'ZIP64 end records for a central directory past 4 GiB');

  const entries = await new Promise<yauzl.Entry[]>((resolve, reject) =>
    yauzl.fromRandomAccessReader(new PieceReader(pieces), size, { lazyEntries: false }, (err, zip) => {
      if (err) return reject(err);
      const out: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => out.push(e));
      zip.once('end', () => resolve(out));
      zip.once('error', reject);
    }),
  );
  assert.equal(
    entries.map((e) => [e.fileName, e.uncompressedSize, e.compressedSize, e.relativeOffsetOfLocalHeader]),
    plan.entries.map((e, i) => [inputs[i]!.name, e.size, e.size, e.offset]),
  );
});

unzipTest('zipinfo lists such an archive (a sparse file) and unzip extracts the entry past 4 GiB', async () => {
  const after = randomBytes(20);
  const plan = planZip([
    { name: 'big.bin', size: HUGE, mtimeMs: MTIME, descriptor: true },
    { name: 'after.txt', size: after.length, mtimeMs: MTIME, descriptor: false },
  ]);
  const { pieces, size } = assemble(plan, (i) => [HUGE, after][i]!);
  const file = join(base, 'huge.zip');
  await writeSparse(file, pieces, size);
  const info = await runTool('zipinfo', ['-l', file]);
  assert.is(info.code, 0, info.stderr);
  assert.match(info.stdout.toString(), /4294967299\s+b\S\s+4294967299\s+stor\s.*big\.bin/, info.stdout.toString());
  const x = await runTool('unzip', ['-p', file, 'after.txt']);
  assert.is(x.code, 0, x.stderr);
  assert.ok(x.stdout.equals(after));
  const r = await readZip(file, { skipData: (name) => name === 'big.bin' });
  assert.ok(r[1]!.data.equals(after));
});

test('65,535 entries and more: the count goes in the ZIP64 end record; 65,534 need none', () => {
  const inputs = (n: number): ZipEntryInput[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, size: 0, mtimeMs: MTIME, descriptor: false }));
  const below = planZip(inputs(0xfffe));
  const at = planZip(inputs(0xffff));
  assert.not.ok(hasZip64End(endRecords(below)));
  assert.ok(hasZip64End(endRecords(at)));
  const end = endRecords(at);
  assert.is(end.readUInt16LE(end.length - 22 + 10), 0xffff, 'the end record says: see the ZIP64 record');
  assert.is(Number(end.readBigUInt64LE(32)), 0xffff, 'the ZIP64 end record has the count');
});

const MANY = 70_000;

async function manyEntries(): Promise<{ body: Buffer; data: Buffer[] }> {
  const data = Array.from({ length: MANY }, (_, i) => Buffer.from(String(i)));
  const plan = planZip(data.map((d, i) => ({ name: `d${Math.floor(i / 1000)}/f${i}.txt`, size: d.length, mtimeMs: MTIME, descriptor: i % 2 === 1 })));
  const { pieces, size } = assemble(plan, (i) => data[i]!);
  const body = Buffer.concat(pieces.map((p) => ('bytes' in p ? p.bytes : Buffer.alloc(p.zeros))));
  assert.is(body.length, size);
  assert.is(size, plan.size);
  return { body, data };
}

test(`${MANY.toLocaleString('en')} entries, half of them with data descriptors, read back by yauzl`, async () => {
  const { body, data } = await manyEntries();
  assert.ok(hasZip64End(body));
  const entries = await readZip(body);
  assert.is(entries.length, MANY);
  for (const i of [0, 1, 65_534, 65_535, 65_536, MANY - 1]) {
    assert.is(entries[i]!.name, `d${Math.floor(i / 1000)}/f${i}.txt`);
    assert.ok(entries[i]!.data.equals(data[i]!));
    assert.is(entries[i]!.descriptor, i % 2 === 1);
  }
});

unzipTest(`unzip -t accepts ${MANY.toLocaleString('en')} entries`, async () => {
  const { body } = await manyEntries();
  const file = join(base, 'many.zip');
  await writeFile(file, body);
  const r = await runTool('unzip', ['-tq', file], 60_000);
  assert.is(r.code, 0, r.stdout.toString() + r.stderr);
});

test('MS-DOS date and time: local time in two-second steps, held to 1980-2107', () => {
  const when = new Date(2023, 10, 5, 13, 47, 59).getTime();
  const { date, time } = dosDateTime(when);
  assert.equal([date >> 9, (date >> 5) & 15, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2], [43, 11, 5, 13, 47, 58]);
  assert.equal(dosDateTime(0), { date: (1 << 5) | 1, time: 0 }, 'before 1980: 1980-01-01 00:00');
  assert.equal(
    dosDateTime(new Date(2200, 0, 1).getTime()),
    { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 },
    'after 2107: its last second',
  );
});

test('a time the extended timestamp cannot hold leaves the field out, and the planned size follows', async () => {
  const data = Buffer.from('x');
  for (const mtimeMs of [-5000, 2 ** 31 * 1000 + 1000, MTIME]) {
    const plan = planZip([{ name: 'x', size: 1, mtimeMs, descriptor: false }]);
    const { pieces, size } = assemble(plan, () => data);
    const body = Buffer.concat(pieces.map((p) => ('bytes' in p ? p.bytes : Buffer.alloc(p.zeros))));
    assert.is(body.length, size);
    const [entry] = await readZip(body);
    assert.ok(entry!.data.equals(data));
    if (mtimeMs === MTIME) assert.is(entry!.mtime.getTime(), MTIME);
  }
});

test('CRC-32: the check value of "123456789", and the table loop agrees with the native one in pieces', () => {
  const check = Buffer.from('123456789');
  assert.is(crc32(check, 0), 0xcbf43926);
  assert.is(tableCrc32(check, 0), 0xcbf43926);
  const data = randomBytes(100_003);
  let pieces = 0;
  for (let at = 0; at < data.length; at += 7777) pieces = tableCrc32(data.subarray(at, at + 7777), pieces);
  assert.is(pieces, crc32(data, 0));
  assert.is(crc32(Buffer.alloc(0), 0), 0);
});

nativeTest('this Node computes the CRC natively', () => {
  assert.ok(NATIVE_CRC32);
});

test('a name longer than 65,535 bytes is refused before anything is sent', () => {
  assert.throws(() => planZip([{ name: 'n'.repeat(0x10000), size: 0, mtimeMs: MTIME, descriptor: false }]), /at most 65535 bytes/);
  assert.is(planZip([{ name: 'n'.repeat(0xffff), size: 0, mtimeMs: MTIME, descriptor: false }]).entries.length, 1);
});

test.run();
