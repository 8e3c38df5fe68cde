// A hostile server cannot make the client write outside its destination (DESIGN §3):
// names are checked as strictly as the server checks requests, a reply for something not
// asked for ends the download, a link inside the destination is not written through,
// and bytes that do not match the announced size or digest never become a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import { type FakePeer, type FakeServer, WelcomingServers } from '../../support/fake-server';
import { contentsOf, snapshotTree } from '../../support/file-tree';
import type { RawMessage } from '../../support/raw-connection';
import { downloadInto, OpenClients } from '../../support/test-client';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection } from '../../support/wait';

let base = '';
let work = '';
let dest = '';
let outside = '';
let before: ReturnType<typeof contentsOf>;
const fakes = new WelcomingServers();
const clients = new OpenClients(() => base);

test.before.each(async () => {
  base = await makeTempDir('hostile');
  // work/ holds the destination and, beside it, what must never change.
  work = join(base, 'work');
  dest = join(work, 'dest');
  outside = join(work, 'outside');
  await mkdir(dest, { recursive: true });
  await mkdir(outside);
  await writeFile(join(work, 'sentinel.txt'), 'untouched');
  await writeFile(join(outside, 'victim.txt'), 'precious');
  await writeFile(join(outside, 'part-target.bin'), 'precious too');
  await writeFile(join(outside, 'meta-target.json'), '{"precious":true}');
  before = contentsOf(await snapshotTree(work, (rel) => rel === 'dest'));
});

test.after.each(async () => {
  clients.closeAll();
  await fakes.closeAll();
  await removeDir(base);
});

async function assertNothingOutside(): Promise<void> {
  assert.equal(contentsOf(await snapshotTree(work, (rel) => rel === 'dest')), before, 'nothing outside the destination changed');
}

const fake = (script: (peer: FakePeer) => Promise<void>): Promise<FakeServer> => fakes.start(script);

const connect = (f: FakeServer): Promise<ServerConnection> => clients.connect(f.port, { replyTimeoutMs: 5_000 });

const listing = (entries: object[]) => ({ type: 'FILE_LIST', share: { kind: 'directory', name: 'evil' }, entries, done: true });
const entry = (path: string, size = 5): FileEntry => ({ path, size, mtimeMs: 1_700_000_000_000 });
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Answers one DOWNLOAD_FILES by sending each file in `contents`, honestly unless told otherwise. */
async function serveRequest(
  peer: FakePeer,
  contents: Record<string, Buffer>,
  lie: { beginPath?: (p: string) => string; digest?: (b: Buffer) => string; extra?: Buffer } = {},
): Promise<RawMessage> {
  const req = await peer.next();
  if (req.type !== 'DOWNLOAD_FILES') throw new Error(`expected DOWNLOAD_FILES, got ${req.type}`);
  for (const f of req.files as Array<{ path: string }>) {
    const bytes = contents[f.path] ?? Buffer.from('hello');
    const path = lie.beginPath ? lie.beginPath(f.path) : f.path;
    peer.send({ type: 'FILE_BEGIN', path, size: bytes.length, mtimeMs: 1_700_000_000_000, offset: 0 });
    peer.sendData(bytes);
    if (lie.extra) peer.sendData(lie.extra);
    peer.send({ type: 'FILE_END', path, sha256: lie.digest ? lie.digest(bytes) : sha(bytes) });
  }
  peer.send({ type: 'DOWNLOAD_DONE', files: (req.files as unknown[]).length, bytes: 0, cancelled: false });
  return req;
}

const HOSTILE_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['../evil.txt', 'parent segment'],
  ['a/../../b', 'parent segment in the middle'],
  ['..', 'bare parent'],
  ['./x', 'current-folder segment'],
  ['/etc/x', 'absolute path'],
  ['C:/../../x', 'parent after a drive letter'],
  ['C:\\x', 'drive letter and backslash'],
  ['..\\x', 'backslash parent'],
  ['a\\..\\..\\b', 'backslash traversal'],
  ['a\u0000b', 'NUL character'],
  ['line\nbreak.txt', 'newline'],
  ['bell\u0007.txt', 'control character'],
  ['c1\u0085.txt', 'C1 control character'],
  ['', 'empty name'],
  ['a//b', 'empty segment'],
  ['folder/', 'trailing slash'],
  ['x'.repeat(256), 'name over 255 bytes'],
  ['lone\ud800.txt', 'unpaired surrogate'],
];

