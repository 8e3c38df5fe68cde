// The outbox lays a turn's messages and small frames out in pooled pieces, in order, and
// every piece goes back to the pool: once written, and also when the socket is gone
// before its bytes were taken.
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SEND_PIECE_BYTES } from '../../../extensions/netcore/src/constants';
import { FrameDecoder } from '../../../extensions/netcore/src/protocol/decoder';
import { encodeData } from '../../../extensions/netcore/src/protocol/frames';
import { FramedSocket } from '../../../extensions/netcore/src/transport/framed-socket';
import { Outbox } from '../../../extensions/netcore/src/transport/outbox';
import { SlabPool } from '../../../extensions/netcore/src/transport/slab-pool';
import { startFakeServer } from '../../support/fake-server';
import { RawConnection } from '../../support/raw-connection';
import { delay, waitUntil } from '../../support/wait';

const PIECES = 8;

/** A slab pool that fails the test on a piece given back twice, and counts what is out. */
class StrictPool extends SlabPool {
  private readonly out = new Set<string>();
  constructor() {
    super(SEND_PIECE_BYTES, PIECES, 60_000);
  }
  override take(): Buffer {
    const piece = super.take();
    this.out.add(key(piece));
    return piece;
  }
  override give(view: Uint8Array): void {
    if (!this.out.delete(key(view))) throw new Error('a piece was given back that was not out');
    super.give(view);
  }
  get taken(): number {
    return this.out.size;
  }
}
const ids = new WeakMap<ArrayBufferLike, number>();
let slabs = 0;
function key(view: Uint8Array): string {
  if (!ids.has(view.buffer)) ids.set(view.buffer, ++slabs);
  return `${ids.get(view.buffer)}:${view.byteOffset}`;
}
const pool = () => new StrictPool();

type Item = { kind: 'control'; message: unknown } | { kind: 'data'; bytes: Buffer };

function decodeAll(bytes: Buffer): Item[] {
  const out: Item[] = [];
  const decoder = new FrameDecoder();
  decoder.push(bytes, (item) => {
    if (item.kind === 'control') out.push({ kind: 'control', message: item.message });
    else out.push({ kind: 'data', bytes: Buffer.from(item.bytes) });
  });
  return out;
}

test('messages and copied frames come out in order, packed into pieces, the big one in a buffer of its own', () => {
  const p = pool();
  const box = new Outbox(p);
  const small = randomBytes(3000);
  const big = 'x'.repeat(SEND_PIECE_BYTES + 10);
  const expected: Item[] = [];
  for (let i = 0; i < 40; i++) {
    const message = { type: 'FILE_ERROR', path: `folder/${'ل'.repeat(300)}-${i}`, code: 'NOT_FOUND', message: 'not shared' };
    box.message(message);
    expected.push({ kind: 'control', message });
    if (i === 20) {
      box.message({ type: 'NOTE', text: big });
      expected.push({ kind: 'control', message: { type: 'NOTE', text: big } });
    }
    if (i % 10 === 0) {
      const frame = encodeData(small);
      box.copy(frame);
      frame.fill(0);
      expected.push({ kind: 'data', bytes: small });
    }
  }
  const queued = box.bytes;
  const entries = box.drain();
  assert.ok(box.empty, 'drain empties the outbox');
  const all = Buffer.concat(entries.map((e) => e.bytes));
  assert.is(all.length, queued, 'bytes counts what was queued');
  assert.equal(decodeAll(all), expected);
  const own = entries.filter((e) => !e.release);
  assert.is(own.length, 1, 'only the message bigger than a piece has a buffer of its own');
  assert.ok(
    entries.every((e) => e.bytes.length <= SEND_PIECE_BYTES || !e.release),
    'no piece is over its size',
  );
  assert.ok(entries.length - own.length >= 2, 'the rest filled more than one piece');
  assert.ok(p.taken > 0, 'the pieces are taken from the pool');
  for (const e of entries) e.release?.();
  for (const e of entries) e.release?.();
  assert.is(p.taken, 0, 'every piece is back once released, and a second release does nothing');
});

test('discard gives every piece back without writing it', () => {
  const p = pool();
  const box = new Outbox(p);
  for (let i = 0; i < 500; i++) box.message({ type: 'PONG', id: i, pad: 'p'.repeat(400) });
  assert.ok(p.taken > 1);
  box.discard();
  assert.ok(box.empty);
  assert.is(p.taken, 0);
});

test('without a pool each message is a buffer of its own, and nothing is pooled', () => {
  const box = new Outbox(undefined);
  box.message({ type: 'PONG', id: 1 });
  box.copy(encodeData(Buffer.from('abc')));
  const entries = box.drain();
  assert.is(entries.length, 2);
  assert.ok(entries.every((e) => e.release === undefined));
  assert.equal(decodeAll(Buffer.concat(entries.map((e) => e.bytes))), [
    { kind: 'control', message: { type: 'PONG', id: 1 } },
    { kind: 'data', bytes: Buffer.from('abc') },
  ]);
});

test('a peer that reads everything gets every message in order, and the pieces come back', async () => {
  const p = pool();
  const count = 3000;
  let sent: Promise<void> | undefined;
  const server = await startFakeServer(async (peer) => {
    const conn = new FramedSocket(
      peer.tls,
      { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => undefined },
      { pieces: p },
    );
    for (let i = 0; i < count; i++) {
      conn.send({ type: 'PONG', id: i, pad: 'q'.repeat(100) });
      if (i % 500 === 499) await conn.whenWritable();
    }
    sent = conn.whenWritable();
  });
  const raw = await RawConnection.open(server.port);
  try {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push((await raw.next()).id as number);
    assert.equal(
      ids,
      Array.from({ length: count }, (_, i) => i),
    );
    await sent;
    await waitUntil(() => p.taken === 0, 'every piece back in the pool', { timeoutMs: 5_000 });
  } finally {
    raw.destroy();
    await server.close();
  }
});

