// Interrupted downloads resume from their .part, and only against the same version of
// the file: a changed file is refused (FILE_CHANGED) and its stale partial copy discarded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, lstat, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection, StreamReceiver } from '../../../extensions/netcore/src/client/connection';
import { assertTreeMatches, partFilesIn, sha256File, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { connectClient, downloadInto } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';

const MIB = 1 << 20;

let base = '';
const servers: TestServer[] = [];
const connections: ServerConnection[] = [];

test.before.each(async () => {
  base = await makeTempDir('resume');
});

test.after.each(async () => {
  for (const c of connections.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
  await removeDir(base);
});

async function serve(sharePath: string, more: { dataDir?: string; port?: number } = {}): Promise<TestServer> {
  const s = await startTestServer({ sharePath, ...more });
  servers.push(s);
  return s;
}

async function connect(port: number, pinsDir: string, trustNew = true): Promise<ServerConnection> {
  const c = await connectClient(port, { pinsDir, trustNew: () => trustNew });
  connections.push(c);
  return c;
}

/** Counts the bytes of file data the connection delivers, and calls `at` once past `threshold`. */
function tapData(connection: ServerConnection, threshold: number, at: () => void): { received: () => number } {
  let received = 0;
  let fired = false;
  const attach = connection.attach.bind(connection);
  connection.attach = (receiver: StreamReceiver) =>
    attach({
      ...receiver,
      control: (m) => receiver.control(m),
      closed: (e) => receiver.closed(e),
      data: (bytes, end) => {
        received += bytes.length;
        if (!fired && received >= threshold) {
          fired = true;
          at();
        }
        receiver.data(bytes, end);
      },
    });
  return { received: () => received };
}

test('a download cut off by the server mid-file keeps its .part and resumes from it after a restart', async () => {
  const share = join(base, 'share');
  const files = new Map<string, FileFacts>([
    ['a first.txt', await writeRandomFile(join(share, 'a first.txt'), 1000, 1_690_000_000.5)],
    ['big.bin', await writeRandomFile(join(share, 'big.bin'), 32 * MIB + 3, 1_690_000_100.25)],
    ['z last.txt', await writeRandomFile(join(share, 'z last.txt'), 2000, 1_690_000_200.75)],
  ]);
  const dataDir = await makeSubDir(base, 'server-data');
  const pinsDir = await makeSubDir(base, 'pins');
  const dest = join(base, 'dest');

  const first = await serve(share, { dataDir });
  const c1 = await connect(first.port, pinsDir);
  const { entries } = await c1.list();
  // Pause the server once some of big.bin has arrived, then shut it down.
  let stopping: Promise<void> | undefined;
  tapData(c1, 1000 + 4 * MIB, () => {
    first.server.pause();
    stopping = first.close();
  });
  const cut = await downloadInto(c1, entries, dest);
  await stopping;
  assert.is(cut.ok, false);
  const byPath = new Map(cut.files.map((f) => [f.path, f]));
  assert.is(byPath.get('a first.txt')!.status, 'done');
  assert.is(byPath.get('big.bin')!.status, 'failed');
  assert.is(byPath.get('big.bin')!.code, 'SHUTTING_DOWN');
  assert.match(byPath.get('big.bin')!.message!, /resume/);
  assert.is(byPath.get('z last.txt')!.status, 'failed');
  const part = await lstat(join(dest, 'big.bin.part'));
  assert.ok(part.size > 0 && part.size < files.get('big.bin')!.size, `partial: ${part.size}`);
  const meta = JSON.parse(await readFile(join(dest, 'big.bin.part.json'), 'utf8'));
  assert.equal(meta, { version: 1, path: 'big.bin', size: files.get('big.bin')!.size, mtimeMs: Math.trunc(files.get('big.bin')!.mtimeMs), name: 'big.bin' });

  // Same data folder and port: the same certificate, so the pin holds without asking.
  const second = await serve(share, { dataDir, port: first.port });
  assert.is(second.server.fingerprint256, first.server.fingerprint256);
  const c2 = await connect(second.port, pinsDir, false);
  const resumed = await downloadInto(c2, (await c2.list()).entries, dest);
  assert.ok(resumed.ok, JSON.stringify(resumed.files));
  const again = new Map(resumed.files.map((f) => [f.path, f]));
  assert.is(again.get('a first.txt')!.status, 'skipped');
  assert.is(again.get('big.bin')!.status, 'done');
  assert.is(again.get('big.bin')!.resumedFrom, part.size);
  assert.is(again.get('big.bin')!.bytes, files.get('big.bin')!.size - part.size);
  assert.is(again.get('z last.txt')!.status, 'done');
  await assertTreeMatches(dest, files);
  assert.equal(await partFilesIn(dest), []);
});

test('a download cancelled mid-file stops with CANCELLED, keeps its .part, and the next run resumes it', async () => {
  const share = join(base, 'share');
  const big = await writeRandomFile(join(share, 'big.bin'), 24 * MIB + 5, 1_690_000_000.5);
  const s = await serve(share);
  const pinsDir = await makeSubDir(base, 'pins');
  const dest = join(base, 'dest');
  const c1 = await connect(s.port, pinsDir);
  const abort = new AbortController();
  tapData(c1, 3 * MIB, () => abort.abort());
  const cut = await downloadInto(c1, (await c1.list()).entries, dest, { signal: abort.signal });
  assert.is(cut.cancelled, true);
  assert.is(cut.ok, false);
  assert.is(cut.files[0]!.code, 'CANCELLED');
  assert.match(cut.files[0]!.message!, /resume/);
  const part = (await lstat(join(dest, 'big.bin.part'))).size;
  assert.ok(part > 0 && part < big.size, `partial: ${part}`);
  assert.not.ok(c1.closed, 'cancelling a download does not end the session');

  const resumed = await downloadInto(c1, (await c1.list()).entries, dest);
  assert.ok(resumed.ok, JSON.stringify(resumed.files));
  assert.is(resumed.files[0]!.resumedFrom, part);
  await assertTreeMatches(dest, new Map([['big.bin', big]]));
});

/** Leaves `name.part` holding the first `have` bytes of `source`, recorded against `meta`. */
async function craftPart(dest: string, name: string, source: string, have: number, meta: { size: number; mtimeMs: number }): Promise<void> {
  const bytes = (await readFile(source)).subarray(0, have);
  await writeFile(join(dest, `${name}.part`), bytes);
  await writeFile(join(dest, `${name}.part.json`), JSON.stringify({ version: 1, path: name, ...meta }));
}

test('a crafted .part of the same version resumes and the result is byte-exact', async () => {
  const share = join(base, 'share');
  const source = join(share, 'file.bin');
  const facts = await writeRandomFile(source, 3 * MIB + 5, 1_680_000_000.125);
  const s = await serve(share);
  const dest = await makeSubDir(base, 'dest');
  await craftPart(dest, 'file.bin', source, MIB + 17, { size: facts.size, mtimeMs: Math.trunc(facts.mtimeMs) });
  const c = await connect(s.port, await makeSubDir(base, 'pins'));
  const result = await downloadInto(c, (await c.list()).entries, dest);
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.is(result.files[0]!.resumedFrom, MIB + 17);
  assert.is(result.bytes, facts.size - MIB - 17);
  await assertTreeMatches(dest, new Map([['file.bin', facts]]));
});

test('a .part whose bytes do not match the file fails the SHA-256 check and is discarded', async () => {
  const share = join(base, 'share');
  const source = join(share, 'file.bin');
  const facts = await writeRandomFile(source, 2 * MIB, 1_680_000_000.125);
  const s = await serve(share);
  const dest = await makeSubDir(base, 'dest');
  await craftPart(dest, 'file.bin', source, MIB, { size: facts.size, mtimeMs: Math.trunc(facts.mtimeMs) });
  const part = join(dest, 'file.bin.part');
  const bytes = await readFile(part);
  bytes.writeUInt8(bytes.readUInt8(12_345) ^ 0xff, 12_345);
  await writeFile(part, bytes);
  const c = await connect(s.port, await makeSubDir(base, 'pins'));
  const result = await downloadInto(c, (await c.list()).entries, dest);
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'INTEGRITY_FAILED');
  assert.equal(await partFilesIn(dest), []);
  assert.equal(await lstat(join(dest, 'file.bin')).catch(() => 'absent'), 'absent', 'a corrupt file is never renamed into place');
});

test('a .part without its .part.json is not trusted: the file is fetched from the start', async () => {
  const share = join(base, 'share');
  const source = join(share, 'file.bin');
  const facts = await writeRandomFile(source, MIB + 1, 1_680_000_000.125);
  const s = await serve(share);
  const dest = await makeSubDir(base, 'dest');
  await writeFile(join(dest, 'file.bin.part'), Buffer.alloc(5000, 7));
  const c = await connect(s.port, await makeSubDir(base, 'pins'));
  const result = await downloadInto(c, (await c.list()).entries, dest);
  assert.ok(result.ok);
  assert.is(result.files[0]!.resumedFrom, undefined);
  assert.is(result.bytes, facts.size);
  await assertTreeMatches(dest, new Map([['file.bin', facts]]));
});

for (const [label, change] of [
  ['grew', (path: string) => appendFile(path, 'more')],
  ['kept its size but got a new mtime', (path: string) => utimes(path, 1_700_000_000, 1_700_000_000)],
] as const) {
  test(`resuming a file that ${label} on the server fails with FILE_CHANGED and discards the stale .part`, async () => {
    const share = join(base, 'share');
    const source = join(share, 'file.bin');
    const old = await writeRandomFile(source, 2 * MIB + 9, 1_680_000_000.125);
    const dest = await makeSubDir(base, 'dest');
    await craftPart(dest, 'file.bin', source, MIB, { size: old.size, mtimeMs: Math.trunc(old.mtimeMs) });
    await change(source);
    const s = await serve(share);
    const c = await connect(s.port, await makeSubDir(base, 'pins'));
    const entries = (await c.list()).entries;
    const result = await downloadInto(c, entries, dest);
    assert.is(result.ok, false);
    assert.is(result.files[0]!.status, 'failed');
    assert.is(result.files[0]!.code, 'FILE_CHANGED');
    assert.match(result.files[0]!.message!, /discarded/);
    assert.equal(await partFilesIn(dest), [], 'the stale .part and .part.json are gone');
    assert.equal(await lstat(join(dest, 'file.bin')).catch(() => 'absent'), 'absent');

    // The next run fetches the new version whole.
    const retry = await downloadInto(c, entries, dest);
    assert.ok(retry.ok, JSON.stringify(retry.files));
    assert.is(retry.files[0]!.resumedFrom, undefined);
    assert.is(await sha256File(join(dest, 'file.bin')), await sha256File(source));
  });
}

test.run();
