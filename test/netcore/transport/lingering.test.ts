// Ended connections wait a moment for their peers to close, but only so many at once: a
// flood of refused peers that never close must not keep hundreds of TLS states alive.
import { connect, type TLSSocket } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { END_LINGER_MS, MAX_LINGERING } from '../../../extensions/netcore/src/constants';
import { FrameDecoder } from '../../../extensions/netcore/src/protocol/decoder';
import { FramedSocket } from '../../../extensions/netcore/src/transport/framed-socket';
import { LingerQueue, processLingering } from '../../../extensions/netcore/src/transport/lingering';
import { startFakeServer } from '../../support/fake-server';
import { delay, waitUntil } from '../../support/wait';

test('the oldest waiting connection is cut off when a newer one needs its place; the rest wait their time', async () => {
  const q = new LingerQueue(3, 150);
  const destroyed: number[] = [];
  for (let i = 0; i < 5; i++) q.add(() => destroyed.push(i));
  assert.equal(destroyed, [0, 1], 'the two oldest went at once, in order');
  assert.is(q.size, 3);
  await waitUntil(() => destroyed.length === 5, 'the others after their wait', { timeoutMs: 5_000 });
  assert.equal(destroyed, [0, 1, 2, 3, 4]);
  assert.is(q.size, 0);
});

test('a connection that closed by itself is taken out and never destroyed', async () => {
  const q = new LingerQueue(2, 50);
  const destroyed: string[] = [];
  const stopA = q.add(() => destroyed.push('a'));
  q.add(() => destroyed.push('b'));
  stopA();
  stopA();
  assert.is(q.size, 1);
  // A third fits without cutting anyone off: a's place is free.
  q.add(() => destroyed.push('c'));
  assert.equal(destroyed, []);
  await waitUntil(() => destroyed.length === 2, 'b and c after their wait', { timeoutMs: 5_000 });
  await delay(100);
  assert.equal(destroyed.sort(), ['b', 'c']);
});

test('peers that are told goodbye and never close: at most MAX_LINGERING wait, the rest are cut off at once', async () => {
  const peers = MAX_LINGERING * 3;
  let ended = 0;
  let closedOnServer = 0;
  let mostWaiting = 0;
  const server = await startFakeServer((peer) => {
    const conn = new FramedSocket(peer.tls, { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => closedOnServer++ });
    conn.end({ type: 'ERROR', code: 'BUSY', message: 'busy' });
    ended++;
    mostWaiting = Math.max(mostWaiting, processLingering.size);
  });
  const raws: TLSSocket[] = [];
  try {
    for (let i = 0; i < peers; i++) raws.push(await silentPeer(server.port));
    await waitUntil(() => ended === peers, 'every connection ended by the server', { timeoutMs: 10_000 });
    assert.ok(mostWaiting <= MAX_LINGERING, `at most ${MAX_LINGERING} waited at once (saw ${mostWaiting})`);
    await waitUntil(() => closedOnServer === peers, 'every connection gone once the waits are over', { timeoutMs: END_LINGER_MS + 5_000 });
    assert.is(processLingering.size, 0);
    // Cut off early or not, every peer still gets its last message.
    for (const raw of raws) assert.is((await lastMessage(raw)).type, 'ERROR');
  } finally {
    for (const raw of raws) raw.destroy();
    await server.close();
  }
});

/** A TLS peer that reads nothing (so it never sees the server's end) and never closes. */
function silentPeer(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    socket.pause();
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Reads what the peer was sent until the server's end: the one message in it. */
function lastMessage(socket: TLSSocket): Promise<{ type?: string }> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder();
    let message: { type?: string } | undefined;
    socket.on('data', (chunk: Buffer) =>
      decoder.push(chunk, (item) => {
        if (item.kind === 'control') message ??= item.message as { type?: string };
      }),
    );
    socket.once('end', () => (message ? resolve(message) : reject(new Error('no message before the end'))));
    socket.once('error', reject);
    socket.resume();
  });
}

test.run();
