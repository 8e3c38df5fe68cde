// The UI's netcore client over a transport that plays Neutralino and netcore in memory with
// the same chunking code the bridge uses: answers by id, errors with their codes, timeouts,
// undeliverable requests, events, chunked messages both ways, and close().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Envelope } from '../../../extensions/netcore/src/contract';
import { ChunkAssembler, IpcEvent, toIpcMessages } from '../../../extensions/netcore/src/ipc';
import { createNetcoreClient, NetcoreError, type NetcoreTransport } from '../../../resources/ui/src/ipc/netcore-client';

/** Messages in both directions; `reply` delivers what netcore broadcasts. */
class MemoryTransport implements NetcoreTransport {
  readonly sent: { event: string; data: unknown }[] = [];
  readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  failSend: Error | undefined;
  private readonly assembler = new ChunkAssembler();
  onRequest: (request: Extract<Envelope, { kind: 'request' }>) => void = () => undefined;

  async send(event: string, data: unknown): Promise<void> {
    if (this.failSend) throw this.failSend;
    this.sent.push({ event, data });
    const envelope = event === IpcEvent.chunk ? this.assembler.accept(data) : (data as Envelope);
    if (envelope?.kind === 'request') queueMicrotask(() => this.onRequest(envelope));
  }

  listen(event: string, handler: (data: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  /** Broadcasts an envelope the way the bridge does, in pieces of at most `maxBytes`. */
  reply(envelope: Envelope, maxBytes?: number): void {
    let n = 0;
    for (const m of toIpcMessages(envelope, () => `nc-${++n}`, maxBytes)) this.deliver(m.event, m.data);
  }

  deliver(event: string, data: unknown): void {
    for (const h of [...(this.listeners.get(event) ?? [])]) h(data);
  }

  get listenerCount(): number {
    return [...this.listeners.values()].reduce((a, s) => a + s.size, 0);
  }
}

test('a request resolves with the result of the response that carries its id', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t);
  t.onRequest = (r) => {
    t.reply({ kind: 'response', id: r.id + 1_000, ok: true, result: 'another page' });
    t.reply({ kind: 'response', id: r.id, ok: true, result: { state: 'stopped', command: r.command, payload: r.payload } });
  };
  const result = await client.request('server.status', {});
  assert.equal(result as unknown, { state: 'stopped', command: 'server.status', payload: {} });
  assert.is(t.sent[0]!.event, IpcEvent.request);
  assert.is(client.pendingCount, 0);
});

test('ids start at random and differ per request', async () => {
  const t = new MemoryTransport();
  const a = createNetcoreClient(t);
  const b = createNetcoreClient(t);
  const ignore = () => undefined;
  a.request('server.status', {}, { timeoutMs: 0 }).catch(ignore);
  a.request('server.status', {}, { timeoutMs: 0 }).catch(ignore);
  b.request('server.status', {}, { timeoutMs: 0 }).catch(ignore);
  await Promise.resolve();
  const ids = t.sent.map((m) => (m.data as { id: number }).id);
  assert.is(ids[1], ids[0]! + 1);
  assert.is(new Set(ids).size, 3);
  a.close();
  b.close();
});

test('a failed command rejects with a NetcoreError carrying code, message and retryAfterMs', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t);
  t.onRequest = (r) => t.reply({ kind: 'response', id: r.id, ok: false, error: { code: 'LOCKED_OUT', message: 'wait', retryAfterMs: 5000 } as never });
  try {
    await client.request('client.login', { password: 'x' });
    assert.unreachable('should reject');
  } catch (err) {
    assert.instance(err, NetcoreError);
    assert.is((err as NetcoreError).code, 'LOCKED_OUT');
    assert.is((err as NetcoreError).message, 'wait');
    assert.is((err as NetcoreError).retryAfterMs, 5000);
  }
});

