// A client takes whole small files in packs (PROTOCOL.md §6.4): it asks for them, stores
// each packed file byte-exact under its name with its time, and refuses a pack that names
// what it did not ask for or whose DATA frame does not add up; a file with a wrong digest
// fails alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import type { FakePeer } from '../../support/fake-server';
import type { RawMessage } from '../../support/raw-connection';
import { downloadInto, fakeServerDownloads } from '../../support/test-client';

const MTIME_MS = 1_700_000_000_000;

const { fake, connect, dest } = fakeServerDownloads(test, 'packed-download');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const entry = (path: string, bytes: Buffer): FileEntry => ({ path, size: bytes.length, mtimeMs: MTIME_MS });
const packed = (path: string, bytes: Buffer, digest = sha(bytes)) => ({ path, size: bytes.length, mtimeMs: MTIME_MS, sha256: digest });

const CONTENTS: Record<string, Buffer> = {
  'a.txt': Buffer.from('first file\n'),
  'docs/b.txt': Buffer.from('second file, in a folder\n'),
  'empty.txt': Buffer.alloc(0),
  'docs/c.bin': Buffer.alloc(40_000, 7),
};

/** The request, answered with one pack of `files` whose DATA frame is `data` (sent in pieces of `piece` bytes, as frames split anywhere). */
async function answerWithPack(peer: FakePeer, files: object[], data: Buffer, requests: RawMessage[]): Promise<void> {
  const req = await peer.next();
  requests.push(req);
  peer.send({ type: 'FILES_PACKED', files });
  peer.sendData(data);
  peer.send({ type: 'DOWNLOAD_DONE', files: files.length, bytes: data.length, cancelled: false });
  await peer.next().catch(() => undefined);
}

test('the client asks for packs and stores each packed file byte-exact under its name, with its time', async () => {
  const requests: RawMessage[] = [];
  const paths = Object.keys(CONTENTS);
  const f = await fake((peer) =>
    answerWithPack(
      peer,
      paths.map((p) => packed(p, CONTENTS[p]!)),
      Buffer.concat(paths.map((p) => CONTENTS[p]!)),
      requests,
    ),
  );
  const result = await downloadInto(
    await connect(f),
    paths.map((p) => entry(p, CONTENTS[p]!)),
    dest(),
  );
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.is(requests[0]!.packs, true, 'the request says it takes packs');
  for (const p of paths) {
    assert.equal(await readFile(join(dest(), p)), CONTENTS[p], p);
    assert.is(Math.round((await stat(join(dest(), p))).mtimeMs), MTIME_MS, `${p} has its time`);
  }
  assert.equal((await readdir(join(dest(), 'docs'))).sort(), ['b.txt', 'c.bin'], 'no .part left');
});

test('a pack of empty files comes with a DATA frame of length 0', async () => {
  const none = Buffer.alloc(0);
  const f = await fake((peer) => answerWithPack(peer, [packed('e1', none), packed('e2', none)], none, []));
  const result = await downloadInto(await connect(f), [entry('e1', none), entry('e2', none)], dest());
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.is((await stat(join(dest(), 'e1'))).size, 0);
  assert.is((await stat(join(dest(), 'e2'))).size, 0);
});

test('a packed file whose digest does not match fails alone; the rest of the pack arrives', async () => {
  const paths = Object.keys(CONTENTS);
  const files = paths.map((p) => (p === 'docs/b.txt' ? packed(p, CONTENTS[p]!, sha(Buffer.from('something else'))) : packed(p, CONTENTS[p]!)));
  const f = await fake((peer) => answerWithPack(peer, files, Buffer.concat(paths.map((p) => CONTENTS[p]!)), []));
  const result = await downloadInto(
    await connect(f),
    paths.map((p) => entry(p, CONTENTS[p]!)),
    dest(),
  );
  const byPath = Object.fromEntries(result.files.map((o) => [o.path, o]));
  assert.is(byPath['docs/b.txt']!.status, 'failed');
  assert.is(byPath['docs/b.txt']!.code, 'INTEGRITY_FAILED');
  assert.match(byPath['docs/b.txt']!.message ?? '', /docs\/b\.txt/);
  assert.equal((await readdir(join(dest(), 'docs'))).sort(), ['c.bin'], 'neither the file nor a .part of it');
  for (const p of paths.filter((p) => p !== 'docs/b.txt')) assert.equal(await readFile(join(dest(), p)), CONTENTS[p], p);
});

const REFUSED: Array<[string, (a: Buffer) => { files: object[]; data: Buffer }, string]> = [
  ['names a file not asked for', (a) => ({ files: [packed('a.txt', a), packed('other.txt', a)], data: Buffer.concat([a, a]) }), 'UNEXPECTED_MESSAGE'],
  ['names the same file twice', (a) => ({ files: [packed('a.txt', a), packed('a.txt', a)], data: Buffer.concat([a, a]) }), 'UNEXPECTED_MESSAGE'],
  ['has a DATA frame shorter than its files', (a) => ({ files: [packed('a.txt', a)], data: a.subarray(1) }), 'INTEGRITY_FAILED'],
  ['has a DATA frame longer than its files', (a) => ({ files: [packed('a.txt', a)], data: Buffer.concat([a, Buffer.from('!')]) }), 'INTEGRITY_FAILED'],
  ['has a file larger than a pack may hold', (a) => ({ files: [{ ...packed('a.txt', a), size: 65_537 }], data: a }), 'BAD_MESSAGE'],
];

