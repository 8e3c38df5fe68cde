// The server's file reader: frames carry the file's bytes in order, their memory comes back
// to the pool it came from once released, and a reader stopped early returns the frame it
// read ahead.
import { randomBytes } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FRAME_HEADER_BYTES, READ_CHUNK_BYTES } from '../../../extensions/netcore/src/constants';
import { allocDataFrame } from '../../../extensions/netcore/src/protocol/frames';
import { ChunkReader, SMALL_READ_BYTES } from '../../../extensions/netcore/src/serving/chunk-reader';
import { BufferPool } from '../../../extensions/netcore/src/transport/buffer-pool';
import { makeTempDir, removeDir } from '../../support/temp-dir';

const NEVER_MS = 3_600_000;
let base = '';
let path = '';
const bytes = randomBytes(2 * READ_CHUNK_BYTES + SMALL_READ_BYTES + 12_345);

const framePool = () => new BufferPool(FRAME_HEADER_BYTES + READ_CHUNK_BYTES, 8, NEVER_MS, () => allocDataFrame(READ_CHUNK_BYTES));

test.before(async () => {
  base = await makeTempDir('chunk-reader');
  path = join(base, 'file.bin');
  await writeFile(path, bytes);
});

test.after(() => removeDir(base));

test('frames carry the range in order, and released frames are reused by the next reader', async () => {
  const pool = framePool();
  const handle = await open(path);
  try {
    const seen: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    const reader = new ChunkReader(handle, 100, bytes.length, pool);
    for (let frame = await reader.next(); frame; frame = await reader.next()) {
      seen.push(Buffer.from(frame.subarray(FRAME_HEADER_BYTES)));
      memory.add(frame.buffer);
      reader.release(frame);
    }
    assert.ok(Buffer.concat(seen).equals(bytes.subarray(100)));
    assert.ok(memory.size <= 2, `one frame sent and one read ahead at a time (saw ${memory.size} buffers)`);
    assert.is(pool.size, memory.size, 'every frame went back to the pool');

    const again = new ChunkReader(handle, 0, SMALL_READ_BYTES + 1, pool);
    const first = (await again.next())!;
    assert.ok(memory.has(first.buffer), 'the next reader reads into pooled memory');
    assert.ok(first.subarray(FRAME_HEADER_BYTES).equals(bytes.subarray(0, SMALL_READ_BYTES + 1)));
  } finally {
    await handle.close();
  }
});

test('a view of the payload alone (what a digest gives back) returns the whole frame to the pool', async () => {
  const pool = framePool();
  const handle = await open(path);
  try {
    const reader = new ChunkReader(handle, 0, SMALL_READ_BYTES + 1, pool);
    const frame = (await reader.next())!;
    reader.release(frame.subarray(FRAME_HEADER_BYTES));
    assert.is(pool.size, 1);
    const next = pool.take();
    assert.is(next.buffer, frame.buffer, 'the same memory');
    assert.is(next.length, FRAME_HEADER_BYTES + READ_CHUNK_BYTES, 'a whole frame again');
  } finally {
    await handle.close();
  }
});

test('a small read gets a frame of its own size, primed ahead of next(), and leaves the pool alone', async () => {
  const pool = framePool();
  const handle = await open(path);
  try {
    const reader = new ChunkReader(handle, 5, 5 + SMALL_READ_BYTES, pool);
    await reader.prime();
    const frame = (await reader.next())!;
    assert.is(frame.length, FRAME_HEADER_BYTES + SMALL_READ_BYTES);
    assert.ok(frame.subarray(FRAME_HEADER_BYTES).equals(bytes.subarray(5, 5 + SMALL_READ_BYTES)));
    assert.is(await reader.next(), undefined);
    reader.release(frame);
    assert.is(pool.size, 0, 'not pooled: it holds only its own bytes');
  } finally {
    await handle.close();
  }
});

test('a reader stopped early gives back the frame it read ahead', async () => {
  const pool = framePool();
  const handle = await open(path);
  try {
    const reader = new ChunkReader(handle, 0, bytes.length, pool);
    const first = (await reader.next())!; // starts reading the second frame
    reader.release(first);
    reader.close();
    for (let i = 0; i < 100 && pool.size < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.is(pool.size, 2, 'the sent frame and the one read ahead are both back');
  } finally {
    await handle.close();
  }
});

test.run();
