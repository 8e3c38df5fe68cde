// What a download finds in its destination before it asks for anything: a file already
// there with the listed size and time is skipped, and what an interrupted run left beside
// it is cleaned up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planDownload } from '../../../extensions/netcore/src/client/download-plan';
import { metaPath } from '../../../extensions/netcore/src/client/part-files';
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

test.run();
