// The main port's read-ahead of a download request (serving/read-ahead.ts): files come out
// in request order with their own bytes, a refused path fails only its own entry, the
// window never holds more than READ_AHEAD_FILES files open nor reads past a large file,
// and closing it early closes every descriptor it opened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, fstatSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAME_HEADER_BYTES } from '../../../extensions/netcore/src/constants';
import type { FileRequest } from '../../../extensions/netcore/src/protocol/messages';
import { READ_AHEAD_FILES } from '../../../extensions/netcore/src/constants';
import { RequestReadAhead, sameVersion } from '../../../extensions/netcore/src/serving/read-ahead';
import { type CheckedFolders, Share } from '../../../extensions/netcore/src/serving/share';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { conditionNeed, testIf } from '../../support/tools';
import { waitUntil } from '../../support/wait';

const SMALL = 40;
let base = '';
let share: Share;

const openDescriptors = () => readdirSync('/proc/self/fd').length;
const hasProcFd = (() => {
  try {
    readdirSync('/proc/self/fd');
    return true;
  } catch {
    return false;
  }
})();
const procFdTest = testIf(test, conditionNeed(hasProcFd ? undefined : 'no /proc/self/fd to count descriptors'));

test.before(async () => {
  base = await makeTempDir('read-ahead');
  for (let i = 0; i < SMALL; i++) await writeRandomFile(join(base, 'share', 'small', `f${String(i).padStart(2, '0')}.bin`), 1000 + i);
  await writeRandomFile(join(base, 'share', 'large.bin'), 3 << 20);
  await symlink(join(base, 'share', 'small', 'f00.bin'), join(base, 'share', 'small', 'link.bin'));
  share = await Share.open(join(base, 'share'), join(base, 'data'));
});

test.after(async () => {
  await removeDir(base);
});

const request = (paths: string[]): FileRequest[] => paths.map((path) => ({ path, offset: 0 }));

test('each file comes out in its turn with its own bytes, checked after the read; a refused path fails alone', async () => {
  const paths = ['small/f00.bin', 'small/link.bin', '../outside', 'small/f01.bin', 'large.bin', 'small/f02.bin'];
  const ahead = new RequestReadAhead(share, request(paths));
  try {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      const taken = ahead.take(i);
      if (path === 'small/link.bin' || path === '../outside') {
        const err = await taken.then(
          () => undefined,
          (e: { code?: string }) => e,
        );
        assert.ok(err && (err.code === 'NOT_FOUND' || err.code === 'BAD_PATH'), `${path} is refused (${err?.code})`);
        continue;
      }
      const prepared = await taken;
      const expected = await readFile(join(base, 'share', ...path.split('/')));
      assert.is(prepared.opened.stat.size, expected.length);
      const parts: Buffer[] = [];
      for (let frame = await prepared.reader.next(); frame; frame = await prepared.reader.next()) parts.push(Buffer.from(frame.subarray(FRAME_HEADER_BYTES)));
      assert.ok(Buffer.concat(parts).equals(expected), `${path}: its own bytes`);
      if (path === 'large.bin') assert.is(prepared.statAfterRead, undefined, 'a large file is checked by the sender after its last frame');
      else assert.is((await prepared.statAfterRead)!.size, expected.length, `${path}: stat-ed after the read`);
      prepared.reader.close();
      await prepared.opened.handle.close();
    }
  } finally {
    ahead.close();
  }
});

