// The share under the host's name rule (PROTOCOL.md §5.1): a server that does not run on
// Windows lists and serves every safe name, those only Windows could not store included,
// on both ports; a Windows server refuses those too. Links, special files, unsafe names
// and the data folder are never shared, and each is counted with its reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WINDOWS_NAMES, WIRE_NAMES } from '../../../extensions/netcore/src/protocol/path-rules';
import { canRead } from '../../../extensions/netcore/src/serving/read-permission';
import { Share } from '../../../extensions/netcore/src/serving/share';
import type { NotSharedItem } from '../../../extensions/netcore/src/serving/not-shared-report';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { hasTool } from '../../support/web-client';
import { rejection } from '../../support/wait';

const WINDOWS_ONLY = [
  '<img src=x onerror=alert(1)>.png',
  'a"b.txt',
  'what?.txt',
  'CON.txt',
  'trailing.',
  'odd|dir?/inner.txt',
  'odd|dir?/aux.md',
  'a:b.txt',
  'C:/x.txt',
];
const PLAIN = ['plain.txt', 'sub/inner.txt'];
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

let base = '';
let root = '';
let dataDir = '';
let fifo = false;

test.before(async () => {
  base = await makeTempDir('share-names');
  root = join(base, 'share');
  for (const path of [...PLAIN, ...WINDOWS_ONLY]) {
    await mkdir(join(root, ...path.split('/').slice(0, -1)), { recursive: true });
    await writeFile(join(root, ...path.split('/')), `contents of ${path}`);
  }
  await writeFile(join(root, 'tab\tname.txt'), 'a control character');
  await writeFile(join(base, 'outside.txt'), 'outside');
  await symlink('../outside.txt', join(root, 'link?.txt'));
  await symlink('..', join(root, 'up*'));
  await symlink('plain.txt', join(root, 'sub', 'inner-link.txt'));
  dataDir = join(root, 'data:dir.');
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'server.key'), 'key');
  if (hasTool('mkfifo', ['--version'])) {
    execFileSync('mkfifo', [join(root, 'sub', 'pipe')]);
    fifo = true;
  }
});

test.after(async () => {
  await removeDir(base);
});

test('a server that does not run on Windows lists and opens the names only Windows could not store', async () => {
  const share = await Share.open(root, dataDir, WIRE_NAMES);
  const listed = (await share.list()).map((e) => e.path);
  assert.equal(listed, [...PLAIN, ...WINDOWS_ONLY].sort(byCodeUnit));
  const folder = await share.listFolder('');
  assert.equal(folder.folders, ['C:', 'odd|dir?', 'sub']);
  assert.equal(
    folder.files.map((f) => f.path),
    ['<img src=x onerror=alert(1)>.png', 'CON.txt', 'a"b.txt', 'a:b.txt', 'plain.txt', 'trailing.', 'what?.txt'],
  );
  assert.is(await share.kindOf('C:'), 'directory');
  assert.equal(
    (await share.listFolder('odd|dir?')).files.map((f) => f.path),
    ['odd|dir?/aux.md', 'odd|dir?/inner.txt'],
  );
  assert.is(await share.kindOf('odd|dir?'), 'directory');
  assert.is(await share.kindOf('trailing.'), 'file');
  for (const path of WINDOWS_ONLY) {
    const { handle } = await share.openFile(path);
    try {
      assert.is((await handle.readFile()).toString(), `contents of ${path}`);
    } finally {
      await handle.close();
    }
  }
});

test('everything left out is counted with its reason, and the report names it once per change', async () => {
  const share = await Share.open(root, dataDir, WIRE_NAMES);
  const changes: (readonly NotSharedItem[])[] = [];
  share.notShared.onChange((items) => changes.push(items));
  const skipped: string[] = [];
  await share.list((path, reason) => skipped.push(`${path}: ${reason}`));
  const expected = ['data:dir.: dataDir', 'link?.txt: link', 'sub/inner-link.txt: link', 'tab\tname.txt: badName', 'up*: link'];
  if (fifo) expected.push('sub/pipe: special');
  assert.equal(skipped.sort(byCodeUnit), expected.sort(byCodeUnit));
  assert.equal(share.notShared.counts, { dataDir: 1, link: 3, badName: 1, ...(fifo ? { special: 1 } : {}) });
  await share.list();
  assert.is(changes.length, 1, 'a second listing of the same share is not a change');
  await share.list(undefined, 'sub');
  assert.is(changes.length, 1, 'a folder of the share is not the whole share');
  const top = await share.listFolder('');
  assert.equal(top.notShared, { dataDir: 1, link: 2, badName: 1 });
  assert.equal((await share.listFolder('sub')).notShared, { link: 1, ...(fifo ? { special: 1 } : {}) });
});

