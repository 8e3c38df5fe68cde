// A share of 100,000 files listed through the contract (client.list), the way the desktop
// app lists it: every file arrives once, sorted, with its size and modification time, across
// the many FILE_LIST pages such a share takes; and a second listing after changes in the
// share (a file grown, one added, one removed) shows exactly the share as it is then.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { makeTempDir, removeDir } from '../../support/temp-dir';

const FILES = 100_000;
const FOLDERS = 100;

let base = '';
let share = '';

const wireOf = (i: number) => `dir ${String(i % FOLDERS).padStart(3, '0')}/file ${String(i).padStart(6, '0')}.txt`;
const sizeOf = (i: number) => i % 7;
const secondsOf = (i: number) => 1_500_000_000 + i;

test.before(async () => {
  base = await makeTempDir('large-listing');
  share = join(base, 'share');
  for (let d = 0; d < FOLDERS; d++) mkdirSync(join(share, `dir ${String(d).padStart(3, '0')}`), { recursive: true });
  const bytes = Buffer.from('abcdefg');
  for (let i = 0; i < FILES; i++) {
    const path = join(share, ...wireOf(i).split('/'));
    writeFileSync(path, bytes.subarray(0, sizeOf(i)));
    utimesSync(path, secondsOf(i), secondsOf(i));
  }
});

test.after(async () => {
  await removeDir(base);
});

test('client.list of a 100,000-file share: every file once, sorted, with size and mtime; a later listing shows the changes', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    await client.connect(mainPort!, { displayName: 'lister' });
    const first = await client.handle('client.list', {});
    assert.is(first.entries.length, FILES);
    const expected = Array.from({ length: FILES }, (_, i) => wireOf(i)).sort();
    const paths = first.entries.map((e) => e.path);
    assert.ok(
      paths.every((p, k) => p === expected[k]),
      'the paths are the share’s, each once, sorted',
    );
    for (const i of [0, 1, 6, 12_345, 99_999]) {
      const e = first.entries.find((x) => x.path === wireOf(i))!;
      assert.equal(e, { path: wireOf(i), size: sizeOf(i), mtimeMs: secondsOf(i) * 1000 });
    }

    // The share changes: one file grows, one is added, one is removed.
    await writeFile(join(share, ...wireOf(12_345).split('/')), 'grown to twenty bytes');
    await writeFile(join(share, 'dir 000', 'new file.txt'), 'new');
    await rm(join(share, ...wireOf(99_999).split('/')));
    const second = await client.handle('client.list', {});
    assert.is(second.entries.length, FILES);
    const byPath = new Map(second.entries.map((e) => [e.path, e]));
    assert.is(byPath.get(wireOf(12_345))?.size, 21, 'the grown file has its new size');
    assert.is(byPath.get('dir 000/new file.txt')?.size, 3, 'the new file is listed');
    assert.not.ok(byPath.has(wireOf(99_999)), 'the removed file is gone');
    assert.equal(
      byPath.get(wireOf(6)),
      first.entries.find((x) => x.path === wireOf(6)),
      'the others are as before',
    );
  } finally {
    await closeAll(client, server);
  }
});

test.run();
