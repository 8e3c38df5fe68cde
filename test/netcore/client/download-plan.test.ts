// What a download finds in its destination before it asks for anything: a file already
// there with the listed size and time is skipped, and what an interrupted run left beside
// it is cleaned up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DownloadPlanner, planDownload } from '../../../extensions/netcore/src/client/download-plan';
import { metaName, metaPath, partName, partPath } from '../../../extensions/netcore/src/client/part-files';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';

test.before.each(async () => {
  base = await makeTempDir('download-plan');
});

test.after.each(async () => {
  await removeDir(base);
});

test('a file already downloaded is skipped, and the sidecar a run stopped after its rename left goes', async () => {
  const entry: FileEntry = { path: 'big.bin', size: 5, mtimeMs: 1_700_000_000_000 };
  const target = join(base, 'big.bin');
  await writeFile(target, 'hello');
  await utimes(target, entry.mtimeMs / 1000, entry.mtimeMs / 1000);
  await writeFile(metaPath(target), JSON.stringify({ path: 'big.bin', size: 5, mtimeMs: entry.mtimeMs }));
  const plan = await planDownload({ entries: [entry], destination: base });
  assert.equal(plan.pending, []);
  assert.equal(
    plan.settled.map((o) => [o.path, o.status]),
    [['big.bin', 'skipped']],
  );
  assert.equal(await readdir(base), ['big.bin']);
});

test('a sidecar beside a file of another version stays: the download of the new version needs to see it', async () => {
  const entry: FileEntry = { path: 'big.bin', size: 6, mtimeMs: 1_700_000_000_000 };
  const target = join(base, 'big.bin');
  await writeFile(target, 'hello');
  await writeFile(metaPath(target), JSON.stringify({ path: 'big.bin', size: 6, mtimeMs: entry.mtimeMs }));
  const plan = await planDownload({ entries: [entry], destination: base });
  assert.equal(
    plan.pending.map((p) => p.entry.path),
    ['big.bin'],
  );
  assert.equal((await readdir(base)).sort(), ['big.bin', 'big.bin.part.json']);
});

test('files after the first in a folder are decided from its listing, and still see what an earlier run left of them', async () => {
  const mtimeMs = 1_700_000_000_000;
  const entries: FileEntry[] = ['a.bin', 'b.bin', 'c.bin', 'd.bin', 'e.bin'].map((n) => ({ path: `f/${n}`, size: 8, mtimeMs }));
  await mkdir(join(base, 'f'));
  // b: complete already; c: a partial copy of this version; d: a sidecar alone; a and e: nothing.
  await writeFile(join(base, 'f', 'b.bin'), '12345678');
  await utimes(join(base, 'f', 'b.bin'), mtimeMs / 1000, mtimeMs / 1000);
  await writeFile(partPath(join(base, 'f', 'c.bin')), '1234');
  await writeFile(metaPath(join(base, 'f', 'c.bin')), JSON.stringify({ version: 1, path: 'f/c.bin', size: 8, mtimeMs }));
  await writeFile(metaPath(join(base, 'f', 'd.bin')), JSON.stringify({ version: 1, path: 'f/d.bin', size: 8, mtimeMs }));
  const plan = await planDownload({ entries, destination: base });
  assert.equal(
    plan.settled.map((o) => [o.path, o.status]),
    [['f/b.bin', 'skipped']],
  );
  assert.equal(
    plan.pending.map((p) => [p.entry.path, p.offset, p.hasMeta ?? false]),
    [
      ['f/a.bin', 0, false],
      ['f/c.bin', 4, true],
      ['f/d.bin', 0, true],
      ['f/e.bin', 0, false],
    ],
  );
});

test('partName and metaName are the names of partPath and metaPath, short stand-ins for long names included', () => {
  for (const name of ['a.bin', 'x'.repeat(80), 'x'.repeat(244), 'x'.repeat(245), 'é'.repeat(81), 'é'.repeat(123), '😀'.repeat(61), '😀'.repeat(62)]) {
    const target = join(base, 'folder', name);
    assert.is(partName(name), basename(partPath(target)), name);
    assert.is(metaName(name), basename(metaPath(target)), name);
  }
});

test('a planner stopped early has finished the folders it began ahead: none appears after it returns', async () => {
  // The first file's folder is ready at once; the folders after it are deep, so each takes
  // many calls and is still being made when the first file is decided.
  const deep = (k: number) => `d${k}/a/b/c/d/e/f/g/h`;
  const entries: FileEntry[] = [{ path: 'top/0.bin', size: 1, mtimeMs: 1_700_000_000_000 }];
  for (let i = 1; i < 64; i++) entries.push({ path: `${deep(i % 8)}/${i}.bin`, size: 1, mtimeMs: 1_700_000_000_000 });
  const planner = await DownloadPlanner.start({ entries, destination: base });
  let fed = 0;
  await planner.run({ pending: () => fed++, settled: () => fed++ }, () => fed >= 1);
  const all = async () => (await readdir(base, { recursive: true })).sort();
  const atReturn = await all();
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await all(), atReturn, 'nothing was made after the planner returned');
  assert.ok(atReturn.includes(deep(1)), 'the next folders were prepared ahead');
});

test.run();
