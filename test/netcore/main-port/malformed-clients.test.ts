// Bad clients end only their own connection (PROTOCOL.md §2, §4): malformed frames and
// messages get an ERROR and are closed, silent clients are dropped by their handshake
// and hello timeouts, and meanwhile a well-behaved client's download goes on unharmed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import type { DownloadResult } from '../../../extensions/netcore/src/client/download';
import { encodeControl } from '../../../extensions/netcore/src/protocol/frames';
import { assertTreeMatches, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { connectClient, downloadInto } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, waitUntil, within } from '../../support/wait';

const MIB = 1 << 20;
const HELLO = { type: 'HELLO', version: 1, client: 'raw-test/1', name: 'raw' };

let base = '';
let server: TestServer;
let good: ServerConnection | undefined;
let goodDownload: Promise<DownloadResult> | undefined;
let files: Map<string, FileFacts>;
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('malformed');
  files = new Map([['big.bin', await writeRandomFile(join(base, 'share', 'big.bin'), 16 * MIB + 1, 1_690_000_000.5)]]);
  server = await startTestServer({ sharePath: join(base, 'share'), timeouts: { handshakeMs: 500, helloMs: 300 } });
  // A well-behaved client starts a download and is held at the pause gate before its first
  // byte while every other test in this file misbehaves beside it.
  good = await connectClient(server.port, { pinsDir: await makeSubDir(base, 'pins') });
  const { entries } = await good.list();
  server.server.pause();
  goodDownload = downloadInto(good, entries, join(base, 'dest'), {}, 60_000);
  goodDownload.catch(() => undefined);
  await waitUntil(() => server.events.some((e) => e.event === 'session.held'), 'the download is held by Pause');
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  good?.destroy();
  await server?.close();
  await removeDir(base);
});

async function raw(hello: boolean): Promise<RawConnection> {
  const r = hello ? (await RawConnection.hello(server.port)).raw : await RawConnection.open(server.port);
  raws.push(r);
  return r;
}

const frame = (type: number, length: number, payload: Buffer = Buffer.alloc(0)) => {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt32BE(length, 1);
  return Buffer.concat([header, payload]);
};

const BAD_INPUT: ReadonlyArray<readonly [string, boolean, Buffer, string]> = [
  ['an unknown frame type 0x7f', false, frame(0x7f, 0), 'BAD_FRAME'],
  ['a control frame claiming 4 GiB', false, frame(0x01, 0xffffffff), 'BAD_FRAME'],
  ['a control frame one byte over 1 MiB', false, frame(0x01, MIB + 1), 'BAD_FRAME'],
  ['a data frame one byte over 1 MiB', true, frame(0x02, MIB + 1), 'BAD_FRAME'],
  ['invalid JSON', false, frame(0x01, 8, Buffer.from('{"type":')), 'BAD_MESSAGE'],
  ['invalid UTF-8', false, frame(0x01, 2, Buffer.from([0xff, 0xfe])), 'BAD_MESSAGE'],
  ['an empty control frame', false, frame(0x01, 0), 'BAD_MESSAGE'],
  ['JSON that is not an object', false, encodeControl([1, 2, 3]), 'BAD_MESSAGE'],
  ['an unknown message type', true, encodeControl({ type: 'GIVE_ME_EVERYTHING' }), 'BAD_MESSAGE'],
  ['a HELLO with a wrong field type', false, encodeControl({ ...HELLO, version: '1' }), 'BAD_MESSAGE'],
  ['a HELLO for protocol version 99', false, encodeControl({ ...HELLO, version: 99 }), 'UNSUPPORTED_VERSION'],
  ['a second HELLO', true, encodeControl(HELLO), 'UNEXPECTED_MESSAGE'],
  ['a data frame from the client', true, frame(0x02, 3, Buffer.from([1, 2, 3])), 'UNEXPECTED_MESSAGE'],
  ['a LOGIN on a server without a password', true, encodeControl({ type: 'LOGIN', password: 'x' }), 'UNEXPECTED_MESSAGE'],
  ['a request before HELLO', false, encodeControl({ type: 'LIST_FILES' }), 'AUTH_REQUIRED'],
  ['a PING before HELLO (no keeping a slot alive unauthenticated)', false, encodeControl({ type: 'PING', id: 1 }), 'AUTH_REQUIRED'],
  ['an empty DOWNLOAD_FILES', true, encodeControl({ type: 'DOWNLOAD_FILES', files: [] }), 'BAD_MESSAGE'],
  [
    'a DOWNLOAD_FILES of 10 001 files',
    true,
    encodeControl({ type: 'DOWNLOAD_FILES', files: Array.from({ length: 10_001 }, (_, i) => ({ path: `f${i}`, offset: 0 })) }),
    'TOO_MANY_FILES',
  ],
];

for (const [what, hello, bytes, code] of BAD_INPUT) {
  test(`${what} gets ERROR ${code} and the connection is closed`, async () => {
    const r = await raw(hello);
    r.sendBytes(bytes);
    const reply = await r.next();
    assert.is(reply.type, 'ERROR');
    assert.is(reply.code, code, String(reply.message));
    await r.waitClosed();
  });
}

test('a frame split across many writes (the header byte by byte) is read like any other', async () => {
  const r = await raw(false);
  const bytes = encodeControl(HELLO);
  const cuts = [1, 2, 3, 4, 5, 9, 30, bytes.length];
  for (let i = 0, at = 0; i < cuts.length; at = cuts[i]!, i++) {
    r.sendBytes(bytes.subarray(at, cuts[i]));
    // A gap, so each piece reaches the server as a read of its own.
    await delay(2);
  }
  assert.is((await r.next()).type, 'WELCOME');
  r.send({ type: 'PING', id: 1 });
  r.send({ type: 'PING', id: 2 });
  assert.equal(
    [await r.next(), await r.next()],
    [
      { type: 'PONG', id: 1 },
      { type: 'PONG', id: 2 },
    ],
  );
});