test('a request lstats each folder once; a folder swapped for a link meanwhile is refused by the next request', async () => {
  const root = join(base, 'swap');
  await writeRandomFile(join(root, 'inner', 'a.bin'), 100);
  await writeRandomFile(join(root, 'inner', 'b.bin'), 100);
  await writeRandomFile(join(root, 'elsewhere', 'inner', 'b.bin'), 100);
  const swapShare = await Share.open(root, join(base, 'swap-data'));
  const checked: CheckedFolders = new Set();
  // The lstats the share makes, counted: the folder's for the first file only.
  const lstatted: string[] = [];
  // The module object itself (the share reads its lstatSync at each call), not a namespace copy.
  const fs: { lstatSync: typeof import('node:fs').lstatSync } = createRequire(__filename)('node:fs');
  const realLstat = fs.lstatSync;
  fs.lstatSync = ((path: string, options?: import('node:fs').StatSyncOptions) => {
    lstatted.push(path);
    return realLstat(path, options);
  }) as typeof fs.lstatSync;
  let opened: Array<ReturnType<Share['openFileSync']>>;
  try {
    opened = [swapShare.openFileSync('inner/a.bin', checked), swapShare.openFileSync('inner/b.bin', checked)];
  } finally {
    fs.lstatSync = realLstat;
  }
  assert.equal(lstatted, [join(root, 'inner'), join(root, 'inner', 'a.bin'), join(root, 'inner', 'b.bin')]);
  assert.equal([...checked], [join(root, 'inner')], 'the folder is remembered for this request');
  const first = opened[0]!;
  assert.ok(first.stat.isFile() && first.stat.size === 100, "the stat is the file's, taken before the open");
  assert.ok(sameVersion(first.stat, fstatSync(first.fd)), 'and it describes the file opened');
  for (const o of opened) closeSync(o.fd);
  // The folder becomes a link to another folder: a new request finds the link and refuses it.
  await rename(join(root, 'inner'), join(root, 'moved'));
  await symlink(join(root, 'elsewhere', 'inner'), join(root, 'inner'));
  let refused: { code?: string } | undefined;
  try {
    swapShare.openFileSync('inner/b.bin', new Set());
  } catch (err) {
    refused = err as { code?: string };
  }
  assert.is(refused?.code, 'NOT_FOUND', 'a link on the way is refused');
});

test('the same version means the same device, inode, size and time: a look-alike copy is another file', async () => {
  const dir = join(base, 'versions');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'one'), 'same bytes');
  await writeFile(join(dir, 'two'), 'same bytes');
  const when = new Date(1_700_000_000_000);
  utimesSync(join(dir, 'one'), when, when);
  utimesSync(join(dir, 'two'), when, when);
  const one = statSync(join(dir, 'one'));
  assert.ok(sameVersion(one, statSync(join(dir, 'one'))));
  assert.not.ok(sameVersion(one, statSync(join(dir, 'two'))), 'same size and time, another inode');
  await writeFile(join(dir, 'one'), 'longer bytes');
  utimesSync(join(dir, 'one'), when, when);
  assert.not.ok(sameVersion(one, statSync(join(dir, 'one'))), 'the same inode and time, another size');
});

procFdTest('at most READ_AHEAD_FILES files are open ahead, none past a large file, and close() closes them all', async () => {
  const before = openDescriptors();
  const many = Array.from({ length: SMALL }, (_, i) => `small/f${String(i).padStart(2, '0')}.bin`);
  const ahead = new RequestReadAhead(share, request(many));
  const first = await ahead.take(0);
  const open = openDescriptors() - before;
  assert.ok(open >= 2 && open <= READ_AHEAD_FILES + 1, `${open} descriptors open with one file taken`);
  first.reader.close();
  await first.opened.handle.close();
  ahead.close();
  await waitUntil(() => openDescriptors() <= before, 'every descriptor of the read-ahead to be closed', { timeoutMs: 5_000, intervalMs: 5 });

  const blocked = new RequestReadAhead(share, request(['small/f00.bin', 'large.bin', ...many.slice(1)]));
  const head = await blocked.take(0);
  const withLarge = openDescriptors() - before;
  assert.ok(withLarge <= 3, `the window stops at the large file (${withLarge} open)`);
  head.reader.close();
  await head.opened.handle.close();
  blocked.close();
  await waitUntil(() => openDescriptors() <= before, 'every descriptor to be closed again', { timeoutMs: 5_000, intervalMs: 5 });
});

