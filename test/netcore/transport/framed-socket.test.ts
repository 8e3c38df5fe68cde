// A data frame bigger than SEND_PIECE_BYTES goes to the socket in pieces, each once the one
// before has left. Nothing may enter the stream between two pieces: control messages sent
// meanwhile follow the frame, and an end() that comes meanwhile lets the frame finish and
// then sends its last message and closes.
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SEND_PIECE_BYTES } from '../../../extensions/netcore/src/constants';
import { encodeData } from '../../../extensions/netcore/src/protocol/frames';
import { FramedSocket } from '../../../extensions/netcore/src/transport/framed-socket';
import { SlabPool } from '../../../extensions/netcore/src/transport/slab-pool';
import { startFakeServer, type FakePeer } from '../../support/fake-server';
import { RawConnection } from '../../support/raw-connection';

/** PONGs 1, 2 and 3 arrive in that order, and the data frames carried `data`. */
async function expectPongsAndData(raw: RawConnection, data: Buffer, what: string): Promise<void> {
  const pongs = [await raw.next(), await raw.next(), await raw.next()];
  assert.equal(
    pongs.map((m) => m.id),
    [1, 2, 3],
  );
  assert.is(raw.decodeError, undefined);
  assert.ok(Buffer.concat(raw.data).equals(data), what);
}

// Each test runs twice: as a client sends (a buffer per message) and as a server sends
// (messages laid out in pooled pieces, transport/outbox.ts).
for (const pooled of [false, true]) {
  const kind = pooled ? 'pooled pieces' : 'a buffer per message';
  const framed = (peer: FakePeer): FramedSocket =>
    new FramedSocket(
      peer.tls,
      { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => undefined },
      pooled ? { pieces: new SlabPool(SEND_PIECE_BYTES, 8, 60_000) } : {},
    );

  test(`control messages sent while a big frame is written follow it, whole (${kind})`, async () => {
    const payload = randomBytes(3 * SEND_PIECE_BYTES + 777);
    const server = await startFakeServer(async (peer) => {
      const conn = framed(peer);
      const sending = conn.sendFrame(encodeData(payload));
      // Queued while the frame's first piece is on its way, and again between later pieces.
      conn.send({ type: 'PONG', id: 1 });
      setImmediate(() => conn.send({ type: 'PONG', id: 2 }));
      await sending;
      conn.send({ type: 'PONG', id: 3 });
    });
    const raw = await RawConnection.open(server.port);
    try {
      await expectPongsAndData(raw, payload, 'the frame arrived whole and before the messages');
    } finally {
      raw.destroy();
      await server.close();
    }
  });

  test(`small frames and the messages of the same turn leave as one write, in order, and the caller may reuse a small frame at once (${kind})`, async () => {
    const first = randomBytes(16 * 1024);
    const second = randomBytes(16 * 1024);
    let writes = -1;
    const server = await startFakeServer(async (peer) => {
      const conn = framed(peer);
      const write = peer.tls.write.bind(peer.tls) as (...args: unknown[]) => boolean;
      writes = 0;
      peer.tls.write = ((...args: unknown[]) => {
        writes++;
        return write(...args);
      }) as typeof peer.tls.write;
      const frame = encodeData(first);
      conn.send({ type: 'PONG', id: 1 });
      await conn.sendFrame(frame);
      // The frame was copied: what the caller writes into it now is not what leaves.
      frame.fill(0);
      conn.send({ type: 'PONG', id: 2 });
      await conn.sendFrame(encodeData(second));
      conn.send({ type: 'PONG', id: 3 });
    });
    const raw = await RawConnection.open(server.port);
    try {
      await expectPongsAndData(raw, Buffer.concat([first, second]), 'both frames arrived whole, as sent');
      assert.is(writes, 1, 'one write for the whole turn');
    } finally {
      raw.destroy();
      await server.close();
    }
  });

  test(`an end() while a big frame is written lets the frame finish, then says why and closes (${kind})`, async () => {
    const payload = randomBytes(2 * SEND_PIECE_BYTES + 5);
    const server = await startFakeServer(async (peer) => {
      const conn = framed(peer);
      const sending = conn.sendFrame(encodeData(payload));
      conn.end({ type: 'ERROR', code: 'DISCONNECTED', message: 'bye' });
      conn.send({ type: 'PONG', id: 9 }); // after end(): never sent
      await sending;
    });
    const raw = await RawConnection.open(server.port);
    try {
      const last = await raw.next();
      assert.is(last.type, 'ERROR');
      assert.is(last.message, 'bye');
      await raw.waitClosed();
      assert.is(raw.decodeError, undefined);
      assert.ok(Buffer.concat(raw.data).equals(payload), 'the frame arrived whole before the last message');
    } finally {
      raw.destroy();
      await server.close();
    }
  });
}

test.run();
