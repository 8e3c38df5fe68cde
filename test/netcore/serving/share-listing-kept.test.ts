// The whole share's listing is kept while nothing in the share changes, and every kind of
// change made right before the next listing (by this process, with no wait) is in it: a
// file added, grown, touched, made unreadable, renamed or removed, a folder added or
// removed, a change deep in the tree. A share with too many folders to watch is listed anew.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, chmod, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_WATCHED_FOLDERS } from '../../../extensions/netcore/src/constants';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import { Share } from '../../../extensions/netcore/src/serving/share';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let root = '';
let share: Share;

test.before(async () => {
  base = await makeTempDir('share-kept');
  root = join(base, 'share');
  await mkdir(join(root, 'a', 'deep', 'er'), { recursive: true });
  await writeFile(join(root, 'one.txt'), '1');
  await writeFile(join(root, 'a', 'two.txt'), '22');
  await writeFile(join(root, 'a', 'deep', 'er', 'three.txt'), '333');
  share = await Share.open(root, await makeSubDir(base, 'data'));
});

test.after(async () => {
  share.close();
  await removeDir(base);
});

const paths = (entries: FileEntry[]) => entries.map((e) => e.path);
const find = (entries: FileEntry[], path: string) => entries.find((e) => e.path === path);

test('an unchanged share is listed once and then kept', async () => {
  const first = await share.list();
  assert.equal(paths(first), ['a/deep/er/three.txt', 'a/two.txt', 'one.txt']);
  assert.is(await share.list(), first, 'the second listing is the kept one');
});

for (const [what, change, check] of [
  ['a file added', () => writeFile(join(root, 'new.txt'), 'n'), (l: FileEntry[]) => find(l, 'new.txt') !== undefined],
  ['a file grown', () => appendFile(join(root, 'one.txt'), 'more'), (l: FileEntry[]) => find(l, 'one.txt')?.size === 5],
  [
    'a file touched',
    () => utimes(join(root, 'a', 'two.txt'), 1_600_000_000, 1_600_000_000),
    (l: FileEntry[]) => find(l, 'a/two.txt')?.mtimeMs === 1_600_000_000_000,
  ],
  [
    'a file deep in the tree renamed',
    () => rename(join(root, 'a', 'deep', 'er', 'three.txt'), join(root, 'a', 'deep', 'er', '3.txt')),
    (l: FileEntry[]) => find(l, 'a/deep/er/3.txt') !== undefined && find(l, 'a/deep/er/three.txt') === undefined,
  ],
  [
    'a folder with a file added',
    async () => {
      await mkdir(join(root, 'b'));
      await writeFile(join(root, 'b', 'four.txt'), '4444');
    },
    (l: FileEntry[]) => find(l, 'b/four.txt') !== undefined,
  ],
  ['a file in the new folder removed', () => rm(join(root, 'b', 'four.txt')), (l: FileEntry[]) => find(l, 'b/four.txt') === undefined],
  ['a folder removed', () => rm(join(root, 'a', 'deep'), { recursive: true }), (l: FileEntry[]) => !paths(l).some((p) => p.startsWith('a/deep/'))],
] as const) {
  test(`${what}: the next listing, right after, has it`, async () => {
    const before = await share.list();
    assert.is(await share.list(), before, 'kept before the change');
    await change();
    const after = await share.list();
    assert.is.not(after, before);
    assert.ok(check(after), JSON.stringify(paths(after)));
    assert.is(await share.list(), after, 'and kept again');
  });
}

// Root reads every file whatever its permission bits, and Windows has none to take away.
const unreadable = process.getuid?.() !== 0 && process.platform !== 'win32' ? test : test.skip;
unreadable('a file made unreadable: the next listing leaves it out and says why (not as root)', async () => {
  await share.list();
  await chmod(join(root, 'one.txt'), 0o000);
  const reasons: string[] = [];
  const after = await share.list((path, reason) => reasons.push(`${path}:${reason}`));
  await chmod(join(root, 'one.txt'), 0o644);
  assert.is(find(after, 'one.txt'), undefined);
  assert.ok(reasons.includes('one.txt:unreadable'), reasons.join(', '));
});

test('what a kept listing left out is told again on every listing', async () => {
  await writeFile(join(root, 'bad\u0001name.txt'), 'x');
  const first: string[] = [];
  await share.list((_, reason) => first.push(reason));
  const again: string[] = [];
  const kept = await share.list((_, reason) => again.push(reason));
  assert.is(await share.list(), kept);
  assert.equal(again, first);
  assert.ok(first.includes('badName'));
});

test('a share with more folders than can be watched is listed anew each time', async () => {
  const wide = join(base, 'wide');
  for (let i = 0; i <= MAX_WATCHED_FOLDERS; i++) mkdirSync(join(wide, `f${i}`), { recursive: true });
  await writeFile(join(wide, 'f0', 'x.txt'), 'x');
  const big = await Share.open(wide, join(base, 'data'));
  try {
    const first = await big.list();
    assert.equal(paths(first), ['f0/x.txt']);
    assert.is.not(await big.list(), first);
  } finally {
    big.close();
  }
});

test('listings asked for together share one walk, and one asked for after a change during it walks again', async () => {
  const fresh = await Share.open(root, join(base, 'data'));
  try {
    const [a, b] = await Promise.all([fresh.list(), fresh.list()]);
    assert.is(a, b, 'the second waited for the first walk');
    fresh.close();
    const first = fresh.list();
    // Made while the first walk runs, before the second listing is asked for.
    await writeFile(join(root, 'during.txt'), 'd');
    const second = await fresh.list();
    assert.ok(find(second, 'during.txt'), 'the later listing has the change');
    await first;
  } finally {
    fresh.close();
  }
});

test('a closed share keeps nothing', async () => {
  const kept = await share.list();
  share.close();
  assert.is.not(await share.list(), kept);
});

test.run();