test('a Windows server refuses the names Windows cannot store, as a matter of safety', async () => {
  const share = await Share.open(root, dataDir, WINDOWS_NAMES);
  const skipped: string[] = [];
  const listed = (await share.list((path, reason) => reason === 'badName' && skipped.push(path))).map((e) => e.path);
  assert.equal(listed, [...PLAIN].sort());
  for (const name of ['<img src=x onerror=alert(1)>.png', 'a"b.txt', 'what?.txt', 'CON.txt', 'trailing.', 'odd|dir?', 'a:b.txt', 'C:'])
    assert.ok(skipped.includes(name), name);
  for (const path of WINDOWS_ONLY) assert.is((await rejection(share.openFile(path), 5_000, path)).code, 'BAD_PATH', path);
});

test('links, the data folder and every traversal stay refused', async () => {
  const share = await Share.open(root, dataDir, WIRE_NAMES);
  const listed = (await share.list()).map((e) => e.path);
  for (const hidden of ['link?.txt', 'up*', 'data:dir./server.key', 'sub/inner-link.txt'])
    assert.not.ok(
      listed.some((p) => p.startsWith(hidden)),
      hidden,
    );
  assert.not.ok((await share.listFolder('')).folders.includes('data:dir.'), 'the data folder is not a folder of the listing');
  // A drive letter is a name like any other here: `C:/outside.txt` is a missing file of the share.
  const notFound = ['link?.txt', 'up*/outside.txt', 'data:dir./server.key', 'missing?.txt', 'sub/inner-link.txt', 'C:/outside.txt', 'c:outside.txt'];
  for (const path of notFound) assert.is((await rejection(share.openFile(path), 5_000, path)).code, 'NOT_FOUND', path);
  const badPath = ['../outside.txt', 'sub/../../outside.txt', 'C:/../../outside.txt', 'a\\..\\outside.txt', '/etc/passwd', 'x\u0000', 'tab\tname.txt'];
  for (const path of badPath) assert.is((await rejection(share.openFile(path), 5_000, path)).code, 'BAD_PATH', path);
  assert.is((await rejection(share.list(undefined, 'up*'), 5_000, 'a folder link')).code, 'NOT_FOUND');
  assert.is((await rejection(share.list(undefined, 'data:dir.'), 5_000, 'the data folder')).code, 'NOT_FOUND');
});

test('a single shared file: refused at start-up only when its name is unsafe on this host', async () => {
  assert.is((await Share.open(join(root, 'what?.txt'), dataDir, WIRE_NAMES)).kind, 'file');
  const err = await rejection(Share.open(join(root, 'what?.txt'), dataDir, WINDOWS_NAMES), 5_000, 'a single file on Windows');
  assert.is(err.code, 'SHARE_INVALID');
});

test('canRead follows the permission bits for the owner, the group and others', () => {
  const user = { uid: 1000, groups: new Set([100]) };
  assert.ok(canRead({ uid: 1000, gid: 5, mode: 0o100400 }, user));
  assert.not.ok(canRead({ uid: 1000, gid: 100, mode: 0o100044 }, user), 'the owner bits decide for the owner');
  assert.ok(canRead({ uid: 1, gid: 100, mode: 0o100040 }, user));
  assert.not.ok(canRead({ uid: 1, gid: 100, mode: 0o100004 }, user), 'the group bits decide for a member');
  assert.ok(canRead({ uid: 1, gid: 2, mode: 0o100004 }, user));
  assert.not.ok(canRead({ uid: 1, gid: 2, mode: 0o100440 }, user));
  assert.ok(canRead({ uid: 1, gid: 2, mode: 0o100000 }, { uid: 0, groups: new Set() }), 'root reads everything');
  assert.ok(canRead({ uid: 1, gid: 2, mode: 0o100000 }, undefined), 'no permission bits to go by (Windows)');
});

test.run();