for (const [what, make, code] of REFUSED) {
  test(`a pack that ${what} ends the download (${code}) and writes nothing`, async () => {
    const a = CONTENTS['a.txt']!;
    const { files, data } = make(a);
    const f = await fake((peer) => answerWithPack(peer, files, data, []));
    const result = await downloadInto(await connect(f), [entry('a.txt', a)], dest());
    assert.is(result.ok, false);
    assert.is(result.files[0]!.status, 'failed');
    assert.is(result.files[0]!.code, code, JSON.stringify(result.files));
    assert.equal(await readdir(dest()), [], 'nothing written');
  });
}

test('a pack that comes inside a file is refused', async () => {
  const big = Buffer.alloc(3000, 1);
  const a = CONTENTS['a.txt']!;
  // Inside a file: FILE_BEGIN, then a pack before that file's end.
  const f = await fake(async (peer) => {
    await peer.next();
    peer.send({ type: 'FILE_BEGIN', path: 'big.bin', size: big.length, mtimeMs: MTIME_MS, offset: 0 });
    peer.sendData(big.subarray(0, 1000));
    peer.send({ type: 'FILES_PACKED', files: [packed('a.txt', a)] });
    peer.sendData(a);
    await peer.next().catch(() => undefined);
  });
  const result = await downloadInto(await connect(f), [entry('big.bin', big), entry('a.txt', a)], dest());
  assert.is(result.ok, false);
  assert.ok(
    result.files.every((o) => o.status === 'failed' && o.code === 'UNEXPECTED_MESSAGE'),
    JSON.stringify(result.files),
  );
  assert.not.ok((await readdir(dest())).includes('a.txt'), 'a.txt has no final name');
});

const BEGUN_TWICE: Array<[string, (peer: FakePeer, a: Buffer) => void]> = [
  [
    'a FILE_BEGIN for a file already sent in a pack',
    (peer) => {
      peer.send({ type: 'FILE_BEGIN', path: 'a.txt', size: 2 << 20, mtimeMs: MTIME_MS, offset: 0 });
      peer.sendData(Buffer.alloc(64 * 1024, 9));
    },
  ],
  [
    'a second pack naming the same file',
    (peer, a) => {
      peer.send({ type: 'FILES_PACKED', files: [packed('a.txt', a)] });
      peer.sendData(a);
    },
  ],
];

for (const [what, again] of BEGUN_TWICE) {
  test(`${what} ends the connection; the file keeps the bytes first checked`, async () => {
    const a = CONTENTS['a.txt']!;
    const f = await fake(async (peer) => {
      await peer.next();
      peer.send({ type: 'FILES_PACKED', files: [packed('a.txt', a)] });
      peer.sendData(a);
      again(peer, a);
      await peer.next().catch(() => undefined);
    });
    const c = await connect(f);
    const result = await downloadInto(c, [entry('a.txt', a)], dest());
    assert.ok(c.closed, 'the client ended the connection');
    // The first copy was checked and keeps its name; nothing of the second is written.
    assert.equal(
      result.files.map((o) => o.status),
      ['done'],
    );
    assert.equal(await readdir(dest()), ['a.txt']);
    assert.equal(await readFile(join(dest(), 'a.txt')), a);
  });
}

test('a download to a stream does not ask for packs', async () => {
  const requests: RawMessage[] = [];
  const a = CONTENTS['a.txt']!;
  const f = await fake(async (peer) => {
    const req = await peer.next();
    requests.push(req);
    peer.send({ type: 'FILE_BEGIN', path: 'a.txt', size: a.length, mtimeMs: MTIME_MS, offset: 0 });
    peer.sendData(a);
    peer.send({ type: 'FILE_END', path: 'a.txt', sha256: sha(a) });
    peer.send({ type: 'DOWNLOAD_DONE', files: 1, bytes: a.length, cancelled: false });
    await peer.next().catch(() => undefined);
  });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const result = await downloadInto(await connect(f), [entry('a.txt', a)], dest(), { output });
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.is(requests[0]!.packs, undefined);
  assert.equal(Buffer.concat(chunks), a);
});

test('files sent on their own still arrive when the client asked for packs (a server that does not pack)', async () => {
  const paths = Object.keys(CONTENTS);
  const f = await fake(async (peer) => {
    await peer.next();
    for (const p of paths) {
      const bytes = CONTENTS[p]!;
      peer.send({ type: 'FILE_BEGIN', path: p, size: bytes.length, mtimeMs: MTIME_MS, offset: 0 });
      if (bytes.length > 0) peer.sendData(bytes);
      peer.send({ type: 'FILE_END', path: p, sha256: sha(bytes) });
    }
    peer.send({ type: 'DOWNLOAD_DONE', files: paths.length, bytes: 0, cancelled: false });
    await peer.next().catch(() => undefined);
  });
  const result = await downloadInto(
    await connect(f),
    paths.map((p) => entry(p, CONTENTS[p]!)),
    dest(),
  );
  assert.ok(result.ok, JSON.stringify(result.files));
  for (const p of paths) assert.equal(await readFile(join(dest(), p)), CONTENTS[p], p);
});

test.run();
