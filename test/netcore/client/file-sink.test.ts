import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileSink, processBlocks } from '../../../extensions/netcore/src/client/file-sink';
import { StreamSink } from '../../../extensions/netcore/src/client/stream-sink';
import { InlineDigest } from '../../../extensions/netcore/src/workers/digest';
import { WorkerPool } from '../../../extensions/netcore/src/workers/pool';
import type { PssError } from '../../../extensions/netcore/src/errors';

/** Feeds `data` in pieces of random sizes (like TLS records), honouring backpressure. */
async function feed(sink: { write(b: Buffer, drained: () => void): boolean }, data: Buffer): Promise<void> {
  let pos = 0;
  while (pos < data.length) {
    const n = Math.min(data.length - pos, 1 + Math.floor(Math.random() * 40_000));
    let drained!: () => void;
    const wait = new Promise<void>((r) => (drained = r));
    const ok = sink.write(data.subarray(pos, pos + n), drained);
    pos += n;
    if (!ok) await wait;
  }
}

let dir = '';
test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pss-sink-'));
});
test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a file sink writes every byte in order and its worker digest matches', async () => {
  const pool = new WorkerPool();
  try {
    const data = randomBytes(9 * 1024 * 1024 + 333);
    const digest = pool.openHashStream();
    const sink = new FileSink(join(dir, 'f.part'), 0, Promise.resolve(), digest, () => undefined);
    await feed(sink, data);
    await sink.finish();
    assert.ok((await readFile(join(dir, 'f.part'))).equals(data));
    assert.is(await digest.digest(), createHash('sha256').update(data).digest('hex'));
  } finally {
    await pool.close();
  }
});

test('a file sink resumes at an offset without touching the bytes before it', async () => {
  const head = randomBytes(100_000);
  const tail = randomBytes(2 * 1024 * 1024 + 5);
  await writeFile(join(dir, 'r.part'), head);
  const sink = new FileSink(join(dir, 'r.part'), head.length, Promise.resolve(), undefined, () => undefined);
  await feed(sink, tail);
  await sink.finish();
  assert.ok((await readFile(join(dir, 'r.part'))).equals(Buffer.concat([head, tail])));
});

type HandleMethod = 'datasync' | 'write';

/** Counts calls of a FileHandle method (on every handle) while `body` runs. */
async function countingCalls(method: HandleMethod, body: () => Promise<void>): Promise<number> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as Record<HandleMethod, (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  const original = proto[method];
  let calls = 0;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    calls += 1;
    return original.apply(this, args);
  };
  try {
    await body();
  } finally {
    proto[method] = original;
  }
  return calls;
}

for (const where of ['this thread', 'the hash worker'] as const) {
  test(`a long file written on ${where} is flushed to the disk in the background while it arrives, and arrives whole`, async () => {
    const pool = new WorkerPool();
    try {
      const data = randomBytes(150 * 1024 * 1024 + 17);
      const digest = where === 'this thread' ? undefined : pool.openHashStream();
      const flushes = await countingCalls('datasync', async () => {
        const sink = new FileSink(join(dir, 'long.part'), 0, Promise.resolve(), digest, () => undefined);
        await feed(sink, data);
        await sink.finish();
      });
      // 150 MiB with a flush every 64 MiB: at least one ran while bytes were still arriving.
      assert.ok(flushes >= 1, `expected background flushes, saw ${flushes}`);
      const written = await readFile(join(dir, 'long.part'));
      assert.is(written.length, data.length);
      const expected = createHash('sha256').update(data).digest('hex');
      assert.is(createHash('sha256').update(written).digest('hex'), expected);
      if (digest) assert.is(await digest.digest(), expected);
    } finally {
      await pool.close();
    }
  });
}

test('with a worker digest the worker writes the blocks: the event loop makes no file writes', async () => {
  const pool = new WorkerPool();
  try {
    const data = randomBytes(12 * 1024 * 1024 + 5);
    const writes = await countingCalls('write', async () => {
      const sink = new FileSink(join(dir, 'w.part'), 0, Promise.resolve(), pool.openHashStream(), () => undefined);
      await feed(sink, data);
      await sink.finish();
    });
    assert.is(writes, 0);
    assert.ok((await readFile(join(dir, 'w.part'))).equals(data));
    // Without a worker digest (as for a resumed file), the bytes go through the event loop's writes.
    const resumed = await countingCalls('write', async () => {
      const sink = new FileSink(join(dir, 'r.part'), 0, Promise.resolve(), undefined, () => undefined);
      await feed(sink, data);
      await sink.finish();
    });
    assert.ok(resumed >= 12, `expected a write per block, saw ${resumed}`);
  } finally {
    await pool.close();
  }
});

