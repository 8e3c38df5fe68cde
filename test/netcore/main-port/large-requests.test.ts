// A DOWNLOAD_FILES frame over 64 KiB is parsed from its bytes and its list held outside
// V8's heap while it is served (serving/request-list.ts): what the client gets is the same
// as for a small request, file by file, in order, and the next request is served as well.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { writeRandomFile, type FileFacts } from '../../support/file-tree';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { FRAME_HEADER_BYTES, READ_CHUNK_BYTES } from '../../../extensions/netcore/src/constants';
import { FrameType, writeHeader } from '../../../extensions/netcore/src/protocol/frames';
import { processFrames } from '../../../extensions/netcore/src/serving/chunk-reader';
import { waitUntil } from '../../support/wait';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let server: TestServer;
const present: Array<[string, FileFacts]> = [];
const raws: RawConnection[] = [];

// Names whose characters take two, three and four bytes in UTF-8.
const NAMES = ['plain.txt', "it's & (1) 😀.bin", 'تصویر ۱.jpg', 'é  ü.dat'];

test.before(async () => {
  base = await makeTempDir('large-requests');
  for (const [i, name] of NAMES.entries()) present.push([name, await writeRandomFile(join(base, 'share', 'folder', name), 1000 + i * 70_000)]);
  server = await startTestServer({ sharePath: join(base, 'share') });
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

/** 300 long missing paths with the shared files among them, at known places. */
function largeRequest(round: number): Array<{ path: string; offset: number }> {
  const long = Array.from({ length: 3 }, () => 'ل'.repeat(100)).join('/');
  const files = Array.from({ length: 300 }, (_, i) => ({ path: `${long}/${round}-${i}`, offset: 0 }));
  for (const [i, [name]] of present.entries()) files.splice(40 + i * 77, 0, { path: `folder/${name}`, offset: 0 });
  return files;
}

function check(files: Array<{ path: string }>, replies: RawMessage[], data: Buffer): void {
  const begun = replies.filter((r) => r.type === 'FILE_BEGIN').map((r) => r.path);
  assert.equal(
    begun,
    NAMES.map((n) => `folder/${n}`),
    'the shared files, in the request order',
  );
  const ends = replies.filter((r) => r.type === 'FILE_END');
  assert.equal(
    ends.map((r) => r.sha256),
    present.map(([, f]) => f.sha256),
  );
  const errors = replies.filter((r) => r.type === 'FILE_ERROR');
  assert.is(errors.length, files.length - NAMES.length);
  assert.ok(errors.every((r) => r.code === 'NOT_FOUND'));
  assert.equal(
    errors.map((r) => r.path),
    files.filter((f) => !f.path.startsWith('folder/')).map((f) => f.path),
    'each missing path named back exactly',
  );
  const total = present.reduce((n, [, f]) => n + f.size, 0);
  assert.equal(replies.at(-1), { type: 'DOWNLOAD_DONE', files: NAMES.length, bytes: total, cancelled: false });
  assert.is(data.length, total);
}

/** The same message with every character outside ASCII written as a \\u escape (valid JSON a client may send). */
function escapedFrame(message: object): Buffer {
  const text = Buffer.from(JSON.stringify(message).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + text.length);
  writeHeader(frame, FrameType.CONTROL, text.length);
  text.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

test('a request over 64 KiB is served like a small one, and so is the next on the same session, escaped or not', async () => {
  const raw = await RawConnection.welcomed(server.port, raws);
  for (const round of [1, 2]) {
    const files = largeRequest(round);
    const message = { type: 'DOWNLOAD_FILES', files };
    assert.ok(Buffer.byteLength(JSON.stringify(message)) > 128 * 1024);
    if (round === 1) raw.send(message);
    else raw.sendBytes(escapedFrame(message));
    const replies = await raw.until('DOWNLOAD_DONE');
    check(files, replies, Buffer.concat(raw.data));
    raw.received.length = 0;
    raw.data.length = 0;
  }
  assert.not.ok(raw.closed);
});

const FRAME_BYTES = FRAME_HEADER_BYTES + READ_CHUNK_BYTES;

/**
 * Watches the process's frame pool (the server runs in this process): which frames taken
 * from now on have not been given back. Other test files' leftovers may give frames back
 * meanwhile; only frames taken here count. stop() ends the watch.
 */
function watchFrames(): { held(): number; stop(): void } {
  const held = new Map<ArrayBufferLike, Set<number>>();
  const take = processFrames.take;
  const give = processFrames.give;
  processFrames.take = function (this: typeof processFrames) {
    const frame = take.call(this);
    if (!held.has(frame.buffer)) held.set(frame.buffer, new Set());
    held.get(frame.buffer)!.add(Math.floor(frame.byteOffset / FRAME_BYTES));
    return frame;
  };
  processFrames.give = function (this: typeof processFrames, view: Uint8Array) {
    held.get(view.buffer)?.delete(Math.floor(view.byteOffset / FRAME_BYTES));
    give.call(this, view);
  };
  return {
    held: () => [...held.values()].reduce((n, set) => n + set.size, 0),
    stop: () => {
      processFrames.take = take;
      processFrames.give = give;
    },
  };
}

test('every large request gives its pooled frames back: served, refused for a bad path, or sent while two others are running and waiting (which ends the session, the download it cut short and the one waiting)', async () => {
  const files = largeRequest(3);
  const frames = watchFrames();
  try {
    const first = await RawConnection.hello(server.port);
    raws.push(first.raw);
    first.raw.send({ type: 'DOWNLOAD_FILES', files });
    await first.raw.until('DOWNLOAD_DONE');

    const bad = await RawConnection.hello(server.port);
    raws.push(bad.raw);
    bad.raw.send({ type: 'DOWNLOAD_FILES', files: [...files, { path: 'folder/../../outside', offset: 0 }] });
    const refusal = await bad.raw.until('DOWNLOAD_DONE');
    assert.equal(refusal.at(-1)?.type, 'ERROR');
    assert.equal(refusal.at(-1)?.code, 'BAD_PATH');

    const twice = await RawConnection.hello(server.port);
    raws.push(twice.raw);
    twice.raw.send({ type: 'DOWNLOAD_FILES', files });
    twice.raw.send({ type: 'DOWNLOAD_FILES', files });
    twice.raw.send({ type: 'DOWNLOAD_FILES', files });
    const replies = await twice.raw.until('DOWNLOAD_DONE');
    const last = replies.at(-1)?.type === 'ERROR' ? replies.at(-1) : await twice.raw.next();
    assert.equal(last?.code, 'UNEXPECTED_MESSAGE');
    await waitUntil(() => frames.held() === 0, 'the pooled frames are back', { timeoutMs: 5_000 });
  } finally {
    frames.stop();
  }
});

test.run();
