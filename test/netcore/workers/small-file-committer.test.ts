// A download's small files committed in a pool worker (workers/small-file-committer.ts):
// this thread checks each file's SHA-256 and hands the bytes over; the worker runs the batch
// pipeline on its own and answers file by file, with the back-pressure the download relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SmallFile } from '../../../extensions/netcore/src/workers/batch-commit';
import { WorkerPool } from '../../../extensions/netcore/src/workers/pool';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';

let base = '';
let pool: WorkerPool;

test.before.each(async () => {
  base = await makeTempDir('small-file-committer');
  pool = new WorkerPool(1);
});

test.after.each(async () => {
  await pool.close();
  await removeDir(base);
});

const MTIME_MS = 1_700_000_000_000;

/** Files in `folders` folders, each with a buffer of its own (as a download gives them) and its digest. */
async function files(count: number, folders = 2, size = 0): Promise<SmallFile[]> {
  for (let f = 0; f < folders; f++) await mkdir(join(base, `folder-${f}`), { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const target = join(base, `folder-${i % folders}`, `file-${i}.bin`);
    const text = Buffer.from(`contents of file ${i}\n`);
    const bytes = Buffer.allocUnsafeSlow(Math.max(size, text.length)).fill(i & 0xff);
    text.copy(bytes);
    return { part: `${target}.part`, target, bytes, mtimeMs: MTIME_MS, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** Copies of the bytes, kept before they move to the worker. */
const copies = (all: SmallFile[]) => all.map((f) => Buffer.from(f.bytes));

async function assertCommitted(all: SmallFile[], expected: Buffer[]): Promise<void> {
  for (const [i, f] of all.entries()) {
    assert.equal(await readFile(f.target), expected[i], `${f.target} holds its bytes`);
    assert.is(Math.round((await stat(f.target)).mtimeMs), MTIME_MS, `${f.target} has its time`);
    assert.not.ok(existsSync(f.part), `${f.part} is gone`);
  }
}

/** Settles within `ms` or fails the test: nothing may wait forever. */
async function within<T>(promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('every file arrives under its final name with its time; the bytes move to the worker, not copied', async () => {
  const all = await files(40);
  const expected = copies(all);
  const committer = pool.smallFileCommitter();
  const done = all.map((f) => committer.add(f));
  await within(Promise.all(done));
  // A buffer handed over is detached here.
  assert.ok(
    all.every((f) => f.bytes.byteLength === 0),
    'the buffers moved',
  );
  await assertCommitted(all, expected);
});

test('bytes that do not match their SHA-256 are refused before they leave this thread; the rest arrive', async () => {
  const all = await files(6, 1);
  const expected = copies(all);
  const bad = { ...all[2]!, sha256: createHash('sha256').update('something else').digest('hex') };
  const committer = pool.smallFileCommitter();
  const outcomes = await within(Promise.allSettled([all[0]!, all[1]!, bad, all[3]!, all[4]!, all[5]!].map((f) => committer.add(f))));
  assert.is(outcomes[2]!.status, 'rejected');
  assert.is((outcomes[2] as PromiseRejectedResult).reason.code, 'INTEGRITY_FAILED');
  assert.ok(bad.bytes.byteLength > 0, 'its bytes never moved');
  assert.not.ok(existsSync(bad.part));
  assert.not.ok(existsSync(bad.target));
  const good = [0, 1, 3, 4, 5];
  await assertCommitted(
    good.map((i) => all[i]!),
    good.map((i) => expected[i]!),
  );
});

test('a file that cannot be written fails alone in the worker, with its cause; the rest arrive', async () => {
  const all = await files(4, 1);
  const expected = copies(all);
  // Its folder does not exist, so its .part cannot be created.
  const lost = { ...all[1]!, part: join(base, 'missing', 'x.part'), target: join(base, 'missing', 'x') };
  const committer = pool.smallFileCommitter();
  const outcomes = await within(Promise.allSettled([all[0]!, lost, all[2]!, all[3]!].map((f) => committer.add(f))));
  assert.is(outcomes[1]!.status, 'rejected');
  const reason = (outcomes[1] as PromiseRejectedResult).reason;
  assert.match(String(reason.code), /NOT_FOUND|WRITE_FAILED/);
  assert.match(String(reason.message), /missing/);
  await assertCommitted([all[0]!, all[2]!, all[3]!], [expected[0]!, expected[2]!, expected[3]!]);
});

test('back-pressure: full once 48 MiB wait for the disk, room again once the worker has written them', async () => {
  const all = await files(50, 2, 1 << 20);
  const committer = pool.smallFileCommitter();
  assert.not.ok(committer.full);
  const done = all.map((f) => committer.add(f));
  assert.ok(committer.full, '50 MiB handed over and none written yet');
  let room = false;
  committer.whenRoom(() => (room = true));
  assert.not.ok(room, 'no room before the worker has written');
  await within(Promise.all(done));
  assert.ok(room, 'room again');
  assert.not.ok(committer.full);
  for (const f of all) assert.is((await stat(f.target)).size, 1 << 20);
});

test('two downloads on one worker: each one’s files arrive', async () => {
  const all = await files(30, 3);
  const expected = copies(all);
  const a = pool.smallFileCommitter();
  const b = pool.smallFileCommitter();
  await within(Promise.all(all.map((f, i) => (i % 2 ? a : b).add(f))));
  await assertCommitted(all, expected);
});

test("a pack's buffer goes to the worker whole and comes back for the next pack once its files are written", async () => {
  const all = await files(3, 1);
  const pack = pool.packBuffer(30);
  // A new buffer is all zeros; this one is marked, so a buffer that comes back shows it.
  pack.fill(0xab);
  const packed = all.map((f, i) => {
    const bytes = pack.subarray(i * 10, i * 10 + 10);
    return { ...f, bytes, sha256: createHash('sha256').update(Buffer.alloc(10, 0xab)).digest('hex') };
  });
  const committer = pool.smallFileCommitter();
  await within(Promise.all(packed.map((f) => committer.add(f))));
  assert.is(pack.byteLength, 0, 'the whole buffer moved to the worker');
  for (const f of all) assert.equal(await readFile(f.target), Buffer.alloc(10, 0xab));
  const next = pool.packBuffer(30);
  assert.equal(next, Buffer.alloc(30, 0xab), 'the next pack reuses the buffer given back');
});

test('a pool closed mid-way settles every file: each is done (and on disk) or failed with SHUTTING_DOWN', async () => {
  const all = await files(300, 4, 4096);
  const expected = copies(all);
  const committer = pool.smallFileCommitter();
  const settled = Promise.allSettled(all.map((f) => committer.add(f)));
  await new Promise((r) => setImmediate(r));
  await pool.close();
  const outcomes = await within(settled);
  assert.ok(
    outcomes.some((o) => o.status === 'rejected'),
    'the close cut the files short',
  );
  outcomes.forEach((o, i) => {
    if (o.status === 'rejected') assert.is(o.reason.code, 'SHUTTING_DOWN');
    else assert.ok(existsSync(all[i]!.target), `file ${i} was reported done`);
  });
  const doneOnes = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
  await assertCommitted(
    doneOnes.map((i) => all[i]!),
    doneOnes.map((i) => expected[i]!),
  );
  // Adding after the close fails at once.
  const [late] = await files(1, 1);
  const lateOutcome = await within(Promise.allSettled([committer.add(late!)]));
  assert.is(lateOutcome[0]!.status, 'rejected');
});

test('files that cannot be handed over are told once, as failed, and never again by the pool', async () => {
  const [good, other] = await files(2, 1);
  // A value the structured clone refuses: posting the files to the worker throws.
  const lost: SmallFile = { ...good!, part: Symbol('not a path') as unknown as string, target: `${good!.target}-lost` };
  const told = new Map<string, string[]>();
  const settled = (err: { code: string } | undefined, file: SmallFile) => told.set(file.target, [...(told.get(file.target) ?? []), err?.code ?? 'done']);
  const committer = pool.smallFileCommitter();
  committer.commit(lost, settled);
  committer.commit(other!, settled);
  await waitUntil(() => told.size === 2, 'both files to be told of', { timeoutMs: 10_000, intervalMs: 5 });
  await pool.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(told.get(lost.target), ['INTERNAL'], 'failed once, when it could not be handed over');
  assert.equal(told.get(other!.target), ['INTERNAL'], 'handed over with it, so failed with it, once');
});

test.run();