test('a listing with any hostile name is refused as BAD_PATH', async () => {
  let current = '';
  const f = await fake(async (peer) => {
    await peer.next();
    peer.send(listing([entry('fine.txt'), entry(current)]));
    await peer.next().catch(() => undefined);
  });
  for (const [name, why] of HOSTILE_NAMES) {
    current = name;
    const c = await connect(f);
    const err = await rejection(c.list(), 10_000, `listing ${why}`);
    assert.is(err.code, 'BAD_PATH', `${why}: ${err.code} ${err.message}`);
    assert.ok(c.closed, `${why}: the connection is dropped`);
  }
  await assertNothingOutside();
});

test('hostile names that reach a download anyway are refused before anything is requested', async () => {
  const requests: RawMessage[] = [];
  const f = await fake(async (peer) => {
    requests.push(await peer.next());
  });
  const c = await connect(f);
  const entries = HOSTILE_NAMES.map(([name]) => entry(name));
  const result = await downloadInto(c, entries, dest);
  assert.is(result.ok, false);
  assert.equal(
    result.files.filter((o) => o.code !== 'BAD_PATH').map((o) => o.path),
    [],
    'every hostile name is refused as BAD_PATH',
  );
  assert.equal(requests, [], 'nothing was requested');
  await assertNothingOutside();
});

// On Windows these would name another drive or a stream of another file; elsewhere they
// are ordinary names (PROTOCOL.md §5).
const DRIVE_AND_STREAM: Record<string, string> = {
  'C:/x': 'C\uFF1A/x',
  'C:x': 'C\uFF1Ax',
  'c:': 'c\uFF1A (2)',
  'a:b.txt': 'a\uFF1Ab.txt',
  'Z:..': 'Z\uFF1A\uFF0E\uFF0E',
  'victim.txt::$DATA': 'victim.txt\uFF1A\uFF1A$DATA',
};

test('drive letters and stream names from a server: a client that stores like Windows maps each before it touches the disk', async () => {
  const contents = Object.fromEntries(Object.keys(DRIVE_AND_STREAM).map((p) => [p, Buffer.from(`bytes of ${p}`)]));
  const f = await fake((peer) => serveRequest(peer, contents).then(() => undefined));
  const c = await connect(f);
  const entries = Object.keys(contents).map((p) => entry(p, contents[p]!.length));
  const result = await downloadInto(c, entries, dest, { storage: { windowsNames: true, caseInsensitive: true } });
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.equal(Object.fromEntries(result.files.map((o) => [o.path, o.savedAs])), DRIVE_AND_STREAM);
  const written = await snapshotTree(dest);
  assert.equal(
    [...written.keys()].filter((p) => p.includes(':')),
    [],
    'no name with a colon was created',
  );
  for (const [wire, local] of Object.entries(DRIVE_AND_STREAM)) {
    assert.is(written.get(local)?.sha256, sha(contents[wire]!), local);
  }
  await assertNothingOutside();
});

test('drive letters and stream names from a server: stored as they are where the destination can', async () => {
  const contents = Object.fromEntries(Object.keys(DRIVE_AND_STREAM).map((p) => [p, Buffer.from(`bytes of ${p}`)]));
  const f = await fake((peer) => serveRequest(peer, contents).then(() => undefined));
  const c = await connect(f);
  const entries = Object.keys(contents).map((p) => entry(p, contents[p]!.length));
  const result = await downloadInto(c, entries, dest, { storage: { windowsNames: false, caseInsensitive: false } });
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.equal(
    result.files.filter((o) => o.savedAs !== undefined),
    [],
  );
  const written = await snapshotTree(dest);
  for (const wire of Object.keys(DRIVE_AND_STREAM)) assert.is(written.get(wire)?.sha256, sha(contents[wire]!), wire);
  await assertNothingOutside();
});

test('FILE_BEGIN for a path outside the destination ends the download with BAD_PATH', async () => {
  const f = await fake((peer) => serveRequest(peer, { 'ok.txt': Buffer.from('data!') }, { beginPath: () => '../evil.txt' }).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('ok.txt')], dest);
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'BAD_PATH');
  await assertNothingOutside();
  assert.equal(contentsOf(await snapshotTree(dest)), {}, 'not even a .part was written');
});

