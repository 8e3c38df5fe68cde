import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool } from '../../../extensions/netcore/src/transport/buffer-pool';

const SIZE = 4096;
/** A trim interval long enough never to fire during a test; trims are called by hand. */
const NEVER_MS = 3_600_000;

test('a buffer given back is the one handed out next, memory and all', () => {
  const pool = new BufferPool(SIZE, 4, NEVER_MS);
  const a = pool.take();
  assert.is(a.length, SIZE);
  a.fill(7);
  pool.give(a.subarray(0, 10));
  assert.is(pool.size, 1);
  const b = pool.take();
  assert.is(b.buffer, a.buffer, 'the same memory comes back');
  assert.is(b.length, SIZE, 'whole, even when a shorter view was given back');
  assert.is(pool.size, 0);
  pool.trim();
});

test('memory that moved (a view rebuilt over the same ArrayBuffer) is taken back', () => {
  const pool = new BufferPool(SIZE, 4, NEVER_MS);
  const a = pool.take();
  pool.give(new Uint8Array(a.buffer, 0, 100));
  assert.is(pool.take().buffer, a.buffer);
});

test('views of other memory are left alone: wrong size, an offset, or a slab shared with others', () => {
  const pool = new BufferPool(SIZE, 4, NEVER_MS);
  pool.give(Buffer.allocUnsafe(SIZE * 2));
  pool.give(new Uint8Array(new ArrayBuffer(SIZE), 16));
  pool.give(Buffer.from('small buffers share one slab'));
  assert.is(pool.size, 0);
});

test('no more than maxFree idle buffers are kept', () => {
  const pool = new BufferPool(SIZE, 2, NEVER_MS);
  const taken = [pool.take(), pool.take(), pool.take()];
  for (const b of taken) pool.give(b);
  assert.is(pool.size, 2);
  pool.trim();
});

test('trim lets go of buffers that stayed idle a whole interval and keeps the ones in use', () => {
  const pool = new BufferPool(SIZE, 8, NEVER_MS);
  const taken = [pool.take(), pool.take(), pool.take(), pool.take()];
  for (const b of taken) pool.give(b);
  pool.trim(); // starts an interval with 4 idle
  // During this interval at most 3 were needed at once: 1 stayed idle throughout.
  const busy = [pool.take(), pool.take(), pool.take()];
  for (const b of busy) pool.give(b);
  pool.trim();
  assert.is(pool.size, 3, 'the one never needed is released');
  // A quiet interval releases the rest.
  pool.trim();
  assert.is(pool.size, 0);
});

test('the trim timer releases idle buffers on its own and then stops', async () => {
  const pool = new BufferPool(SIZE, 8, 20);
  const taken = [pool.take(), pool.take()];
  for (const b of taken) pool.give(b);
  for (let i = 0; i < 50 && pool.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(pool.size, 0, 'idle buffers went within a few intervals');
});

test.run();
