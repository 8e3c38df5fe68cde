// A download asks for its first files as soon as they are decided, while the planner goes on
// with the rest (client/download-plan.ts): the first request holds FIRST_REQUEST_FILES
// files, the later ones the next files decided meanwhile, all in the order given. A request
// refused BUSY while files are still being decided loses none of them; a download that ends
// early still reports every file, those never decided included; a listener that throws
// fails the download instead of hanging it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_REQUEST_FILES } from '../../../extensions/netcore/src/constants';
import { ErrorCode } from '../../../extensions/netcore/src/errors';
import type { DownloadResult } from '../../../extensions/netcore/src/client/download-options';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import type { FakePeer } from '../../support/fake-server';
import type { RawMessage } from '../../support/raw-connection';
import { downloadInto, fakeServerDownloads } from '../../support/test-client';

const MTIME_MS = 1_700_000_000_000;
/** More than one request's worth, spread over folders. */
const FILES = FIRST_REQUEST_FILES + 300;
/** Enough that the planner is still at work when the first request is answered. */
const MANY = 20_000;

const { fake, connect, dest } = fakeServerDownloads(test, 'download-planning');
const contentOf = (path: string) => Buffer.from(`contents of ${path}\n`);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function entries(count = FILES): FileEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const path = `folder-${i % 7}/file-${String(i).padStart(5, '0')}.txt`;
    return { path, size: contentOf(path).length, mtimeMs: MTIME_MS };
  });
}

/**
 * Answers each request with packs of its files (at most 1,024 each, as a server sends them),
 * until the client leaves; records each request's paths as it arrives.
 */
async function servePacks(peer: FakePeer, requests: string[][], onRequest?: () => void): Promise<void> {
  for (;;) {
    const req = await peer.next().catch(() => undefined);
    if (req?.type !== 'DOWNLOAD_FILES') return;
    onRequest?.();
    const paths = pathsOf(req);
    requests.push(paths);
    const bytes = sendPacks(peer, paths);
    peer.send({ type: 'DOWNLOAD_DONE', files: paths.length, bytes, cancelled: false });
  }
}

const pathsOf = (req: RawMessage) => (req.files as Array<{ path: string; offset: number }>).map((f) => f.path);

/** Sends `paths` in packs of at most 1,024 files; returns the bytes sent. */
function sendPacks(peer: FakePeer, paths: string[]): number {
  let bytes = 0;
  for (let at = 0; at < paths.length; at += 1024) {
    const some = paths.slice(at, at + 1024);
    const data = some.map(contentOf);
    peer.send({ type: 'FILES_PACKED', files: some.map((path, i) => ({ path, size: data[i]!.length, mtimeMs: MTIME_MS, sha256: sha(data[i]!) })) });
    peer.sendData(Buffer.concat(data));
    bytes += Buffer.concat(data).length;
  }
  return bytes;
}

/** The download succeeded, each file was asked for (`asked`, request by request) once in the order given, and files of each request landed byte-exact. */
async function assertEveryFileOnce(result: DownloadResult, asked: string[][], wanted: FileEntry[]): Promise<void> {
  assert.ok(result.ok, JSON.stringify(result.files.filter((o) => o.status === 'failed').slice(0, 3)));
  assert.equal(
    asked.flat(),
    wanted.map((e) => e.path),
    'every file is asked for once, in the order given',
  );
  for (const e of [wanted[0]!, wanted[Math.min(FIRST_REQUEST_FILES, wanted.length - 1)]!, wanted.at(-1)!]) {
    assert.equal(await readFile(join(dest(), e.path)), contentOf(e.path), e.path);
  }
}

test('the first request goes out once its files are decided, and the later ones ask for the rest in order', async () => {
  const requests: string[][] = [];
  const f = await fake((peer) => servePacks(peer, requests));
  const wanted = entries();
  const result = await downloadInto(await connect(f), wanted, dest());
  assert.ok(requests.length >= 2, `${requests.length} request(s)`);
  assert.is(requests[0]!.length, FIRST_REQUEST_FILES, 'the first request is sent before the rest is decided');
  await assertEveryFileOnce(result, requests, wanted);
});

