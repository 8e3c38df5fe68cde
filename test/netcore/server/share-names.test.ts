// The share under both name rules (PROTOCOL.md §5, §10.2): the main port's share lists
// and serves only portable names, exactly as before; the same share seen through the web
// port's rule also lists and serves names only Windows could not store, while links,
// special files and the data folder stay refused under either rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PORTABLE_NAMES, webNameRule } from '../../../extensions/netcore/src/protocol/path-rules';
import { Share } from '../../../extensions/netcore/src/server/share';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection } from '../../support/wait';

const WINDOWS_ONLY = ['<img src=x onerror=alert(1)>.png', 'a"b.txt', 'what?.txt', 'CON.txt', 'trailing.', 'odd|dir?/inner.txt', 'odd|dir?/aux.md'];
const PLAIN = ['plain.txt', 'sub/inner.txt'];
const WEB = webNameRule('linux');

let base = '';
let root = '';
let dataDir = '';

test.before(async () => {
  base = await makeTempDir('share-names');
  root = join(base, 'share');
  for (const path of [...PLAIN, ...WINDOWS_ONLY]) {
    await mkdir(join(root, ...path.split('/').slice(0, -1)), { recursive: true });
    await writeFile(join(root, ...path.split('/')), `contents of ${path}`);
  }
  await writeFile(join(base, 'outside.txt'), 'outside');
  await symlink('../outside.txt', join(root, 'link?.txt'));
  await symlink('..', join(root, 'up*'));
  dataDir = join(root, 'data:dir.');
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'server.key'), 'key');
});

test.after(async () => {
  await removeDir(base);
});

test('the main port: only portable names, and the others are reported as skipped', async () => {
  const share = await Share.open(root, dataDir);
  assert.is(share.names, PORTABLE_NAMES);
  assert.is(share.withNames(PORTABLE_NAMES), share);
  const skipped: string[] = [];
  const listed = (await share.list((path) => skipped.push(path))).map((e) => e.path);
  assert.equal(listed, [...PLAIN].sort());
  for (const name of ['<img src=x onerror=alert(1)>.png', 'a"b.txt', 'what?.txt', 'CON.txt', 'trailing.', 'odd|dir?']) assert.ok(skipped.includes(name), name);
  const folder = await share.listFolder('');
  assert.equal(folder.folders, ['sub']);
  assert.equal(folder.files.map((f) => f.path), ['plain.txt']);
  for (const path of WINDOWS_ONLY) {
    const err = await rejection(share.openFile(path), 5_000, path);
    assert.is(err.code, 'BAD_PATH', path);
  }
});

test('the web port: the same share lists and opens the names only Windows could not store', async () => {
  const share = (await Share.open(root, dataDir)).withNames(WEB);
  assert.is(share.names, WEB);
  const listed = (await share.list()).map((e) => e.path);
  assert.equal(listed, [...PLAIN, ...WINDOWS_ONLY].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  const folder = await share.listFolder('');
  assert.equal(folder.folders, ['odd|dir?', 'sub']);
  assert.equal(folder.files.map((f) => f.path), ['<img src=x onerror=alert(1)>.png', 'CON.txt', 'a"b.txt', 'plain.txt', 'trailing.', 'what?.txt']);
  assert.equal((await share.listFolder('odd|dir?')).files.map((f) => f.path), ['odd|dir?/aux.md', 'odd|dir?/inner.txt']);
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

test('the web port still refuses links, the data folder and every traversal', async () => {
  const share = (await Share.open(root, dataDir)).withNames(WEB);
  const listed = (await share.list()).map((e) => e.path);
  for (const hidden of ['link?.txt', 'up*', 'data:dir./server.key']) assert.not.ok(listed.some((p) => p.startsWith(hidden)), hidden);
  assert.not.ok((await share.listFolder('')).folders.includes('data:dir.'), 'the data folder is not a folder of the listing');
  const notFound = ['link?.txt', 'up*/outside.txt', 'data:dir./server.key', 'missing?.txt'];
  for (const path of notFound) assert.is((await rejection(share.openFile(path), 5_000, path)).code, 'NOT_FOUND', path);
  const badPath = ['../outside.txt', 'sub/../../outside.txt', 'C:/outside.txt', 'c:outside.txt', 'a\\..\\outside.txt', '/etc/passwd', 'x\u0000'];
  for (const path of badPath) assert.is((await rejection(share.openFile(path), 5_000, path)).code, 'BAD_PATH', path);
  assert.is((await rejection(share.list(undefined, 'up*'), 5_000, 'a folder link')).code, 'NOT_FOUND');
  assert.is((await rejection(share.list(undefined, 'data:dir.'), 5_000, 'the data folder')).code, 'NOT_FOUND');
});

test('a single shared file keeps its start-up check: a name Windows cannot store is refused', async () => {
  const err = await rejection(Share.open(join(root, 'what?.txt'), dataDir), 5_000, 'a single file');
  assert.is(err.code, 'SHARE_INVALID');
});

test.run();
