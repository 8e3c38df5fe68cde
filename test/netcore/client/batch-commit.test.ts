// Small files reach their final names in batches (PROTOCOL.md §6.2): where the file system
// can be flushed as a whole, a batch costs two flushes (before the renames and after);
// a flush that fails falls back to syncing file by file, and never costs a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { BatchCommitter, type Flush, type SmallFile } from '../../../extensions/netcore/src/client/batch-commit';
import { fileSystemFlusher, kernelReportsSyncfsErrors } from '../../../extensions/netcore/src/client/file-system-flush';
import { makeTempDir, removeDir } from '../../support/temp-dir';

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
function recordingFlush(ok: boolean, calls: Array<{ finalNames: number }>, folder: string): Flush {
  return async () => {
    const names = (await readdir(folder)).filter((n) => !n.endsWith('.part'));
    calls.push({ finalNames: names.length });
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

test('a batch on a flushable file system is flushed once before its renames and once after', async () => {
  const all = await files(20);
  const calls: Array<{ finalNames: number }> = [];
  const committer = new BatchCommitter(async () => recordingFlush(true, calls, join(base, 'folder-0')));
  await Promise.all(all.map((f) => committer.add(f)));
  await assertCommitted(all);
  // The first file starts a batch of its own; the other 19 gather while it is written. Each
  // batch: no final name of it before its first flush, all of them before its second.
  assert.equal(calls, [{ finalNames: 0 }, { finalNames: 1 }, { finalNames: 1 }, { finalNames: 10 }]);
});

test('a flush that fails is made up for file by file: every file still arrives', async () => {
  const all = await files(12);
  const calls: Array<{ finalNames: number }> = [];
  const committer = new BatchCommitter(async () => recordingFlush(false, calls, join(base, 'folder-0')));
  await Promise.all(all.map((f) => committer.add(f)));
  await assertCommitted(all);
  assert.is(calls.length, 2, 'one failed flush per batch (two batches), then each file and folder is synced');
});

test('folders on different file systems (or with no flush) are synced file by file', async () => {
  const all = await files(6, 2);
  const calls: Array<{ finalNames: number }> = [];
  // Only folder-0 can be flushed as a whole. The first file (in folder-0) is a batch of its
  // own and uses it; the second batch spans both folders, so it syncs file by file.
  const committer = new BatchCommitter(async (folder) => (folder.endsWith('folder-0') ? recordingFlush(true, calls, folder) : undefined));
  await Promise.all(all.map((f) => committer.add(f)));
  await assertCommitted(all);
  assert.equal(calls, [{ finalNames: 0 }, { finalNames: 1 }]);
});

test('a file that cannot be written fails alone; the rest of its batch arrives', async () => {
  const all = await files(4, 1);
  // Its folder does not exist, so its .part cannot be created.
  const lost = { ...all[1]!, part: join(base, 'missing', 'x.part'), target: join(base, 'missing', 'x') };
  const calls: Array<{ finalNames: number }> = [];
  const committer = new BatchCommitter(async (folder) => (folder.endsWith('folder-0') ? recordingFlush(true, calls, folder) : undefined));
  const outcomes = await Promise.allSettled([all[0]!, lost, all[2]!, all[3]!].map((f) => committer.add(f)));
  assert.is(outcomes[1]!.status, 'rejected');
  assert.match(String((outcomes[1] as PromiseRejectedResult).reason.code), /NOT_FOUND|WRITE_FAILED/);
  await assertCommitted([all[0]!, all[2]!, all[3]!]);
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

test.run();
