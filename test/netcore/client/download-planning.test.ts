// A download asks for its first files as soon as they are decided, while the planner goes on
// with the rest (client/download-plan.ts): the first request holds FIRST_REQUEST_FILES
// files, the later ones what was decided meanwhile, all in the order given. A download that
// ends early still reports every file, those never decided included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { FIRST_REQUEST_FILES } from '../../../extensions/netcore/src/constants';
import { ErrorCode } from '../../../extensions/netcore/src/errors';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import { type FakePeer, type FakeServer, WelcomingServers } from '../../support/fake-server';
import { downloadInto, OpenClients } from '../../support/test-client';
import { makeTempDir, removeDir } from '../../support/temp-dir';

const MTIME_MS = 1_700_000_000_000;
/** More than one request's worth, spread over folders. */
const FILES = FIRST_REQUEST_FILES + 300;

let base = '';
let dest = '';
const fakes = new WelcomingServers();
const clients = new OpenClients(() => base);

test.before.each(async () => {
  base = await makeTempDir('download-planning');
  dest = join(base, 'dest');
  await mkdir(dest);
});

test.after.each(async () => {
  clients.closeAll();
  await fakes.closeAll();
  await removeDir(base);
});

const fake = (script: (peer: FakePeer) => Promise<void>): Promise<FakeServer> => fakes.start(script);
const connect = (f: FakeServer): Promise<ServerConnection> => clients.connect(f.port, { replyTimeoutMs: 5_000 });
const contentOf = (path: string) => Buffer.from(`contents of ${path}\n`);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function entries(): FileEntry[] {
  return Array.from({ length: FILES }, (_, i) => {
    const path = `folder-${i % 7}/file-${String(i).padStart(5, '0')}.txt`;
    return { path, size: contentOf(path).length, mtimeMs: MTIME_MS };
  });
}

/** Answers each request with one pack of all its files, until the client leaves; records each request's paths. */
async function servePacks(peer: FakePeer, requests: string[][]): Promise<void> {
  for (;;) {
    const req = await peer.next().catch(() => undefined);
    if (req?.type !== 'DOWNLOAD_FILES') return;
    const paths = (req.files as Array<{ path: string; offset: number }>).map((f) => f.path);
    requests.push(paths);
    const data = paths.map(contentOf);
    peer.send({ type: 'FILES_PACKED', files: paths.map((path, i) => ({ path, size: data[i]!.length, mtimeMs: MTIME_MS, sha256: sha(data[i]!) })) });
    peer.sendData(Buffer.concat(data));
    peer.send({ type: 'DOWNLOAD_DONE', files: paths.length, bytes: Buffer.concat(data).length, cancelled: false });
  }
}

test('the first request goes out once its files are decided, and the later ones ask for the rest in order', async () => {
  const requests: string[][] = [];
  const f = await fake((peer) => servePacks(peer, requests));
  const wanted = entries();
  const result = await downloadInto(await connect(f), wanted, dest);
  assert.ok(result.ok, JSON.stringify(result.files.filter((o) => o.status === 'failed').slice(0, 3)));
  assert.ok(requests.length >= 2, `${requests.length} request(s)`);
  assert.is(requests[0]!.length, FIRST_REQUEST_FILES, 'the first request is sent before the rest is decided');
  assert.equal(
    requests.flat(),
    wanted.map((e) => e.path),
    'every file is asked for once, in the order given',
  );
  for (const e of [wanted[0]!, wanted[FIRST_REQUEST_FILES]!, wanted[FILES - 1]!]) {
    assert.equal(await readFile(join(dest, e.path)), contentOf(e.path), e.path);
  }
});

test('a download cut off during its first request reports every file, those never decided too', async () => {
  const f = await fake(async (peer) => {
    await peer.next();
    peer.reset();
  });
  const wanted = entries();
  const result = await downloadInto(await connect(f), wanted, dest);
  assert.not.ok(result.ok);
  assert.is(result.files.length, FILES);
  result.files.forEach((o, i) => {
    assert.is(o.path, wanted[i]!.path);
    assert.is(o.status, 'failed', o.path);
    assert.is(o.code, ErrorCode.CONNECTION_LOST, `${o.path}: ${o.code} ${o.message}`);
  });
});

test.run();
