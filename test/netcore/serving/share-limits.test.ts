// What may be shared (DESIGN §2, §4): never the data folder (it holds the private key),
// nothing inside it, not through a link to it; only folders and regular files; and a
// single shared file must be one a client can actually be offered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../../../extensions/netcore/src/certs/certificate';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { Share } from '../../../extensions/netcore/src/serving/share';
import { writeRandomFile } from '../../support/file-tree';
import { connectClient } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection } from '../../support/wait';

let base = '';
let dataDir = '';
/** Outside `base`, which one test shares whole. */
let pins = '';
const servers: TestServer[] = [];
const connections: ServerConnection[] = [];

test.before.each(async () => {
  base = await makeTempDir('share-limits');
  dataDir = join(base, 'data');
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  await loadOrCreateIdentity(dataDir);
  pins = await makeTempDir('share-limits-pins');
});

test.after.each(async () => {
  for (const c of connections.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
  await removeDir(base);
  await removeDir(pins);
});

const shareInvalid = async (path: string, why: string) => {
  const err = await rejection(Share.open(path, dataDir), 5_000, why);
  assert.is(err.code, 'SHARE_INVALID', `${why}: ${err.message}`);
  return err;
};

test('the data folder itself cannot be shared', async () => {
  const err = await shareInvalid(dataDir, 'the data folder');
  assert.match(err.message, /data directory/);
});

test('nothing inside the data folder can be shared: a sub-folder or the key file', async () => {
  await shareInvalid(join(dataDir, 'logs'), 'a folder inside the data folder');
  await shareInvalid(join(dataDir, 'server.key'), 'the private key');
});

test('a link to the data folder is seen through', async () => {
  await symlink(dataDir, join(base, 'innocent-looking'));
  await shareInvalid(join(base, 'innocent-looking'), 'a link to the data folder');
});

test('a path that does not exist, or a FIFO, is SHARE_INVALID', async () => {
  await shareInvalid(join(base, 'missing'), 'a missing path');
  try {
    execFileSync('mkfifo', [join(base, 'fifo')]);
  } catch {
    return;
  }
  await shareInvalid(join(base, 'fifo'), 'a FIFO');
});

test('startServer refuses to share its own data folder', async () => {
  const err = await rejection(startTestServer({ sharePath: dataDir, dataDir }), 10_000, 'serving the data folder');
  assert.is(err.code, 'SHARE_INVALID');
});

test('a folder that holds the data folder can be shared, without the data folder', async () => {
  await writeRandomFile(join(base, 'visible.txt'), 10);
  const s = await startTestServer({ sharePath: base, dataDir });
  servers.push(s);
  const c = await connectClient(s.port, { pinsDir: pins });
  connections.push(c);
  const paths = (await c.list()).entries.map((e) => e.path);
  assert.ok(paths.includes('visible.txt'));
  assert.equal(
    paths.filter((p) => p.startsWith('data/')),
    [],
  );
});

test('a single shared file whose name the wire refuses is refused at start, or offered under a usable name', async () => {
  // Double quotes are legal on this file system but refused on the wire (PROTOCOL.md §5).
  const file = join(base, 'files', 'report "final".txt');
  await writeRandomFile(file, 100);
  let s: TestServer;
  try {
    s = await startTestServer({ sharePath: file });
  } catch (err) {
    assert.is((err as { code?: string }).code, 'SHARE_INVALID', String(err));
    return;
  }
  servers.push(s);
  const c = await connectClient(s.port, { pinsDir: pins });
  connections.push(c);
  const listing = await c.list().catch((err: { code?: string; message: string }) => {
    throw new Error(`the server started, but no client can list what it offers: ${err.code} ${err.message}`);
  });
  assert.is(listing.entries.length, 1);
});

test.run();