test('a small file is opened for the caller to read whole: its bytes, checked after the read; a larger one is kept for take()', async () => {
  const paths = ['small/f03.bin', 'large.bin', 'small/link.bin'];
  const ahead = new RequestReadAhead(share, request(paths));
  try {
    const small = ahead.openSmall(0, 64 * 1024);
    assert.ok(small, 'opened for the caller');
    const bytes = Buffer.alloc(small.stat.size);
    assert.is(ahead.readSmall(small, bytes), undefined);
    assert.equal(bytes, await readFile(join(base, 'share', 'small', 'f03.bin')));
    assert.throws(() => fstatSync(small.fd), 'its descriptor is closed once it is read');
    // Too large: not opened for the caller, but started, so take() has it at once.
    assert.is(ahead.openSmall(1, 64 * 1024), undefined);
    const large = await ahead.take(1);
    assert.is(large.opened.stat.size, 3 << 20);
    large.reader.close();
    await large.opened.handle.close();
    // Refused (a link): left to take(), which answers with the refusal.
    assert.is(ahead.openSmall(2, 64 * 1024), undefined);
    const refused = await ahead.take(2).then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    assert.is(refused?.code, 'NOT_FOUND');
  } finally {
    ahead.close();
  }
});

test('a small file that changes between its open and its read is refused, never sent torn', async () => {
  const path = join(base, 'share', 'small', 'changing.bin');
  for (const [change, code, words] of [
    ['shrinks', 'FILE_CHANGED', 'shrank'],
    ['grows', 'FILE_CHANGED', 'changed while it was being sent'],
  ] as const) {
    await writeFile(path, Buffer.alloc(5000, 1));
    const ahead = new RequestReadAhead(share, request(['small/changing.bin']));
    const small = ahead.openSmall(0, 64 * 1024);
    assert.ok(small);
    await writeFile(path, Buffer.alloc(change === 'shrinks' ? 100 : 9000, 2));
    const refusal = ahead.readSmall(small, Buffer.alloc(small.stat.size));
    assert.is(refusal?.code, code, change);
    assert.ok(refusal?.message.includes(words), `${change}: ${refusal?.message}`);
    ahead.close();
  }
});

test('the wait between opening a small file and reading it (the pack before it going out) is not counted as slow reading', async () => {
  const paths = Array.from({ length: 8 }, (_, i) => `small/f${String(10 + i).padStart(2, '0')}.bin`);
  const ahead = new RequestReadAhead(share, request(paths), true);
  try {
    for (let i = 0; i < paths.length; i++) {
      const small = ahead.openSmall(i, 64 * 1024);
      assert.ok(small, `${paths[i]} is still opened for the caller`);
      await new Promise((r) => setTimeout(r, 5));
      assert.is(ahead.readSmall(small, Buffer.alloc(small.stat.size)), undefined);
    }
  } finally {
    ahead.close();
  }
});

procFdTest('a larger file met by openSmall() stays open for take(), which hands over that same descriptor', async () => {
  const before = openDescriptors();
  const ahead = new RequestReadAhead(share, request(['large.bin']), true);
  assert.is(ahead.openSmall(0, 64 * 1024), undefined);
  assert.is(openDescriptors(), before + 1, 'kept open, not closed and opened again');
  const large = await ahead.take(0);
  assert.is(openDescriptors(), before + 1);
  large.reader.close();
  await large.opened.handle.close();
  ahead.close();
  assert.is(openDescriptors(), before);
});

test('with packs, the window starts nothing ahead while reads are quick: small files after a larger one are still opened for the caller', async () => {
  const paths = ['large.bin', 'small/f20.bin', 'small/f21.bin'];
  for (const packing of [true, false]) {
    const ahead = new RequestReadAhead(share, request(paths), packing);
    try {
      assert.is(ahead.openSmall(0, 64 * 1024), undefined);
      const large = await ahead.take(0);
      large.reader.close();
      await large.opened.handle.close();
      const small = ahead.openSmall(1, 64 * 1024);
      // Without packs the window opened the next files ahead when the large one was taken.
      assert.is(small !== undefined, packing, `packing ${packing}`);
      if (small) ahead.dropSmall(small);
    } finally {
      ahead.close();
    }
  }
});

procFdTest('a small file opened and not read after all is closed by dropSmall()', async () => {
  const before = openDescriptors();
  const ahead = new RequestReadAhead(share, request(['small/f04.bin']));
  const small = ahead.openSmall(0, 64 * 1024);
  assert.ok(small);
  assert.is(openDescriptors(), before + 1);
  ahead.dropSmall(small);
  assert.is(openDescriptors(), before);
  ahead.close();
});

test.run();
