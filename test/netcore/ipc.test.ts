// Envelopes over Neutralino's IPC: small ones go whole, large ones in pieces that are each
// under the limit as the JSON Neutralino parses, never split inside a surrogate pair, and
// reassembled in any order; broken, repeated, oversized and abandoned pieces are dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Envelope } from '../../extensions/netcore/src/contract';
import {
  ChunkAssembler,
  IpcEvent,
  isEnvelope,
  jsonStringBytes,
  splitJsonText,
  toIpcMessages,
  utf8Bytes,
  type IpcChunk,
} from '../../extensions/netcore/src/ipc';

const ids = () => {
  let n = 0;
  return () => `t-${++n}`;
};

function bigEvent(entries: number): Envelope {
  const names = ['plain.txt', 'فایل‌ها/گزارش.xlsx', 'emoji-😀👩‍💻.bin', 'quote"back\\slash\ttab', 'ctrl-\u0001-\u001f'];
  return {
    kind: 'response',
    id: 7,
    ok: true,
    result: { entries: Array.from({ length: entries }, (_, i) => ({ path: `${i}/${names[i % names.length]}`, size: i, mtimeMs: 1_700_000_000_000 + i })) },
  };
}

test('a small envelope is one message named by its kind', () => {
  const request: Envelope = { kind: 'request', id: 1, command: 'server.status', payload: {} };
  assert.equal(toIpcMessages(request, ids()), [{ event: IpcEvent.request, data: request }]);
  const event: Envelope = { kind: 'event', event: 'log.entry', payload: { message: 'x' } };
  assert.equal(toIpcMessages(event, ids())[0]!.event, IpcEvent.event);
  const response: Envelope = { kind: 'response', id: 1, ok: false, error: { code: 'INTERNAL', message: 'm' } };
  assert.equal(toIpcMessages(response, ids())[0]!.event, IpcEvent.response);
});

test('a large envelope is split into chunks, each within the limit as JSON', () => {
  const envelope = bigEvent(20_000);
  const max = 64 * 1024;
  const messages = toIpcMessages(envelope, ids(), max);
  assert.ok(messages.length > 10, `${messages.length} chunks`);
  for (const m of messages) {
    assert.is(m.event, IpcEvent.chunk);
    // What netcore sends: the app.broadcast call around the chunk, with a 97-character token.
    const wire = JSON.stringify({ id: '123456', method: 'app.broadcast', accessToken: 'x'.repeat(97), data: { event: m.event, data: m.data } });
    assert.ok(Buffer.byteLength(wire) <= max, `a chunk message of ${Buffer.byteLength(wire)} bytes`);
  }
  const chunks = messages.map((m) => m.data as IpcChunk);
  assert.ok(chunks.every((c) => c.chunkId === 't-1' && c.count === chunks.length));
  assert.equal(JSON.parse(chunks.map((c) => c.text).join('')), envelope);
});

test('no cut falls inside a surrogate pair', () => {
  const text = '😀'.repeat(1_000);
  for (const budget of [16, 17, 18, 19, 101]) {
    const parts = splitJsonText(text, budget);
    assert.is(parts.join(''), text);
    for (const part of parts) {
      assert.not.ok(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(part), `budget ${budget}: a part starts or ends inside a pair`);
      assert.ok(jsonStringBytes(part) <= budget, `budget ${budget}: ${jsonStringBytes(part)} bytes`);
    }
  }
});

test('byte counts match what Node writes', () => {
  for (const s of ['', 'abc', 'قطعه', '😀x', '"\\\n\u0001\u007f', '\ud800 lone', 'ü€𝄞']) {
    assert.is(utf8Bytes(s), Buffer.byteLength(s), `utf8Bytes(${JSON.stringify(s)})`);
    if (!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
      assert.is(jsonStringBytes(s), Buffer.byteLength(JSON.stringify(s)), `jsonStringBytes(${JSON.stringify(s)})`);
    }
  }
});

