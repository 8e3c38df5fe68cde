// Many clients fetching the same file at once (a class downloading one lecture): the server
// hashes it once and every client still verifies it; when the session doing the hashing
// goes away, the others fall back to one worker read of the file and still verify.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { WorkerPool } from '../../../extensions/netcore/src/workers/pool';
import { sha256File, writeRandomFile } from '../../support/file-tree';
import { downloadInto, OpenClients } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';

/** Above the size from which the server hashes in a worker while streaming. */
const FILE_BYTES = 24 << 20;

let base = '';
let server: TestServer;
let expected = '';
const clients = new OpenClients(() => base);
const calls = { hashStreams: 0, fileHashes: 0 };
const original = { openHashStream: WorkerPool.prototype.openHashStream, hashFile: WorkerPool.prototype.hashFile };

test.before(async () => {
  base = await makeTempDir('shared-digest');
  await writeRandomFile(join(base, 'share', 'lecture.bin'), FILE_BYTES);
  expected = await sha256File(join(base, 'share', 'lecture.bin'));
  server = await startTestServer({ sharePath: join(base, 'share') });
  // Counts the hashing the server's own pool is asked for (clients have pools of their own).
  const serverPool = (server.server as unknown as { pool: WorkerPool }).pool;
  WorkerPool.prototype.openHashStream = function (this: WorkerPool) {
    if (this === serverPool) calls.hashStreams++;
    return original.openHashStream.call(this);
  };
  WorkerPool.prototype.hashFile = function (this: WorkerPool, ...args: Parameters<WorkerPool['hashFile']>) {
    if (this === serverPool) calls.fileHashes++;
    return original.hashFile.apply(this, args);
  };
});

test.before.each(() => {
  calls.hashStreams = 0;
  calls.fileHashes = 0;
});

test.after.each(() => {
  clients.closeAll();
});

test.after(async () => {
  Object.assign(WorkerPool.prototype, original);
  await server?.close();
  await removeDir(base);
});

const connect = (): Promise<ServerConnection> => clients.connect(server.port);

test('four clients downloading one file together all verify it; the server hashes it once', async () => {
  const four = await Promise.all([connect(), connect(), connect(), connect()]);
  const results = await Promise.all(
    four.map(async (c, i) => {
      const { entries } = await c.list();
      const dest = join(base, `together-${i}`);
      const result = await downloadInto(c, entries, dest);
      return { result, sha: await sha256File(join(dest, 'lecture.bin')) };
    }),
  );
  for (const { result, sha } of results) {
    assert.ok(result.ok);
    assert.is(sha, expected);
  }
  assert.is(calls.hashStreams, 1, 'one session hashed while streaming');
  assert.ok(calls.fileHashes <= 1, `at most one fallback read of the file (saw ${calls.fileHashes})`);
  // The digest is cached now: a later download costs no hashing at all.
  const before = { ...calls };
  const late = await connect();
  const { entries } = await late.list();
  assert.ok((await downloadInto(late, entries, join(base, 'late'))).ok);
  assert.equal(calls, before);
});

test('when the session hashing the file goes away, a client sharing its digest still verifies', async () => {
  // A changed mtime makes a new file identity, so nothing is cached for it.
  await writeRandomFile(join(base, 'share', 'lecture.bin'), FILE_BYTES, 1_700_000_000);
  expected = await sha256File(join(base, 'share', 'lecture.bin'));
  const leaver = await connect();
  const stayer = await connect();
  const leaverEntries = (await leaver.list()).entries;
  const stayerEntries = (await stayer.list()).entries;
  const held = () => server.events.filter((e) => e.event === 'session.held').length;

  // Paused, each session announces its file and then holds before the first byte. The
  // leaver asks first and so is the one computing the digest; the stayer shares it.
  server.server.pause();
  const before = held();
  const leaving = downloadInto(leaver, leaverEntries, join(base, 'leaver')).catch(() => undefined);
  await waitUntil(() => held() === before + 1, 'the first client is held on the file');
  const staying = downloadInto(stayer, stayerEntries, join(base, 'stayer'));
  await waitUntil(() => held() === before + 2, 'the second client is held on the same file');
  leaver.destroy();
  server.server.resume();
  const result = await staying;
  await leaving;
  assert.ok(result.ok);
  assert.is(await sha256File(join(base, 'stayer', 'lecture.bin')), expected);
  assert.is(calls.hashStreams, 1, 'only the leaver hashed while streaming');
  assert.is(calls.fileHashes, 1, 'the stayer fell back to one read of the file');
});

test.run();