test('a second request while one is running is UNEXPECTED_MESSAGE', async () => {
  const r = await raw(true);
  r.send({ type: 'DOWNLOAD_FILES', files: [{ path: 'big.bin', offset: 0 }] });
  assert.is((await r.next()).type, 'FILE_BEGIN');
  r.send({ type: 'LIST_FILES' });
  const reply = await r.next();
  assert.is(reply.type, 'ERROR');
  assert.is(reply.code, 'UNEXPECTED_MESSAGE');
  await r.waitClosed();
});

test('a client that completes TLS but never says HELLO is dropped after the hello timeout', async () => {
  const r = await raw(false);
  await r.waitClosed(5_000);
  assert.is(r.dataBytes, 0);
});

test('a client that trickles its HELLO a byte at a time is dropped at the hello deadline', async () => {
  const r = await raw(false);
  // About 4 s to finish at this pace; the deadline is 300 ms however often bytes arrive.
  const bytes = encodeControl({ ...HELLO, name: 'slow'.repeat(12) });
  for (let i = 0; i < bytes.length && !r.closed; i++) {
    r.sendBytes(bytes.subarray(i, i + 1));
    await delay(25);
  }
  assert.ok(r.closed, 'dropped before the HELLO was complete');
  assert.not.ok(
    r.drain().some((m) => m.type === 'WELCOME'),
    'no WELCOME was sent',
  );
});

test('a client that sends half a frame header and stops is dropped too', async () => {
  const r = await raw(false);
  r.sendBytes(Buffer.from([0x01, 0x00]));
  await r.waitClosed(5_000);
});

test('a TCP client that never starts TLS is dropped after the handshake timeout', async () => {
  const socket = netConnect({ host: '127.0.0.1', port: server.port });
  socket.on('error', () => undefined);
  try {
    await within(new Promise<void>((resolve) => socket.once('close', () => resolve())), 5_000, 'the silent TCP client to be dropped');
  } finally {
    socket.destroy();
  }
});

test('a DATA frame from a client is one protocol error, logged once however many pieces it arrives in', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  assert.is(welcome.type, 'WELCOME');
  const before = server.logs.length;
  // 256 KiB of data: TLS hands it over in many records, the decoder in many pieces.
  const frame = Buffer.alloc(5 + 256 * 1024, 7);
  frame[0] = 0x02;
  frame.writeUInt32BE(256 * 1024, 1);
  raw.sendBytes(frame);
  const reply = await raw.next();
  assert.is(reply.code, 'UNEXPECTED_MESSAGE');
  await raw.waitClosed();
  // One "protocol error" line (the session's "disconnected: protocol error: …" line is its close).
  const errors = server.logs.slice(before).filter((e) => /^protocol error/.test(e.message));
  assert.is(errors.length, 1, errors.map((e) => e.message).join('\n'));
});

test('a client that floods on after the server ended its session is cut off, not read to the end', async () => {
  // A peer that ignores the server's close: half-open, it keeps writing after the FIN.
  const options = { host: '127.0.0.1', port: server.port, rejectUnauthorized: false, minVersion: 'TLSv1.3', allowHalfOpen: true } as const;
  // allowHalfOpen is honoured by tls.connect but missing from its option type.
  const socket = tlsConnect(options as ConnectionOptions);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  try {
    await within(new Promise<void>((resolve) => socket.once('secureConnect', () => resolve())), 5_000, 'the TLS handshake');
    const welcomed = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(encodeControl({ ...HELLO, name: 'flooder' }));
    await within(welcomed, 5_000, 'WELCOME');
    const session = server.server.sessions().find((x) => x.name === 'flooder');
    assert.ok(session, 'the session is listed');
    // The administrator disconnects it; it goes on sending well-formed frames, 64 MiB of
    // them. The server used to read (decrypt and throw away) all of it until its 5 s
    // deadline; now it stops after END_DISCARD_BYTES and closes.
    server.server.disconnect(session.id);
    const ping = encodeControl({ type: 'PING', id: 1 });
    const piece = Buffer.concat(Array.from({ length: Math.floor(MIB / ping.length) }, () => ping));
    let accepted = 0;
    const writing = (async () => {
      for (let i = 0; i < 64 && !socket.destroyed; i++) {
        const more = socket.write(piece, (err) => {
          if (!err) accepted += piece.length;
        });
        if (!more) {
          await new Promise<void>((resolve) => {
            socket.once('drain', () => resolve());
            socket.once('close', () => resolve());
          });
        }
      }
    })();
    await within(closed, 4_000, 'the server to close the flooding connection');
    await writing;
    // What the kernels' buffers take on both sides is a few MiB; the rest was never read.
    assert.ok(accepted < 32 * MIB, `${(accepted / MIB).toFixed(1)} MiB accepted before the server closed`);
  } finally {
    socket.destroy();
  }
});

test('the well-behaved client was never disturbed: its download completes byte-exact', async () => {
  assert.ok(good && !good.closed, 'the good connection is still open');
  server.server.resume();
  const result = await within(goodDownload!, 30_000, 'the good download');
  assert.ok(result.ok, JSON.stringify(result.files));
  await assertTreeMatches(join(base, 'dest'), files);
  assert.ok(
    server.logs.some((e) => e.category === 'Security' && /BAD_FRAME/.test(e.message)),
    'protocol errors are logged',
  );
});

test.run();
