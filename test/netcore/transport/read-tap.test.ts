import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReadTap } from '../../../extensions/netcore/src/transport/read-tap';
import { loadOrCreateIdentity } from '../../../extensions/netcore/src/certs/certificate';
import { makeTempDir, removeDir } from '../../support/temp-dir';

/** Feeds the tap the way Node does: each chunk copied into the tap's one reused buffer. */
function deliver(tap: ReadTap, chunk: Buffer): void {
  chunk.copy(tap.onread.buffer);
  tap.onread.callback(chunk.length, tap.onread.buffer);
}

function fakeSocket(): { socket: TLSSocket; calls: string[] } {
  const calls: string[] = [];
  const socket = { pause: () => calls.push('pause'), resume: () => calls.push('resume') } as unknown as TLSSocket;
  return { socket, calls };
}

test('bytes that arrive before a reader attaches are kept as copies and handed over first, in order', async () => {
  const tap = new ReadTap();
  const { socket, calls } = fakeSocket();
  tap.bind(socket);
  deliver(tap, Buffer.from('first '));
  deliver(tap, Buffer.from('second '));
  const seen: string[] = [];
  tap.attach((chunk) => seen.push(chunk.toString()));
  // Early bytes are handed over in a microtask; what arrives meanwhile queues behind them.
  deliver(tap, Buffer.from('third'));
  assert.equal(seen, [], 'nothing is handed over before the attaching caller returns');
  await Promise.resolve();
  deliver(tap, Buffer.from('fourth'));
  assert.equal(seen, ['first ', 'second ', 'third', 'fourth']);
  assert.equal(calls, [], 'a little early data does not stop the socket');
});

test('a server that floods before anyone reads is held back, and reading resumes on attach', async () => {
  const tap = new ReadTap();
  const { socket, calls } = fakeSocket();
  tap.bind(socket);
  const piece = randomBytes(16 * 1024);
  const sent: Buffer[] = [];
  for (let i = 0; i < 20; i++) {
    const chunk = Buffer.from(piece.map((b) => b ^ i));
    sent.push(chunk);
    deliver(tap, chunk);
  }
  assert.equal(calls, ['pause'], 'paused once past the early limit');
  const seen: Buffer[] = [];
  tap.attach((chunk) => seen.push(Buffer.from(chunk)));
  await Promise.resolve();
  assert.equal(calls, ['pause', 'resume']);
  assert.ok(Buffer.concat(seen).equals(Buffer.concat(sent)), 'nothing lost, nothing reordered');
});

test('a reader that pauses while taking the early bytes keeps the socket paused', async () => {
  const tap = new ReadTap();
  const { socket, calls } = fakeSocket();
  tap.bind(socket);
  for (let i = 0; i < 20; i++) deliver(tap, randomBytes(16 * 1024));
  let taken = 0;
  tap.attach(() => {
    taken += 1;
    if (taken === 1) socket.pause();
  });
  await Promise.resolve();
  assert.is(taken, 20);
  assert.equal(calls, ['pause', 'resume', 'pause'], "the reader's pause comes last");
});

test('over real TLS, a client reading through the tap receives every byte exactly', async () => {
  const identityDir = await makeTempDir('tap-identity');
  const { keyPem: key, certPem: cert } = await loadOrCreateIdentity(identityDir);
  const payload = randomBytes(3 * 1024 * 1024 + 7);
  const server = createServer({ key, cert, minVersion: 'TLSv1.3' }, (s) => s.end(payload));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const tap = new ReadTap();
    const options = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false, onread: tap.onread };
    const socket = connect(options);
    tap.bind(socket);
    const parts: Buffer[] = [];
    let sawDataEvent = false;
    socket.on('data', () => (sawDataEvent = true));
    tap.attach((chunk) => parts.push(Buffer.from(chunk)));
    const timer = setTimeout(() => socket.destroy(new Error('timed out')), 10_000);
    await once(socket, 'close');
    clearTimeout(timer);
    assert.not.ok(sawDataEvent, "the bytes came through the tap, not 'data'");
    assert.ok(Buffer.concat(parts).equals(payload));
  } finally {
    server.close();
    await removeDir(identityDir);
  }
});

test.run();