test('chunks reassemble in any order, interleaved with another message', () => {
  const a = bigEvent(3_000);
  const b: Envelope = { kind: 'event', event: 'log.entry', payload: { text: 'z'.repeat(50_000) } };
  const next = ids();
  const ma = toIpcMessages(a, next, 16 * 1024).map((m) => m.data);
  const mb = toIpcMessages(b, next, 16 * 1024).map((m) => m.data);
  const assembler = new ChunkAssembler();
  const out: Envelope[] = [];
  ma.reverse();
  // Interleaved: a's pieces backwards, with b's pieces in between.
  const mixed: unknown[] = [];
  for (let i = 0; i < Math.max(ma.length, mb.length); i++) {
    if (i < ma.length) mixed.push(ma[i]);
    if (i < mb.length) mixed.push(mb[i]);
  }
  for (const piece of mixed) {
    const e = assembler.accept(piece);
    if (e) out.push(e);
  }
  assert.is(out.length, 2);
  assert.equal(
    out.find((e) => e.kind === 'response'),
    a,
  );
  assert.equal(
    out.find((e) => e.kind === 'event'),
    b,
  );
  assert.is(assembler.pendingCount, 0);
});

test('malformed, repeated and inconsistent chunks are dropped, not thrown', () => {
  const drops: string[] = [];
  const assembler = new ChunkAssembler({ onDrop: (r) => drops.push(r) });
  for (const bad of [
    null,
    'x',
    { chunkId: 'a', index: 0, count: 0, text: '' },
    { chunkId: 'a', index: 2, count: 2, text: '' },
    { chunkId: '', index: 0, count: 1, text: '' },
    { chunkId: 'a', index: 0, count: 1, text: 5 },
  ]) {
    assert.is(assembler.accept(bad), undefined);
  }
  assert.is(drops.length, 6);
  assert.is(assembler.accept({ chunkId: 'r', index: 0, count: 2, text: '{"kind":"event",' }), undefined);
  assert.is(assembler.accept({ chunkId: 'r', index: 0, count: 2, text: '{"kind":"event",' }), undefined);
  assert.is(drops.at(-1), 'a repeated chunk');
  assert.is(assembler.accept({ chunkId: 'r', index: 1, count: 3, text: '' }), undefined);
  assert.is(drops.at(-1), 'chunks of one message disagree on their count');
  assert.is(assembler.accept({ chunkId: 'j', index: 0, count: 1, text: '{"kind":"nope"}' }), undefined);
  assert.is(drops.at(-1), 'a chunked message is not an envelope');
  assert.is(assembler.accept({ chunkId: 'k', index: 0, count: 1, text: '{' }), undefined);
  assert.is(drops.at(-1), 'a chunked message is not JSON');
  assert.is(assembler.pendingCount, 0);
});

test('oversized, abandoned and too many partial messages are dropped', () => {
  let now = 0;
  const drops: string[] = [];
  const assembler = new ChunkAssembler({ maxChars: 100, maxPending: 2, staleMs: 1_000, now: () => now, onDrop: (r) => drops.push(r) });
  assembler.accept({ chunkId: 'big', index: 0, count: 3, text: 'x'.repeat(60) });
  assembler.accept({ chunkId: 'big', index: 1, count: 3, text: 'x'.repeat(60) });
  assert.is(drops.at(-1), 'a chunked message is too large');
  assembler.accept({ chunkId: 'a', index: 0, count: 2, text: '' });
  assembler.accept({ chunkId: 'b', index: 0, count: 2, text: '' });
  assembler.accept({ chunkId: 'c', index: 0, count: 2, text: '' });
  assert.is(drops.at(-1), 'too many chunked messages at once');
  assert.is(assembler.pendingCount, 2);
  now = 5_000;
  assembler.accept({ chunkId: 'd', index: 0, count: 2, text: '' });
  assert.ok(drops.filter((d) => d === 'a chunked message stopped arriving').length === 2);
  assert.is(assembler.pendingCount, 1);
});

test('isEnvelope accepts the contract shapes only', () => {
  assert.ok(isEnvelope({ kind: 'request', id: 1, command: 'server.status', payload: {} }));
  assert.ok(isEnvelope({ kind: 'response', id: 1, ok: true, result: null }));
  assert.ok(isEnvelope({ kind: 'response', id: 1, ok: false, error: { code: 'X', message: 'm' } }));
  assert.ok(isEnvelope({ kind: 'event', event: 'log.entry', payload: {} }));
  assert.not.ok(isEnvelope({ kind: 'request', id: '1', command: 'x' }));
  assert.not.ok(isEnvelope({ kind: 'request', id: 1.5, command: 'x' }));
  assert.not.ok(isEnvelope({ kind: 'response', id: 1, ok: false }));
  assert.not.ok(isEnvelope({ kind: 'event' }));
  assert.not.ok(isEnvelope(null));
});

test.run();
