// DOWNLOAD_FILES with an offset (PROTOCOL.md §6): the server sends only the rest of the
// file, and only when the size and mtime named in the request are still the file's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomFile, type FileFacts } from '../../support/file-tree';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';

const MIB = 1 << 20;

let base = '';
let server: TestServer;
let facts: FileFacts;
let mtimeMs = 0;
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('resume-requests');
  facts = await writeRandomFile(join(base, 'share', 'data.bin'), 2 * MIB + 100, 1_660_000_000.9);
  mtimeMs = Math.trunc(facts.mtimeMs);
  server = await startTestServer({ sharePath: join(base, 'share') });
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

async function request(files: object[]): Promise<{ raw: RawConnection; replies: RawMessage[] }> {
  const raw = await RawConnection.welcomed(server.port, raws);
  raw.send({ type: 'DOWNLOAD_FILES', files });
  return { raw, replies: await raw.until('DOWNLOAD_DONE') };
}

test('a resume with the right size and mtime gets the rest of the file and the whole-file digest', async () => {
  const offset = MIB + 3;
  const { raw, replies } = await request([{ path: 'data.bin', offset, size: facts.size, mtimeMs }]);
  assert.equal(replies[0], { type: 'FILE_BEGIN', path: 'data.bin', size: facts.size, mtimeMs, offset });
  assert.equal(replies[1], { type: 'FILE_END', path: 'data.bin', sha256: facts.sha256 });
  assert.equal(replies[2], { type: 'DOWNLOAD_DONE', files: 1, bytes: facts.size - offset, cancelled: false });
  const tail = (await readFile(join(base, 'share', 'data.bin'))).subarray(offset);
  assert.ok(Buffer.concat(raw.data).equals(tail), 'the data frames carry exactly the tail of the file');
});

const wrongVersions: Array<[string, () => { size: number; mtimeMs: number }]> = [
  ['a wrong size', () => ({ size: facts.size - 1, mtimeMs })],
  ['a wrong mtime', () => ({ size: facts.size, mtimeMs: mtimeMs - 1000 })],
  ['an mtime one millisecond later', () => ({ size: facts.size, mtimeMs: mtimeMs + 1 })],
];

for (const [label, version] of wrongVersions) {
  test(`a resume naming ${label} gets FILE_ERROR FILE_CHANGED and no data`, async () => {
    const { raw, replies } = await request([{ path: 'data.bin', offset: 1000, ...version() }]);
    assert.is(replies[0]!.type, 'FILE_ERROR');
    assert.is(replies[0]!.code, 'FILE_CHANGED');
    assert.is(replies[0]!.path, 'data.bin');
    assert.equal(replies[1], { type: 'DOWNLOAD_DONE', files: 0, bytes: 0, cancelled: false });
    assert.is(raw.dataBytes, 0);
    assert.not.ok(raw.closed, 'a refused file does not end the session');
  });
}

test('an offset past the end of the file is FILE_CHANGED', async () => {
  const { replies } = await request([{ path: 'data.bin', offset: facts.size + 1, size: facts.size, mtimeMs }]);
  assert.is(replies[0]!.type, 'FILE_ERROR');
  assert.is(replies[0]!.code, 'FILE_CHANGED');
});

test('an offset equal to the size sends no data but still the digest', async () => {
  const { raw, replies } = await request([{ path: 'data.bin', offset: facts.size, size: facts.size, mtimeMs }]);
  assert.equal(
    replies.map((m) => m.type),
    ['FILE_BEGIN', 'FILE_END', 'DOWNLOAD_DONE'],
  );
  assert.is(replies[1]!.sha256, facts.sha256);
  assert.is(raw.dataBytes, 0);
});

test('a resume that does not name the size and mtime is a BAD_MESSAGE that ends the session', async () => {
  const { raw, replies } = await request([{ path: 'data.bin', offset: 10 }]);
  assert.is(replies[0]!.type, 'ERROR');
  assert.is(replies[0]!.code, 'BAD_MESSAGE');
  await raw.waitClosed();
});

test.run();
