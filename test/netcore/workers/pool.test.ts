import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { digestFor, InlineDigest } from '../../../extensions/netcore/src/workers/digest';
import { WorkerPool } from '../../../extensions/netcore/src/workers/pool';
import { HASH_OFFLOAD_MIN_BYTES } from '../../../extensions/netcore/src/constants';

const execFileAsync = promisify(execFile);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('hashFile hashes a whole file and a byte range', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pss-pool-'));
  const pool = new WorkerPool();
  try {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(dir, 'f'), data);
    assert.is(await pool.hashFile(join(dir, 'f')), sha(data));
    assert.is(await pool.hashFile(join(dir, 'f'), 100, 2_000_000), sha(data.subarray(100, 2_000_000)));
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('hashFile reports a missing file with a code, and the pool keeps working', async () => {
  const pool = new WorkerPool();
  try {
    const err = await pool.hashFile(join(tmpdir(), 'pss-no-such-file-' + Date.now())).catch((e) => e);
    assert.is(err.code, 'NOT_FOUND');
    const stream = pool.openHashStream();
    const block = Buffer.from('still alive');
    await stream.update(block);
    assert.is(await stream.digest(), sha(Buffer.from('still alive')));
  } finally {
    await pool.close();
  }
});

test('a hash stream moves each block to the worker and gives the same memory back', async () => {
  const pool = new WorkerPool();
  try {
    const stream = pool.openHashStream();
    const expected = createHash('sha256');
    let block: Buffer = Buffer.allocUnsafe(1 << 20);
    for (let i = 0; i < 4; i++) {
      block.fill(i + 1);
      expected.update(block.subarray(0, 1000 + i));
      const back = await stream.update(block.subarray(0, 1000 + i));
      assert.is(block.length, 0, 'the block is handed over, not copied');
      assert.is(back.byteLength, 1000 + i);
      assert.is(back.buffer.byteLength, 1 << 20);
      block = Buffer.from(back.buffer, 0, 1 << 20);
    }
    assert.is(await stream.digest(), expected.digest('hex'));
  } finally {
    await pool.close();
  }
});

test('two streams on one pool do not mix', async () => {
  const pool = new WorkerPool(1);
  try {
    const a = pool.openHashStream();
    const b = pool.openHashStream();
    await Promise.all([a.update(Buffer.from('alpha')), b.update(Buffer.from('beta')), a.update(Buffer.from('-2'))]);
    assert.is(await a.digest(), sha(Buffer.from('alpha-2')));
    assert.is(await b.digest(), sha(Buffer.from('beta')));
  } finally {
    await pool.close();
  }
});

test('digestFor hashes small files inline and large ones in a worker', async () => {
  const pool = new WorkerPool();
  try {
    assert.instance(digestFor(pool, HASH_OFFLOAD_MIN_BYTES - 1), InlineDigest);
    assert.not.instance(digestFor(pool, HASH_OFFLOAD_MIN_BYTES), InlineDigest);
  } finally {
    await pool.close();
  }
});

test('close settles pending work, is idempotent, and refuses new work with SHUTTING_DOWN', async () => {
  const pool = new WorkerPool();
  const stream = pool.openHashStream();
  const pending = stream.update(Buffer.alloc(1 << 20));
  const closing = pool.close();
  // Whether the block was hashed first or not, the pending call settles instead of hanging.
  await pending.catch(() => undefined);
  await closing;
  await pool.close();
  const after = await pool.hashFile('x').catch((e) => e);
  assert.is(after.code, 'SHUTTING_DOWN');
});

test('a process whose only work is closing the pool waits for the workers to end', async () => {
  // A reply arriving while close() terminates the worker must not let go of the worker:
  // the process would exit with close() never settling. Run where nothing else holds the
  // event loop, several times, with a task still pending in the worker.
  const pool = join(__dirname, '../../../extensions/netcore/src/workers/pool.ts');
  const script = `
    const { WorkerPool } = require(${JSON.stringify(pool)});
    (async () => {
      for (let round = 0; round < 10; round++) {
        const p = new WorkerPool();
        const stream = p.openHashStream();
        await stream.update(Buffer.alloc(1 << 20));
        stream.drop(); // as an aborted download does just before its pool closes
        await p.close();
        process.stdout.write('closed ');
      }
    })();`;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 60_000 });
  assert.is(stdout.trim(), Array(10).fill('closed').join(' '));
});

test('warmUp starts one worker before any task; the first task uses it, and it does not keep the process alive', async () => {
  const pool = join(__dirname, '../../../extensions/netcore/src/workers/pool.ts');
  // In a process of its own: it must end by itself with the warmed-up worker idle.
  const script = `
    const { WorkerPool } = require(${JSON.stringify(pool)});
    const { createHash } = require('node:crypto');
    const p = new WorkerPool(2);
    const workers = () => p.slots.length;
    p.warmUp();
    p.warmUp();
    const afterWarmUp = workers();
    const stream = p.openHashStream();
    stream.update(Buffer.from('warm')).then(() => stream.digest()).then((digest) => {
      const ok = digest === createHash('sha256').update('warm').digest('hex');
      process.stdout.write(JSON.stringify({ afterWarmUp, afterTask: workers(), ok }));
    });`;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 60_000 });
  // One worker for the warm-up however often it is asked; the first task goes to it
  // (a pool of two starts its second only when the first is busy).
  assert.equal(JSON.parse(stdout), { afterWarmUp: 1, afterTask: 1, ok: true });
  const closed = new WorkerPool();
  await closed.close();
  closed.warmUp();
  assert.is((closed as unknown as { slots: unknown[] }).slots.length, 0, 'a closed pool starts nothing');
});

test.run();