test('blocks written on this thread or by the worker come back for the next download', async () => {
  const pool = new WorkerPool();
  const original = Buffer.allocUnsafe;
  let fresh = 0;
  Buffer.allocUnsafe = ((size: number) => {
    if (size === 1024 * 1024) fresh += 1;
    return original(size);
  }) as typeof Buffer.allocUnsafe;
  try {
    const data = randomBytes(12 * 1024 * 1024);
    for (const [i, where] of ['the hash worker', 'this thread'].entries()) {
      // Two trims empty the pool: whatever it holds afterwards came back from this download.
      processBlocks.trim();
      processBlocks.trim();
      fresh = 0;
      const digest = where === 'this thread' ? new InlineDigest() : pool.openHashStream();
      const sink = new FileSink(join(dir, `${i}.part`), 0, Promise.resolve(), digest, () => undefined);
      await feed(sink, data);
      await sink.finish();
      assert.ok(fresh > 0, where);
      assert.is(processBlocks.size, fresh, `every block written on ${where} is back in the pool`);
    }
  } finally {
    Buffer.allocUnsafe = original;
    await pool.close();
  }
});

test('after a failed write the worker refuses the blocks queued behind it, so the file stays a clean prefix', async () => {
  const pool = new WorkerPool();
  const good = await open(join(dir, 'good.part'), 'w');
  const readOnly = await open(join(dir, 'good.part'), 'r');
  try {
    const stream = pool.openHashStream();
    const target = (handle: typeof good, position: number) => ({ fd: handle.fd, position, path: join(dir, 'good.part') });
    // Both are queued before the worker sees either, as blocks behind a failing one are.
    const first = stream.writeThenUpdate(target(readOnly, 0), randomBytes(1000));
    const second = stream.writeThenUpdate(target(good, 1000), randomBytes(1000));
    const errors = await Promise.all(
      [first, second].map((p) =>
        p.then(
          () => undefined,
          (e: PssError) => e,
        ),
      ),
    );
    assert.is(errors[0]?.code, 'WRITE_FAILED');
    assert.match(errors[0]!.message, 'good.part');
    assert.is(errors[1]?.code, 'WRITE_FAILED');
    assert.is((await good.stat()).size, 0, 'nothing was written after the failure');
  } finally {
    await readOnly.close();
    await good.close();
    await pool.close();
  }
});

test('the sidecar write happens before the file is opened', async () => {
  const order: string[] = [];
  const before = new Promise<void>((r) => setTimeout(() => (order.push('meta'), r()), 20));
  const sink = new FileSink(join(dir, 'm.part'), 0, before, new InlineDigest(), () => undefined);
  sink.write(Buffer.from('x'), () => undefined);
  await sink.finish();
  order.push(existsSync(join(dir, 'm.part')) ? 'file' : 'none');
  assert.equal(order, ['meta', 'file']);
});

for (const where of ['this thread', 'the hash worker'] as const) {
  test(`a full disk met on ${where} is DISK_FULL, reported once, and finish throws it`, async () => {
    if (!existsSync('/dev/full')) return;
    const pool = new WorkerPool();
    try {
      const errors: PssError[] = [];
      const digest = where === 'this thread' ? undefined : pool.openHashStream();
      const sink = new FileSink('/dev/full', 0, Promise.resolve(), digest, (e) => errors.push(e));
      sink.write(randomBytes(3 * 1024 * 1024), () => undefined);
      const err = (await sink.finish().catch((e) => e)) as PssError;
      assert.is(err.code, 'DISK_FULL');
      assert.match(err.message, '/dev/full');
      assert.is(errors.length, 1);
      assert.is(errors[0]!.code, 'DISK_FULL');
    } finally {
      await pool.close();
    }
  });
}

test('memory stays bounded: a sink that cannot write asks the source to pause', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sink = new FileSink(join(dir, 'slow.part'), 0, gate, undefined, () => undefined);
  let paused = false;
  for (let i = 0; i < 64 && !paused; i++) paused = !sink.write(Buffer.alloc(256 * 1024), () => undefined);
  assert.ok(paused, 'the sink asked for a pause before 16 MiB were buffered');
  release();
  await sink.finish();
});

test('a stream sink passes the bytes through in order with the digest intact', async () => {
  const pool = new WorkerPool();
  try {
    const data = randomBytes(8 * 1024 * 1024 + 99);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    const digest = pool.openHashStream();
    const sink = new StreamSink(out, digest);
    await feed(sink, data);
    await sink.finish();
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.is(await digest.digest(), createHash('sha256').update(data).digest('hex'));
  } finally {
    await pool.close();
  }
});

test.run();
