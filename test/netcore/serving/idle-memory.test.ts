// A running server gives memory back once it is quiet after a burst: one full collection
// when the event loop has been busy (or the resident set grew, or a pool let buffers go)
// and is quiet again, never while it is busy, at most once per gap in the whole process.
// The clock, the samples and the collection are given, so every decision is checked
// without waiting for real intervals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IdleMemory, type IdleMemorySample, type ProcessMemory } from '../../../extensions/netcore/src/serving/idle-memory';
import { SlabPool } from '../../../extensions/netcore/src/transport/slab-pool';

const MiB = 1024 * 1024;

function rig(processMemory: ProcessMemory = { lastCollectAt: Number.NEGATIVE_INFINITY, releasedBytes: 0 }) {
  const first: IdleMemorySample = { utilization: 0, rssBytes: 100 * MiB };
  const samples: IdleMemorySample[] = [first];
  let now = 0;
  let collections = 0;
  let current = first;
  const memory = new IdleMemory({
    checkMs: 60_000,
    quietUtilization: 0.05,
    busyUtilization: 0.2,
    growthBytes: 16 * MiB,
    minGapMs: 10_000,
    now: () => now,
    sample: () => {
      current = samples.shift() ?? current;
      return current;
    },
    collect: () => {
      collections++;
      current = { utilization: 0, rssBytes: current.rssBytes - 30 * MiB };
    },
    process: processMemory,
  });
  return {
    memory,
    processMemory,
    /** The next interval: its utilization and resident set; `ms` later than the one before. */
    interval(utilization: number, rssMb: number, ms = 2_000): boolean {
      now += ms;
      samples.push({ utilization, rssBytes: rssMb * MiB });
      return memory.check();
    },
    get collections() {
      return collections;
    },
  };
}

test('a server that was never busy is never collected', () => {
  const r = rig();
  for (let i = 0; i < 10; i++) assert.is(r.interval(0.01, 100), false);
  assert.is(r.collections, 0);
  r.memory.close();
});

test('after a busy spell, the first quiet interval collects once', () => {
  const r = rig();
  assert.is(r.interval(0.9, 180), false, 'never while busy');
  assert.is(r.interval(0.5, 190), false);
  assert.is(r.interval(0.1, 190), false, 'between quiet and busy is not quiet yet');
  assert.is(r.interval(0.01, 190), true);
  assert.is(r.collections, 1);
  for (let i = 0; i < 10; i++) r.interval(0.01, 160, 20_000);
  assert.is(r.collections, 1, 'nothing new is owed');
  r.memory.close();
});

test('growth of the resident set alone calls for a collection, however quiet the loop', () => {
  const r = rig();
  assert.is(r.interval(0.02, 110), false, '10 MiB is under the growth that calls for one');
  assert.is(r.interval(0.02, 117), true, '17 MiB over the first sample');
  assert.is(r.collections, 1);
  r.memory.close();
});

test('slabs the frame pool lets go are collected at the next quiet check', () => {
  const r = rig();
  const pool = new SlabPool(MiB, 4, 60_000, undefined, (bytes) => (r.processMemory.releasedBytes += bytes));
  const frames = Array.from({ length: 4 }, () => pool.take());
  for (const f of frames) pool.give(f);
  pool.trim(); // used during this interval: kept
  pool.trim(); // idle for a whole interval: let go
  assert.is(pool.slabCount, 0);
  assert.is(r.processMemory.releasedBytes, 4 * MiB);
  assert.is(r.interval(0.01, 100), true);
  assert.is(r.processMemory.releasedBytes, 0, 'the collection settles what was let go');
  r.memory.close();
});

test('at most one collection per gap, across every server of the process', () => {
  const a = rig();
  // Two servers of one process share when it last collected.
  const b = rig(a.processMemory);
  // Both clocks start at 0 and move 2 s per interval unless told otherwise.
  a.interval(0.9, 150);
  b.interval(0.9, 150);
  assert.is(a.interval(0.01, 150), true, 'the first server to see the quiet collects');
  assert.is(b.interval(0.01, 150), false, 'at the same moment, the other one is quiet and owed, but the process just collected');
  assert.is(b.interval(0.01, 150, 9_000), false, 'still within the gap (9 s after)');
  assert.is(b.interval(0.01, 150, 1_000), true, 'past the gap it collects what it is owed');
  a.memory.close();
  b.memory.close();
});

test('with the real event loop: a busy spell is seen as busy, the quiet after it collects once', async () => {
  let collections = 0;
  const live = new IdleMemory({
    checkMs: 3_600_000,
    minGapMs: 0,
    collect: () => collections++,
    process: { lastCollectAt: Number.NEGATIVE_INFINITY, releasedBytes: 0 },
  });
  try {
    // 300 ms of the event loop held: that interval is busy, so nothing is collected yet.
    const until = Date.now() + 300;
    while (Date.now() < until);
    assert.is(live.check(), false, 'not while busy');
    // 300 ms of waiting on a timer: quiet, and owed since the busy spell.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.is(live.check(), true, 'the quiet after it collects');
    assert.is(collections, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.is(live.check(), false, 'nothing more is owed');
  } finally {
    live.close();
  }
});

test.run();