test('a peer that reads nothing and goes away leaves no piece behind', async () => {
  const p = pool();
  let closed!: Promise<unknown>;
  const server = await startFakeServer(async (peer) => {
    const conn = new FramedSocket(
      peer.tls,
      { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => undefined },
      { pieces: p },
    );
    closed = new Promise((resolve) => peer.tls.once('close', resolve));
    // Far more than the kernel and TLS take from a peer that reads nothing.
    for (let round = 0; round < 40 && !conn.closed; round++) {
      for (let i = 0; i < 200; i++) conn.send({ type: 'FILE_ERROR', path: `p-${round}-${i}-${'z'.repeat(1500)}`, code: 'NOT_FOUND', message: 'not shared' });
      await new Promise((r) => setImmediate(r));
    }
  });
  const raw = await RawConnection.open(server.port);
  raw.socket.pause();
  await waitUntil(() => p.taken > 0, 'pieces in use while the peer does not read', { timeoutMs: 5_000 });
  raw.destroy();
  try {
    await closed;
    await waitUntil(() => p.taken === 0, 'every piece back in the pool after the peer left', { timeoutMs: 5_000 });
  } finally {
    await server.close();
  }
});

test('a turn of a few bytes leaves in a buffer of its own and gives its piece back at once', () => {
  const p = pool();
  const box = new Outbox(p);
  box.message({ type: 'PONG', id: 1 });
  const entries = box.drain();
  assert.is(entries.length, 1);
  assert.is(entries[0]!.release, undefined);
  assert.is(entries[0]!.slack, 0);
  assert.is(p.taken, 0);
});

test('a piece is not reused while its bytes still wait in a socket that another connection writes through', async () => {
  // Connection A is sent many turns its peer does not read yet, so most of them wait in the
  // socket's own queue; connection B then fills pieces of the same pool with other bytes.
  // Had A's pieces gone back before the socket was done with them, B's bytes would show up
  // in A's stream.
  const p = pool();
  // About 3.5 MB: more than the kernel takes for a peer that does not read, less than
  // what makes the server drop it.
  const turns = 190;
  const handlers = { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => undefined };
  let count = 0;
  let aSent!: () => void;
  const aDone = new Promise<void>((resolve) => {
    aSent = resolve;
  });
  const server = await startFakeServer(async (peer) => {
    const conn = new FramedSocket(peer.tls, handlers, { pieces: p });
    if (count++ === 0) {
      for (let t = 0; t < turns; t++) {
        for (let i = 0; i < 12; i++) conn.send({ type: 'PONG', id: t * 12 + i, pad: 'a'.repeat(1500) });
        await new Promise((r) => setImmediate(r));
      }
      aSent();
    } else {
      await aDone;
      for (let t = 0; t < turns; t++) {
        for (let i = 0; i < 12; i++) conn.send({ type: 'PONG', id: -1, pad: 'b'.repeat(1500) });
        await new Promise((r) => setImmediate(r));
      }
    }
  });
  const a = await RawConnection.open(server.port);
  a.socket.pause();
  const b = await RawConnection.open(server.port);
  try {
    await aDone;
    assert.ok(p.taken > 0, "A's socket still holds pieces while its peer does not read");
    for (let n = 0; n < turns * 12; n++) await b.next();
    a.socket.resume();
    for (let n = 0; n < turns * 12; n++) {
      const m = await a.next();
      assert.is(m.id, n);
      assert.is(m.pad, 'a'.repeat(1500));
    }
    assert.is(a.decodeError, undefined);
    await waitUntil(() => p.taken === 0, 'every piece back in the pool', { timeoutMs: 5_000 });
  } finally {
    a.destroy();
    b.destroy();
    await server.close();
  }
});

test('a peer that reads nothing holds few pieces: the unused rest of each counts against its queue', async () => {
  // Turns of 5 KiB, each in a piece of its own, to a peer that reads nothing. Counted by
  // their bytes alone, 256 KiB of them would hold some fifty 64 KiB pieces before the
  // sender is told to wait; counted with the rest of their pieces, a handful.
  const p = pool();
  let held = -1;
  let turns = 0;
  const server = await startFakeServer(async (peer) => {
    const conn = new FramedSocket(
      peer.tls,
      { control: () => undefined, data: () => undefined, failure: () => undefined, closed: () => undefined },
      { pieces: p },
    );
    for (; turns < 5_000 && !conn.closed; turns++) {
      conn.send({ type: 'PONG', id: turns, pad: 'w'.repeat(5 * 1024) });
      await new Promise((r) => setImmediate(r));
      const writable = await Promise.race([conn.whenWritable().then(() => true), delay(200).then(() => false)]);
      if (!writable) {
        held = p.taken;
        break;
      }
    }
  });
  const raw = await RawConnection.open(server.port);
  raw.socket.pause();
  try {
    await waitUntil(() => held >= 0, 'the sender to be told to wait', { timeoutMs: 30_000 });
    assert.ok(turns > 50, `the kernel took the first turns (${turns})`);
    assert.ok(held <= 8, `pieces held while the peer reads nothing: ${held}`);
  } finally {
    raw.destroy();
    await server.close();
  }
  await waitUntil(() => p.taken === 0, 'every piece back in the pool', { timeoutMs: 5_000 });
});

test.run();