test('the first request reaches the server while the last files are still being decided', async () => {
  const order: string[] = [];
  const requests: string[][] = [];
  const f = await fake((peer) => servePacks(peer, requests, () => order.push('request')));
  // The last file is refused as it is decided (its name would leave the destination), so
  // its outcome says when the planner got to the end.
  const wanted = [...entries(MANY), { path: 'x/../../outside.txt', size: 1, mtimeMs: MTIME_MS }];
  const result = await downloadInto(await connect(f), wanted, dest(), {
    onFile: (o) => {
      if (o.path === 'x/../../outside.txt') order.push('last decided');
    },
  });
  assert.is(result.files.filter((o) => o.status === 'failed').length, 1, 'only the name that would leave the destination fails');
  assert.is(order[0], 'request', order.slice(0, 3).join(', '));
  assert.is(requests.flat().length, MANY);
});

test('a request refused BUSY while files are still being decided is asked again, and no file is lost', async () => {
  const requests: string[][] = [];
  let connections = 0;
  const f = await fake(async (peer) => {
    if (++connections === 1) {
      await peer.next();
      peer.send({ type: 'ERROR', code: 'BUSY', message: 'the server is busy with other requests; try again shortly', retryAfterMs: 10 });
      peer.end();
      return;
    }
    await servePacks(peer, requests);
  });
  const wanted = entries(MANY);
  const result = await downloadInto(await connect(f), wanted, dest(), { reconnect: () => connect(f) });
  assert.ok(result.ok, JSON.stringify(result.files.filter((o) => o.status === 'failed').slice(0, 3)));
  assert.equal(
    requests.flat(),
    wanted.map((e) => e.path),
    'every file is asked for once after the refusal, in order',
  );
});

test('a listener that throws fails the download instead of hanging it', async () => {
  const requests: string[][] = [];
  const f = await fake((peer) => servePacks(peer, requests));
  let told = 0;
  const failure = await downloadInto(await connect(f), entries(), dest(), {
    onFile: () => {
      if (++told === 10) throw new Error('the listener broke');
    },
  }).then(
    () => undefined,
    (err: Error) => err,
  );
  assert.is(failure?.message, 'the listener broke');
});

test('a download cut off during its first request reports every file, those never decided too', async () => {
  const f = await fake(async (peer) => {
    await peer.next();
    peer.reset();
  });
  const wanted = entries(MANY);
  const result = await downloadInto(await connect(f), wanted, dest());
  assert.not.ok(result.ok);
  assert.is(result.files.length, MANY);
  result.files.forEach((o, i) => {
    assert.is(o.path, wanted[i]!.path);
    assert.is(o.status, 'failed', o.path);
    assert.is(o.code, ErrorCode.CONNECTION_LOST, `${o.path}: ${o.code} ${o.message}`);
  });
});

test('a server that holds a waiting request gets the next one while the first is still answered, and every file comes once, in order', async () => {
  const requests: string[][] = [];
  let early = false;
  const f = await fake(
    async (peer) => {
      const first = pathsOf(await peer.next());
      requests.push(first);
      // The first pack is an answer: from then on the client may send its next request.
      const head = first.slice(0, 10);
      let bytes = sendPacks(peer, head);
      const next = await peer.next(5_000).catch(() => undefined);
      early = next?.type === 'DOWNLOAD_FILES';
      bytes += sendPacks(peer, first.slice(head.length));
      peer.send({ type: 'DOWNLOAD_DONE', files: first.length, bytes, cancelled: false });
      if (!early || !next) return;
      const second = pathsOf(next);
      requests.push(second);
      peer.send({ type: 'DOWNLOAD_DONE', files: second.length, bytes: sendPacks(peer, second), cancelled: false });
      await servePacks(peer, requests);
    },
    { queue: 1 },
  );
  const wanted = entries();
  const result = await downloadInto(await connect(f), wanted, dest());
  assert.ok(early, 'the second request came before the first was done');
  await assertEveryFileOnce(result, requests, wanted);
});

