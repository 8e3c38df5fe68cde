// Whole downloads over real TLS on 127.0.0.1: a tree with sub-folders and unusual names
// arrives byte-exact, with its folders and mtimes, and no partial files are left behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { selectEntries } from '../../../extensions/netcore/src/client/selection';
import { assertTreeMatches, makeShareTree, partFilesIn, writeRandomFile, type FileFacts, type ShareTree } from '../../support/file-tree';
import { downloadInto, OpenClients } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let tree: ShareTree;
let server: TestServer;
const clients = new OpenClients(() => base);
const extraServers: TestServer[] = [];

test.before(async () => {
  base = await makeTempDir('round-trip');
  tree = await makeShareTree(join(base, 'share'));
  server = await startTestServer({ sharePath: tree.root });
});

test.after.each(() => {
  clients.closeAll();
});

test.after(async () => {
  for (const s of extraServers) await s.close();
  await server?.close();
  await removeDir(base);
});

const connect = (port = server.port): Promise<ServerConnection> => clients.connect(port);

test('the listing holds every shareable file with its size and truncated mtime, sorted', async () => {
  const c = await connect();
  const listing = await c.list();
  assert.equal(listing.share, { kind: 'directory', name: 'share' });
  const paths = listing.entries.map((e) => e.path);
  assert.equal(
    paths,
    [...tree.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  for (const e of listing.entries) {
    const facts = tree.files.get(e.path)!;
    assert.is(e.size, facts.size, e.path);
    assert.is(e.mtimeMs, Math.trunc(facts.mtimeMs), e.path);
  }
  assert.equal(listing.notShared, {});
});

test('downloading everything reproduces the tree byte for byte, mtimes included, with no .part left', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const dest = join(base, 'all');
  const seen: string[] = [];
  const result = await downloadInto(c, entries, dest, { onFile: (o) => seen.push(`${o.status} ${o.path}`) });
  assert.ok(result.ok, JSON.stringify(result.files.filter((f) => f.status !== 'done')));
  assert.is(result.files.length, tree.files.size);
  assert.ok(result.files.every((f) => f.status === 'done'));
  assert.is(
    result.bytes,
    [...tree.files.values()].reduce((n, f) => n + f.size, 0),
  );
  assert.is(seen.length, tree.files.size, 'one outcome per file');
  await assertTreeMatches(dest, tree.files);
  assert.equal(await partFilesIn(dest), []);
  assert.ok((await lstat(join(dest, 'docs', 'nested', 'deeper'))).isDirectory(), 'sub-folders are recreated');
});

test('downloading the same selection again skips every finished file and sends nothing', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const dest = join(base, 'twice');
  assert.ok((await downloadInto(c, entries, dest)).ok);
  const again = await downloadInto(c, entries, dest);
  assert.ok(again.ok);
  assert.is(again.bytes, 0);
  assert.ok(
    again.files.every((f) => f.status === 'skipped'),
    JSON.stringify(again.files),
  );
  await assertTreeMatches(dest, tree.files);
});

test('selecting a folder name downloads that folder only, under its own name', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const docs = selectEntries(entries, ['docs'], false);
  assert.ok(docs.length >= 3);
  const dest = join(base, 'docs-only');
  assert.ok((await downloadInto(c, docs, dest)).ok);
  const expected = new Map<string, FileFacts>([...tree.files].filter(([p]) => p.startsWith('docs/')));
  await assertTreeMatches(dest, expected);
  assert.equal(await readdir(dest), ['docs']);
});

test('selecting one file in a sub-folder downloads just that file', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const wanted = 'docs/گزارش سالانه.txt';
  const dest = join(base, 'one-file');
  assert.ok((await downloadInto(c, selectEntries(entries, [wanted], false), dest)).ok);
  await assertTreeMatches(dest, new Map([[wanted, tree.files.get(wanted)!]]));
});

test('a single-file share lists the file by its own name and downloads it', async () => {
  const file = join(base, 'single', 'report 2024 📊.bin');
  const facts = await writeRandomFile(file, (1 << 20) + 12_345, 1_700_000_000.5);
  const single = await startTestServer({ sharePath: file });
  extraServers.push(single);
  const c = await connect(single.port);
  const listing = await c.list();
  assert.equal(listing.share, { kind: 'file', name: 'report 2024 📊.bin' });
  assert.equal(
    listing.entries.map((e) => e.path),
    ['report 2024 📊.bin'],
  );
  const dest = join(base, 'single-dest');
  assert.ok((await downloadInto(c, listing.entries, dest)).ok);
  await assertTreeMatches(dest, new Map([['report 2024 📊.bin', facts]]));
});

test('a single empty file is shared and arrives as an empty file', async () => {
  const file = join(base, 'zero', 'empty.txt');
  const facts = await writeRandomFile(file, 0, 1_600_000_000.25);
  const zero = await startTestServer({ sharePath: file });
  extraServers.push(zero);
  const c = await connect(zero.port);
  const listing = await c.list();
  assert.equal(
    listing.entries.map((e) => [e.path, e.size]),
    [['empty.txt', 0]],
  );
  const dest = join(base, 'zero-dest');
  const result = await downloadInto(c, listing.entries, dest);
  assert.ok(result.ok);
  assert.is(result.files[0]!.status, 'done');
  await assertTreeMatches(dest, new Map([['empty.txt', facts]]));
  assert.equal(await partFilesIn(dest), []);
});

test('an empty folder share lists nothing and a download of nothing succeeds', async () => {
  const emptyShare = await makeTempDir('empty-share');
  try {
    const s = await startTestServer({ sharePath: emptyShare });
    extraServers.push(s);
    const c = await connect(s.port);
    const listing = await c.list();
    assert.equal(listing.entries, []);
    const result = await downloadInto(c, [], join(base, 'nothing'));
    assert.ok(result.ok);
    assert.equal(result.files, []);
  } finally {
    await removeDir(emptyShare);
  }
});

test.run();