test('FILE_BEGIN for a valid path that was not requested is UNEXPECTED_MESSAGE and writes nothing', async () => {
  const f = await fake((peer) => serveRequest(peer, {}, { beginPath: () => 'other.txt' }).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('asked.txt')], dest);
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'UNEXPECTED_MESSAGE');
  assert.equal(contentsOf(await snapshotTree(dest)), {});
  await assertNothingOutside();
});

test('a digest that does not match is INTEGRITY_FAILED: no file, no .part', async () => {
  const f = await fake((peer) => serveRequest(peer, { 'file.txt': Buffer.from('hello') }, { digest: () => '0'.repeat(64) }).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('file.txt')], dest);
  assert.is(result.files[0]!.code, 'INTEGRITY_FAILED');
  assert.equal(contentsOf(await snapshotTree(dest)), {});
});

test('more bytes than FILE_BEGIN announced is INTEGRITY_FAILED and never becomes the file', async () => {
  const f = await fake((peer) => serveRequest(peer, { 'file.txt': Buffer.from('hello') }, { extra: Buffer.from('and more') }).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('file.txt')], dest);
  assert.is(result.files[0]!.code, 'INTEGRITY_FAILED');
  const left = await snapshotTree(dest);
  assert.not.ok(left.has('file.txt'));
});

test('file data outside any file is UNEXPECTED_MESSAGE', async () => {
  const f = await fake(async (peer) => {
    await peer.next();
    peer.sendData(Buffer.from('stray bytes'));
  });
  const c = await connect(f);
  const result = await downloadInto(c, [entry('file.txt')], dest);
  assert.is(result.files[0]!.code, 'UNEXPECTED_MESSAGE');
});

test('a folder in the destination that links outside is not written through, nor are folders made through it', async () => {
  await symlink('../outside', join(dest, 'linkdir'));
  const f = await fake((peer) => serveRequest(peer, {}).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('linkdir/x.txt'), entry('linkdir/new sub/deeper/y.txt')], dest);
  assert.is(result.ok, false);
  assert.equal(
    result.files.map((o) => o.code),
    ['BAD_PATH', 'BAD_PATH'],
  );
  await assertNothingOutside();
});

test('a file in the destination that links outside is not written through', async () => {
  await symlink('../outside/victim.txt', join(dest, 'victim.txt'));
  const f = await fake((peer) => serveRequest(peer, { 'victim.txt': Buffer.from('overwritten!') }).then(() => undefined));
  const c = await connect(f);
  const result = await downloadInto(c, [entry('victim.txt', 12)], dest);
  assert.is(result.files[0]!.status, 'failed');
  assert.is(await readFile(join(outside, 'victim.txt'), 'utf8'), 'precious');
  await assertNothingOutside();
});

test('a .part in the destination that links outside is not written through', async () => {
  await symlink('../outside/part-target.bin', join(dest, 'part-victim.txt.part'));
  const f = await fake((peer) => serveRequest(peer, { 'part-victim.txt': Buffer.from('overwritten!') }).then(() => undefined));
  const c = await connect(f);
  await downloadInto(c, [entry('part-victim.txt', 12)], dest);
  assert.is(await readFile(join(outside, 'part-target.bin'), 'utf8'), 'precious too');
  await assertNothingOutside();
  const landed = (await snapshotTree(dest)).get('part-victim.txt');
  assert.ok(landed === undefined || landed.kind === 'file', 'whatever was written is a plain file, not the planted link');
});

test('a .part.json in the destination that links outside is not written through', async () => {
  await symlink('../outside/meta-target.json', join(dest, 'meta-victim.txt.part.json'));
  const f = await fake((peer) => serveRequest(peer, { 'meta-victim.txt': Buffer.from('data') }).then(() => undefined));
  const c = await connect(f);
  await downloadInto(c, [entry('meta-victim.txt', 4)], dest);
  assert.is(await readFile(join(outside, 'meta-target.json'), 'utf8'), '{"precious":true}');
  await assertNothingOutside();
});

test.run();