test('no answer in time rejects with TIMEOUT; downloads wait as long as they take', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t, { timeoutMs: 50 });
  const err = await client.request('server.status', {}).catch((e: NetcoreError) => e);
  assert.is((err as NetcoreError).code, 'TIMEOUT');
  let settled = false;
  void client.request('client.download', { paths: [], destination: '/tmp' }).then(
    () => (settled = true),
    () => (settled = true),
  );
  // Time is the subject: three times the 50 ms timeout that other requests get.
  await new Promise((r) => setTimeout(r, 150));
  assert.not.ok(settled, 'client.download has no default timeout');
  assert.is(client.pendingCount, 1);
  client.close();
});

test('a request that cannot be delivered rejects with DISCONNECTED', async () => {
  const t = new MemoryTransport();
  t.failSend = Object.assign(new Error('app.prosecuresuite.netcore is not loaded'), { code: 'NE_EX_EXTNOTL' });
  const client = createNetcoreClient(t);
  const err = (await client.request('server.status', {}).catch((e) => e)) as NetcoreError;
  assert.is(err.code, 'DISCONNECTED');
  assert.match(err.message, /not loaded/);
  assert.is(client.pendingCount, 0);
});

test('events reach their handlers; one that throws does not stop the others', () => {
  const t = new MemoryTransport();
  const problems: string[] = [];
  const client = createNetcoreClient(t, { onProblem: (p) => problems.push(p) });
  const seen: string[] = [];
  client.on('client.warning', () => {
    throw new Error('boom');
  });
  const off = client.on('client.warning', (w) => seen.push(w.text));
  client.onAny((event) => seen.push(`any:${event}`));
  t.reply({ kind: 'event', event: 'client.warning', payload: { text: 'stop', time: '2024-01-01T00:00:00.000Z' } });
  t.reply({ kind: 'event', event: 'log.entry', payload: {} });
  off();
  t.reply({ kind: 'event', event: 'client.warning', payload: { text: 'again', time: '2024-01-01T00:00:00.000Z' } });
  assert.equal(seen, ['stop', 'any:client.warning', 'any:log.entry', 'any:client.warning']);
  assert.is(problems.length, 2);
  assert.match(problems[0]!, /boom/);
  t.deliver(IpcEvent.event, { kind: 'nonsense' });
  assert.match(problems.at(-1)!, /malformed event/);
});

test('a large response arrives in chunks and resolves whole', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t);
  const entries = Array.from({ length: 100_000 }, (_, i) => ({ path: `d${i % 100}/file-${i}-😀.txt`, size: i, mtimeMs: i }));
  t.onRequest = (r) => t.reply({ kind: 'response', id: r.id, ok: true, result: { share: { kind: 'directory', name: 's' }, entries } }, 256 * 1024);
  const result = await client.request('client.list', {});
  assert.is(result.entries.length, 100_000);
  assert.equal(result.entries[99_999], entries[99_999]);
});

test('a large request goes out in chunks that reassemble to it', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t, { maxMessageBytes: 4 * 1024 });
  const paths = Array.from({ length: 500 }, (_, i) => `folder/ف-${i}.txt`);
  let received: unknown;
  t.onRequest = (r) => {
    received = r.payload;
    t.reply({ kind: 'response', id: r.id, ok: true, result: null });
  };
  await client.request('client.download', { paths, destination: '/tmp/x' });
  assert.ok(t.sent.length > 3 && t.sent.every((m) => m.event === IpcEvent.chunk));
  assert.equal(received, { paths, destination: '/tmp/x' });
});

test('close() rejects what is pending, stops listening and refuses new requests', async () => {
  const t = new MemoryTransport();
  const client = createNetcoreClient(t);
  const pending = client.request('server.status', {}).catch((e: NetcoreError) => e.code);
  await Promise.resolve();
  client.close();
  client.close();
  assert.is(await pending, 'SHUTTING_DOWN');
  assert.is(t.listenerCount, 0);
  assert.is(await client.request('server.status', {}).catch((e: NetcoreError) => e.code), 'SHUTTING_DOWN');
});

test.run();
