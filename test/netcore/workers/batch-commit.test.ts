// Small files reach their final names in batches (PROTOCOL.md §6.2): where the file system
// can be flushed as a whole, one flush makes a batch's `.part` files durable before their
// renames and the renames of the batch before; a flush that fails falls back to syncing
// file by file, and never costs a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statfsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchCommitter, type Flush, type SmallFile } from '../../../extensions/netcore/src/workers/batch-commit';
import { fileSystemFlusher, kernelReportsSyncfsErrors } from '../../../extensions/netcore/src/workers/file-system-flush';
import { ErrorCode, PssError } from '../../../extensions/netcore/src/errors';
import { diskOnThisThread, type SmallFileDisk } from '../../../extensions/netcore/src/workers/small-file-disk';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { conditionNeed, testIf } from '../../support/tools';

let base = '';

test.before.each(async () => {
  base = await makeTempDir('batch-commit');
});

test.after.each(async () => {
  await removeDir(base);
});

const MTIME_MS = 1_700_000_000_000;

async function files(count: number, folders = 2): Promise<SmallFile[]> {
  const out: SmallFile[] = [];
  for (let f = 0; f < folders; f++) await mkdir(join(base, `folder-${f}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const target = join(base, `folder-${i % folders}`, `file-${i}.txt`);
    out.push({ part: `${target}.part`, target, bytes: Buffer.from(`contents of file ${i}\n`), mtimeMs: MTIME_MS });
  }
  return out;
}

/** A flush that answers `ok` and records when it was called, relative to the renames. */
/** Held flushes end only once `open` resolves (see addInTwoBatches). */
interface Gate {
  open: Promise<void>;
  let(): void;
}

function gate(): Gate {
  let release = () => {};
  const open = new Promise<void>((r) => (release = r));
  return { open, let: release };
}

function recordingFlush(ok: boolean, calls: Array<{ finalNames: number }>, folder: string, held?: Gate): Flush {
  return async () => {
    const names = (await readdir(folder)).filter((n) => !n.endsWith('.part'));
    calls.push({ finalNames: names.length });
    await held?.open;
    return ok;
  };
}

async function assertCommitted(all: SmallFile[]): Promise<void> {
  for (const f of all) {
    assert.equal(await readFile(f.target), f.bytes, `${f.target} holds its bytes`);
    assert.is(Math.round((await stat(f.target)).mtimeMs), MTIME_MS, `${f.target} has its time`);
    assert.is(await stat(f.part).catch(() => undefined), undefined, `${f.part} is gone`);
  }
}

/** Waits (a bounded while) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Adds the first file alone, then the rest once the first batch's flush has begun (held
 * until they are added, as if the disk were slow): two batches, whatever the timing.
 */
function addInTwoBatches(committer: BatchCommitter, all: SmallFile[], calls: unknown[], held: Gate): Array<Promise<void>> {
  const first = committer.add(all[0]!);
  first.catch(() => undefined);
  const rest = until(() => calls.length > 0, 'the first flush').then(() => {
    const added = Promise.all(all.slice(1).map((f) => committer.add(f)));
    held.let();
    return added;
  });
  return [first, rest.then(() => undefined)];
}

test('files that arrive together are one batch (up to 1024); one that comes alone is written once no other follows', async () => {
  const steps: string[] = [];
  const disk: SmallFileDisk = async (step, list) => {
    steps.push(`${step} ${list.length}`);
    return diskOnThisThread(step, list);
  };
  const together = await files(300, 3);
  const committer = new BatchCommitter({ flusherFor: async () => async () => true, disk });
  await Promise.all(together.map((f) => committer.add(f)));
  assert.equal(steps, ['write 300', 'rename 300']);
  steps.length = 0;
  const [alone] = await files(1, 1);
  const lone = { ...alone!, part: join(base, 'folder-0', 'alone.part'), target: join(base, 'folder-0', 'alone') };
  await committer.add(lone);
  assert.equal(steps, ['write 1', 'rename 1']);
  await assertCommitted([...together, lone]);
});

test('finishing() writes what waits at once instead of waiting for more files to join it', async () => {
  const [file] = await files(1, 1);
  // A batch this small would wait a minute for company.
  const committer = new BatchCommitter({ flusherFor: async () => undefined, gatherMs: 60_000 });
  const done = committer.add(file!);
  committer.finishing();
  const outcome = await Promise.race([done.then(() => 'done'), new Promise((r) => setTimeout(() => r('still waiting'), 10_000))]);
  assert.is(outcome, 'done');
  await assertCommitted([file!]);
});

test('on a flushable file system one flush serves the parts of a batch and the renames of the one before', async () => {
  const all = await files(20);
  const calls: Array<{ finalNames: number }> = [];
  const held = gate();
  const committer = new BatchCommitter({ flusherFor: async () => recordingFlush(true, calls, join(base, 'folder-0'), held) });
  const settled: number[] = [];
  const [first, rest] = addInTwoBatches(committer, all, calls, held);
  await Promise.all([first!.then(() => settled.push(calls.length)), rest]);
  await assertCommitted(all);
  // The first file is a batch of its own; the other 19 gather while it is written. No
  // final name exists before its batch's flush; the second flush also covers the first
  // file's rename, and a last flush the renames of the 19.
  assert.equal(calls, [{ finalNames: 0 }, { finalNames: 1 }, { finalNames: 10 }]);
  // A file is done only once a flush came after its rename.
  assert.equal(settled, [2]);
});

test('the next batch is written while a flush runs; a batch is renamed only once its flush is over', async () => {
  const all = await files(30, 1);
  const events: string[] = [];
  let flushes = 0;
  // Each flush is held until the disk thread is given more work after it began; a flush
  // with nothing after it (the last) is let go by a timer.
  const held: Array<() => void> = [];
  const flusherFor = async (): Promise<Flush> => async () => {
    const n = ++flushes;
    events.push(`flush ${n} begins`);
    await new Promise<void>((release) => held.push(release));
    events.push(`flush ${n} ends`);
    return true;
  };
  const disk: SmallFileDisk = async (step, list) => {
    events.push(`${step} ${list.length}`);
    const waiting = held.splice(0);
    const results = await diskOnThisThread(step, list);
    for (const release of waiting) release();
    return results;
  };
  const committer = new BatchCommitter({ flusherFor, disk });
  const first = committer.add(all[0]!);
  // The rest arrive once the first batch's flush has begun.
  while (flushes === 0) await new Promise((r) => setImmediate(r));
  const rest = all.slice(1).map((f) => committer.add(f));
  const watchdog = setInterval(() => {
    for (const release of held.splice(0)) release();
  }, 100);
  try {
    await Promise.all([first, ...rest]);
  } finally {
    clearInterval(watchdog);
  }
  await assertCommitted(all);
  // The 29 files are written while the first flush still runs; only after it ends is the
  // first file renamed, and the next flush covers both.
  const at = (e: string) => events.indexOf(e);
  assert.ok(at('write 29') > at('flush 1 begins') && at('write 29') < at('flush 1 ends'), events.join(', '));
  assert.ok(at('rename 1') > at('flush 1 ends'), events.join(', '));
  assert.ok(at('flush 2 begins') > at('rename 1'), events.join(', '));
  assert.ok(at('rename 29') > at('flush 2 ends'), events.join(', '));
  assert.ok(at('flush 3 begins') > at('rename 29'), events.join(', '));
});

test('bytes that do not match their SHA-256 are never written; the rest of the batch arrives', async () => {
  const all = (await files(6, 1)).map((f) => ({ ...f, sha256: createHash('sha256').update(f.bytes).digest('hex') }));
  const bad = { ...all[2]!, sha256: createHash('sha256').update('something else').digest('hex') };
  const committer = new BatchCommitter({ flusherFor: async () => undefined });
  const outcomes = await Promise.allSettled([all[0]!, all[1]!, bad, all[3]!, all[4]!, all[5]!].map((f) => committer.add(f)));
  assert.is(outcomes[2]!.status, 'rejected');
  assert.is((outcomes[2] as PromiseRejectedResult).reason.code, 'INTEGRITY_FAILED');
  assert.not.ok(existsSync(bad.part), 'no .part');
  assert.not.ok(existsSync(bad.target), 'no final name');
  await assertCommitted(all.filter((f) => f !== all[2]));
});

test('a stale sidecar that will not go does not fail a file that arrived', async () => {
  const [file] = await files(1, 1);
  // A folder where the sidecar was: removing it without recursion fails.
  const staleMeta = join(base, 'folder-0', 'stuck.part.json');
  await mkdir(join(staleMeta, 'inside'), { recursive: true });
  const committer = new BatchCommitter({ flusherFor: async () => undefined });
  await committer.add({ ...file!, staleMeta });
  await assertCommitted([file!]);
});

test('a disk thread that fails as a whole fails its files: none is reported done, none waits forever', async () => {
  const all = await files(5, 1);
  const disk: SmallFileDisk = async (step, list) => {
    if (step === 'sync-folders') throw new PssError(ErrorCode.SHUTTING_DOWN, 'worker pool closed');
    return diskOnThisThread(step, list);
  };
  const committer = new BatchCommitter({ flusherFor: async () => undefined, disk });
  const settled = Promise.allSettled(all.map((f) => committer.add(f)));
  const outcomes = await Promise.race([settled, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
  if (outcomes === 'timeout') throw new Error('the files never settled');
  for (const o of outcomes) {
    assert.is(o.status, 'rejected');
    assert.is((o as PromiseRejectedResult).reason.code, 'SHUTTING_DOWN');
  }
});

test('a flush that fails is made up for file by file: every file still arrives', async () => {
  const all = await files(12);
  const calls: Array<{ finalNames: number }> = [];
  const held = gate();
  const committer = new BatchCommitter({ flusherFor: async () => recordingFlush(false, calls, join(base, 'folder-0'), held) });
  await Promise.all(addInTwoBatches(committer, all, calls, held));
  await assertCommitted(all);
  assert.is(calls.length, 2, 'one failed flush per batch (two batches), then each file and folder is synced');
});

test('folders on different file systems (or with no flush) are synced file by file', async () => {
  const all = await files(6, 2);
  const calls: Array<{ finalNames: number }> = [];
  // Only folder-0 can be flushed as a whole. The first file (in folder-0) is a batch of its
  // own and uses it; the second batch spans both folders, so it syncs file by file.
  const held = gate();
  const committer = new BatchCommitter({ flusherFor: async (folder) => (folder.endsWith('folder-0') ? recordingFlush(true, calls, folder, held) : undefined) });
  await Promise.all(addInTwoBatches(committer, all, calls, held));
  await assertCommitted(all);
  assert.equal(calls, [{ finalNames: 0 }, { finalNames: 1 }]);
});

test('a file that cannot be written fails alone; the rest of its batch arrives', async () => {
  const all = await files(4, 1);
  // Its folder does not exist, so its .part cannot be created.
  const lost = { ...all[1]!, part: join(base, 'missing', 'x.part'), target: join(base, 'missing', 'x') };
  const calls: Array<{ finalNames: number }> = [];
  const committer = new BatchCommitter({ flusherFor: async (folder) => (folder.endsWith('folder-0') ? recordingFlush(true, calls, folder) : undefined) });
  const outcomes = await Promise.allSettled([all[0]!, lost, all[2]!, all[3]!].map((f) => committer.add(f)));
  assert.is(outcomes[1]!.status, 'rejected');
  assert.match(String((outcomes[1] as PromiseRejectedResult).reason.code), /NOT_FOUND|WRITE_FAILED/);
  await assertCommitted([all[0]!, all[2]!, all[3]!]);
});

test("each file gets the server's time to the millisecond, never a microsecond short of it", async () => {
  // Half of all times in milliseconds are a hair under their value in seconds; given as
  // they are, such a file came out 1 µs older than the server's.
  const all = (await files(200, 1)).map((f, i) => ({ ...f, mtimeMs: 1_796_662_254_000 + i * 7919 + 1 }));
  const committer = new BatchCommitter({ flusherFor: async () => undefined });
  await Promise.all(all.map((f) => committer.add(f)));
  const wrong = [];
  for (const f of all) {
    const got = (await stat(f.target)).mtimeMs;
    if (got !== f.mtimeMs) wrong.push(`${f.mtimeMs} came out ${got}`);
  }
  assert.equal(wrong, []);
});

test('the kernel release decides whether syncfs reports write errors (Linux 5.8 on)', () => {
  assert.ok(kernelReportsSyncfsErrors('5.8.0'));
  assert.ok(kernelReportsSyncfsErrors('6.1.0-18-amd64'));
  assert.ok(kernelReportsSyncfsErrors('5.15.153.1-microsoft-standard-WSL2'));
  assert.not.ok(kernelReportsSyncfsErrors('5.4.0-150-generic'));
  assert.not.ok(kernelReportsSyncfsErrors('4.19.0'));
  assert.not.ok(kernelReportsSyncfsErrors('not a release'));
});

test('where this machine offers a whole-file-system flush for a folder, it succeeds', async () => {
  const flush = await fileSystemFlusher(base);
  if (process.platform !== 'linux') {
    assert.is(flush, undefined, 'only Linux flushes a file system at once');
    return;
  }
  // On ext4, XFS, Btrfs or F2FS with a recent kernel and a sync binary there must be one;
  // on tmpfs, overlays and FUSE there is none and files are synced one by one.
  const flushable = new Set([0xef53, 0x58465342, 0x9123683e, 0xf2f52010]).has((await statfs(base)).type);
  const hasSync = ['/usr/bin/sync', '/bin/sync'].some((p) => existsSync(p));
  assert.is(flush !== undefined, flushable && hasSync && kernelReportsSyncfsErrors(release()), 'offered exactly where it can be trusted');
  if (flush) assert.is(await flush(), true);
  assert.is(await fileSystemFlusher(join(base, 'no such folder')), undefined, 'a folder that cannot be examined gets none');
});

/** Whether temporary folders here are on a file system flushed as a whole (decided at load, see tools.ts). */
const flushable =
  process.platform === 'linux' &&
  kernelReportsSyncfsErrors(release()) &&
  ['/usr/bin/sync', '/bin/sync'].some((p) => existsSync(p)) &&
  new Set([0xef53, 0x58465342, 0x9123683e, 0xf2f52010]).has(statfsSync(tmpdir()).type);
const withFlush = testIf(
  test,
  conditionNeed(flushable ? undefined : 'temporary folders are on no file system that is flushed as a whole here, so the flushing shell is not tested'),
);

withFlush('flushes asked for at once are each answered, a folder with a line break included', async () => {
  const odd = join(base, 'line\nbreak');
  await mkdir(odd);
  const flushes = [await fileSystemFlusher(base), await fileSystemFlusher(odd)];
  if (!flushes[0] || !flushes[1]) throw new Error('no flush offered for a folder on a flushable file system');
  const answers = await Promise.all([flushes[0], flushes[1], flushes[0], flushes[0]].map((f) => f()));
  assert.equal(answers, [true, true, true, true]);
});

withFlush('one shell runs every flush, and it does not keep the process alive once it is done', async () => {
  const module = join(process.cwd(), 'extensions/netcore/src/workers/file-system-flush.ts');
  // Three flushes one after another, each followed by a look at this process's children.
  const script = `const { readdirSync, readFileSync } = require('node:fs');
const { fileSystemFlusher } = require(${JSON.stringify(module)});
const children = () => readdirSync('/proc/self/task').map((t) => readFileSync('/proc/self/task/' + t + '/children', 'utf8')).join(' ').split(/\\s+/).filter(Boolean);
(async () => {
  const flush = await fileSystemFlusher(${JSON.stringify(base)});
  const seen = [];
  for (let i = 0; i < 3; i++) seen.push({ ok: await flush(), children: children() });
  console.log(JSON.stringify(seen));
})();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null | 'timeout'>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, 20_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.is(code, 0, 'the process ended by itself');
  const seen = JSON.parse(out) as Array<{ ok: boolean; children: string[] }>;
  assert.equal(
    seen.map((s) => s.ok),
    [true, true, true],
  );
  // Not a process per flush: the same one child (the shell) after each of them.
  assert.is(seen[0]!.children.length, 1, `children: ${JSON.stringify(seen)}`);
  assert.equal(seen[1]!.children, seen[0]!.children);
  assert.equal(seen[2]!.children, seen[0]!.children);
});

test.run();