test('a server that does not say it holds a waiting request gets the next one only after the first is done', async () => {
  const requests: string[][] = [];
  let early: RawMessage | undefined;
  const f = await fake(async (peer) => {
    const first = pathsOf(await peer.next());
    requests.push(first);
    // The first request has begun to answer; a client that sent early would send now (the
    // test above sees it within moments on a server that queues).
    const head = first.slice(0, 10);
    let bytes = sendPacks(peer, head);
    early = await peer.next(1_000).catch(() => undefined);
    bytes += sendPacks(peer, first.slice(head.length));
    peer.send({ type: 'DOWNLOAD_DONE', files: first.length, bytes, cancelled: false });
    await servePacks(peer, requests);
  });
  const wanted = entries();
  const result = await downloadInto(await connect(f), wanted, dest());
  assert.is(early, undefined, `sent before the first request was done: ${JSON.stringify(early)?.slice(0, 80)}`);
  assert.ok(requests.length >= 2, `${requests.length} request(s)`);
  await assertEveryFileOnce(result, requests, wanted);
});

test('a waiting request refused BUSY when its turn comes is asked again on a new connection, and the requests after it follow', async () => {
  const served: string[][] = [];
  let connections = 0;
  const f = await fake(
    async (peer) => {
      if (++connections > 1) return servePacks(peer, served);
      const first = pathsOf(await peer.next());
      served.push(first);
      let bytes = sendPacks(peer, first.slice(0, 10));
      const waiting = await peer.next(5_000).catch(() => undefined);
      bytes += sendPacks(peer, first.slice(10));
      peer.send({ type: 'DOWNLOAD_DONE', files: first.length, bytes, cancelled: false });
      // Its turn comes, and the server has no room for it: as a server does, in the same turn.
      if (waiting?.type === 'DOWNLOAD_FILES')
        peer.send({ type: 'ERROR', code: 'BUSY', message: 'the server is busy with other requests; try again shortly', retryAfterMs: 10 });
      peer.end();
    },
    { queue: 1 },
  );
  const wanted = entries(FIRST_REQUEST_FILES + 12_000);
  const result = await downloadInto(await connect(f), wanted, dest(), { reconnect: () => connect(f) });
  assert.ok(connections >= 2, `${connections} connection(s)`);
  await assertEveryFileOnce(result, served, wanted);
});

test('requests of files with long paths are split to fit a control frame, and every file comes once, in order', async () => {
  const requests: string[][] = [];
  const f = await fake((peer) => servePacks(peer, requests), { queue: 1 });
  const long = 'd'.repeat(150);
  const wanted = Array.from({ length: FIRST_REQUEST_FILES + 6_000 }, (_, i) => {
    const path = `${long}-${i % 5}/${long}-${String(i).padStart(5, '0')}.txt`;
    return { path, size: contentOf(path).length, mtimeMs: MTIME_MS };
  });
  const result = await downloadInto(await connect(f), wanted, dest());
  assert.ok(requests.length >= 3, `${requests.length} requests`);
  await assertEveryFileOnce(result, requests, wanted);
});

test('a DOWNLOAD_DONE for no request fails the download', async () => {
  const f = await fake(async (peer) => {
    const first = pathsOf(await peer.next());
    const bytes = sendPacks(peer, first);
    peer.send({ type: 'DOWNLOAD_DONE', files: first.length, bytes, cancelled: false });
    // One more: it finds no request outstanding, or ends the next one early, whose own
    // DOWNLOAD_DONE then finds none.
    peer.send({ type: 'DOWNLOAD_DONE', files: 0, bytes: 0, cancelled: false });
    await servePacks(peer, []);
  });
  const result = await downloadInto(await connect(f), entries(), dest());
  assert.not.ok(result.ok);
  assert.ok(
    result.files.some((o) => o.code === ErrorCode.UNEXPECTED_MESSAGE),
    JSON.stringify(result.files.slice(0, 2)),
  );
});

test.run();
