// The server's frame pool: frames carved from shared slabs, reused when given back, a slab
// let go (and reported) once all its frames stayed idle for a whole trim interval, and a
// frame hashed by a worker in place, never moved, so the sender gives back what it kept.
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SlabPool } from '../../../extensions/netcore/src/transport/slab-pool';
import { WorkerPool } from '../../../extensions/netcore/src/workers/pool';

const FRAME = 4096;
const PER_SLAB = 4;
/** A trim interval long enough never to fire during a test; trims are called by hand. */
const NEVER_MS = 3_600_000;

test('frames are views of one shared slab until it is full, each prepared once taken', () => {
  let prepared = 0;
  const pool = new SlabPool(FRAME, PER_SLAB, NEVER_MS, (frame) => {
    prepared++;
    frame[0] = 0x02;
  });
  const frames = Array.from({ length: PER_SLAB }, () => pool.take());
  assert.is(prepared, PER_SLAB);
  assert.ok(frames.every((f) => f.buffer === frames[0]!.buffer && f.buffer instanceof SharedArrayBuffer));
  assert.ok(frames.every((f) => f.length === FRAME && f[0] === 0x02));
  assert.equal(new Set(frames.map((f) => f.byteOffset)).size, PER_SLAB, 'no two frames overlap');
  assert.is(pool.slabCount, 1);
  const fifth = pool.take();
  assert.is.not(fifth.buffer, frames[0]!.buffer, 'a full slab makes room for a new one');
  assert.is(pool.slabCount, 2);
});

test('a frame given back, by any view of it, is the one handed out next', () => {
  const pool = new SlabPool(FRAME, PER_SLAB, NEVER_MS);
  const a = pool.take();
  pool.take();
  pool.give(a.subarray(5, 100));
  assert.is(pool.size, PER_SLAB - 1);
  const b = pool.take();
  assert.is(b.buffer, a.buffer);
  assert.is(b.byteOffset, a.byteOffset, 'the same frame comes back, whole');
  pool.give(b);
  pool.give(b);
  assert.is(pool.size, PER_SLAB - 1, 'a frame given back twice is held once');
  pool.give(Buffer.alloc(FRAME));
  assert.is(pool.size, PER_SLAB - 1, 'memory of no slab is left alone');
});

test('the busiest slab with room is used first, so the others can empty', () => {
  const pool = new SlabPool(FRAME, PER_SLAB, NEVER_MS);
  const first = Array.from({ length: PER_SLAB }, () => pool.take());
  const second = pool.take();
  pool.give(first[0]!);
  pool.give(first[1]!);
  // The first slab has two free frames, the second three: the next frame is the first's.
  assert.is(pool.take().buffer, first[0]!.buffer);
  pool.give(second);
});

test('a slab is let go only after all its frames stayed idle for a whole trim interval', () => {
  const released: number[] = [];
  const pool = new SlabPool(FRAME, PER_SLAB, NEVER_MS, undefined, (bytes) => released.push(bytes));
  const busy = Array.from({ length: PER_SLAB + 1 }, () => pool.take());
  for (const f of busy.slice(0, PER_SLAB)) pool.give(f);
  pool.trim(); // the first slab was used during this interval: it stays
  assert.is(pool.slabCount, 2);
  pool.trim(); // idle for a whole interval now: it goes; the second still lends a frame
  assert.is(pool.slabCount, 1);
  assert.equal(released, [FRAME * PER_SLAB]);
  pool.give(busy[PER_SLAB]!);
  pool.trim();
  pool.trim();
  assert.is(pool.slabCount, 0);
  assert.equal(released, [FRAME * PER_SLAB, FRAME * PER_SLAB]);
});

test('a worker hashes a frame where it is: nothing moves, and the sender keeps its view', async () => {
  const workers = new WorkerPool(1);
  try {
    const pool = new SlabPool(FRAME, PER_SLAB, NEVER_MS);
    const frames = [pool.take(), pool.take()];
    const bytes = randomBytes(2 * FRAME);
    frames[0]!.set(bytes.subarray(0, FRAME));
    frames[1]!.set(bytes.subarray(FRAME));
    const stream = workers.openHashStream();
    for (const frame of frames) {
      const back = await stream.update(frame);
      assert.is(back, frame, 'the same view comes back');
      assert.is(frame.length, FRAME, 'and it was not detached');
      pool.give(back);
    }
    assert.is(await stream.digest(), createHash('sha256').update(bytes).digest('hex'));
    assert.is(pool.size, PER_SLAB);
  } finally {
    await workers.close();
  }
});

test.run();
