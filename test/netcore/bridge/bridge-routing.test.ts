// The real netcore bundle as an extension, against a minimal Neutralino: dispatched requests
// reach the core and come back as app.broadcast messages; errors come back as { code,
// message }; Neutralino's own and unknown events are ignored; a large answer (a listing of
// 10,000 files) arrives in chunks under the limit; a chunked request is put back together.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope, ServerStatus } from '../../../extensions/netcore/src/contract';
import { ChunkAssembler, IPC_MESSAGE_MAX_BYTES, IpcEvent, toIpcMessages, type IpcChunk } from '../../../extensions/netcore/src/ipc';
import { BridgeHarness, type Broadcast } from '../../support/bridge-harness';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';

let base = '';
let h: BridgeHarness;

test.before(async () => {
  base = await makeTempDir('bridge-routing');
  h = await BridgeHarness.start({ dataDir: join(base, 'data') });
  await h.waitConnected();
});

test.after(async () => {
  await h?.close();
  await removeDir(base);
});

let nextId = 100;

/** Dispatches a request and waits for its answer. */
async function request(command: string, payload: unknown, timeoutMs = 20_000): Promise<{ response: Envelope; messages: Broadcast[] }> {
  const id = nextId++;
  const since = h.broadcasts.length;
  h.sendEvent(IpcEvent.request, { kind: 'request', id, command, payload });
  return answer(id, command, since, timeoutMs);
}

/** The answer to request `id` among the broadcasts from `since` on, reassembled from chunks when it came in pieces. */
async function answer(id: number, command: string, since: number, timeoutMs = 20_000): Promise<{ response: Envelope; messages: Broadcast[] }> {
  const assembler = new ChunkAssembler();
  let response: Envelope | undefined;
  const messages: Broadcast[] = [];
  await h.waitForBroadcast(
    (b) => {
      if (b.event === IpcEvent.response && (b.data as { id: number }).id === id) response = b.data as Envelope;
      if (b.event === IpcEvent.chunk) {
        messages.push(b);
        const e = assembler.accept(b.data);
        if (e?.kind === 'response' && e.id === id) response = e;
      }
      return response !== undefined;
    },
    `the answer to ${command}`,
    since,
    timeoutMs,
  );
  return { response: response!, messages };
}

test('netcore connects with the extension id and connect token, and calls with the access token', async () => {
  const accepted = h.attempts.filter((a) => a.accepted);
  assert.is(accepted.length, 1);
  assert.match(accepted[0]!.url, /[?&]extensionId=app\.prosecuresuite\.netcore(&|$)/);
  assert.match(accepted[0]!.url, new RegExp(`[?&]connectToken=${h.connectToken}(&|$)`));
  await waitUntil(() => h.logLines().some((l) => l.message === 'connected to Neutralino'), 'the bridge log to say it connected');
});

test('server.status goes to the core and its answer comes back as netcore:response', async () => {
  const { response } = await request('server.status', {});
  assert.is(response.kind, 'response');
  assert.ok(response.kind === 'response' && response.ok);
  const status = (response as { result: ServerStatus }).result;
  assert.is(status.state, 'stopped');
  assert.is(status.mainPort, null);
  // Every call carries the access token and a string id (Neutralino drops any other id).
  assert.ok(h.calls.every((c) => c.accessToken === h.token && typeof c.id === 'string'));
  assert.ok(h.calls.every((c) => c.method === 'app.broadcast'));
});

test('a failing command answers with its error code and message', async () => {
  const { response } = await request('session.warn', { sessionId: 'nobody', text: 'hi' });
  assert.equal(response, { kind: 'response', id: nextId - 1, ok: false, error: { code: 'UNEXPECTED_MESSAGE', message: 'the server is not running' } });
  const unknown = await request('rm.everything', {});
  assert.is((unknown.response as { error: { code: string } }).error.code, 'BAD_MESSAGE');
  const badPayload = await request('server.status', 'not an object');
  assert.is((badPayload.response as { error: { code: string } }).error.code, 'BAD_MESSAGE');
});

test('a malformed request with an id gets BAD_MESSAGE; one without an id is dropped', async () => {
  const since = h.broadcasts.length;
  h.sendEvent(IpcEvent.request, { kind: 'request', id: 4242 });
  const answer = await h.waitForBroadcast((b) => (b.data as { id?: number }).id === 4242, 'the answer to a malformed request', since);
  assert.equal(answer.data, { kind: 'response', id: 4242, ok: false, error: { code: 'BAD_MESSAGE', message: 'the request is not a contract request' } });
  h.sendEvent(IpcEvent.request, { command: 'server.status' });
  h.sendEvent(IpcEvent.request, null);
  // The bridge carries on.
  const { response } = await request('server.status', {});
  assert.ok(response.kind === 'response' && response.ok);
});

test('framework events, unknown events and junk are ignored; the bridge keeps answering', async () => {
  const since = h.broadcasts.length;
  for (const event of ['appClientConnect', 'clientConnect', 'extClientConnect', 'windowFocus', 'somethingNew', 'netcore:response'])
    h.sendEvent(event, { x: 1 });
  h.sendRaw('not json');
  h.sendRaw('{"id":"99","method":"app.broadcast","data":{"success":true}}');
  const { response } = await request('server.status', {});
  assert.ok(response.kind === 'response' && response.ok);
  assert.equal(
    h.broadcasts.slice(since).filter((b) => b.event !== IpcEvent.response && b.event !== IpcEvent.event),
    [],
  );
  const log = h.logLines();
  assert.ok(log.some((l) => l.message === 'ignored an event netcore does not know' && l.event === 'somethingNew'));
  assert.not.ok(log.some((l) => l.event === 'appClientConnect'));
});

test('core events are broadcast as netcore:event', async () => {
  const since = h.broadcasts.length;
  await mkdir(join(base, 'share-small'), { recursive: true });
  await writeFile(join(base, 'share-small', 'a.txt'), 'a');
  const { response } = await request('server.start', { sharePath: join(base, 'share-small'), port: 0, bind: '127.0.0.1', maxClients: 3 });
  assert.ok(response.kind === 'response' && response.ok, JSON.stringify(response));
  const statusEvent = await h.waitForBroadcast(
    (b) =>
      b.event === IpcEvent.event &&
      (b.data as { event: string; payload: ServerStatus }).event === 'server.status' &&
      (b.data as { payload: ServerStatus }).payload.state === 'running',
    'a server.status event',
    since,
  );
  assert.is((statusEvent.data as { kind: string }).kind, 'event');
  await h.waitForBroadcast((b) => b.event === IpcEvent.event && (b.data as { event: string }).event === 'log.entry', 'a log.entry event', since);
  const stopped = await request('server.stop', {});
  assert.ok(stopped.response.kind === 'response' && stopped.response.ok);
});

test('a 10,000-file listing arrives in chunks that each stay under the limit', async () => {
  const share = join(base, 'share-many');
  const names: string[] = [];
  for (let d = 0; d < 10; d++) {
    await mkdir(join(share, `folder ${d} – پوشه`), { recursive: true });
    await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => {
        const name = `file ${String(i).padStart(4, '0')} ${'ä😀'.repeat(8)} ${'x'.repeat(40)}.bin`;
        names.push(`folder ${d} – پوشه/${name}`);
        return writeFile(join(share, `folder ${d} – پوشه`, name), '');
      }),
    );
  }
  const started = await request('server.start', { sharePath: share, port: 0, bind: '127.0.0.1', maxClients: 3 });
  assert.ok(started.response.kind === 'response' && started.response.ok, JSON.stringify(started.response));
  const port = (started.response as { result: ServerStatus }).result.mainPort!;
  const connectId = nextId;
  const connecting = request('client.connect', { host: '127.0.0.1', port, displayName: 'bridge-test' });
  // First contact: the core asks before trusting the certificate.
  await h.waitForBroadcast(
    (b) =>
      b.event === IpcEvent.event &&
      (b.data as { event: string; payload: { phase: string } }).event === 'client.state' &&
      (b.data as { payload: { phase: string } }).payload.phase === 'awaiting-trust',
    'the trust prompt',
  );
  await request('client.trust', { accept: true });
  const connected = await connecting;
  assert.ok(connected.response.kind === 'response' && connected.response.ok && connected.response.id === connectId, JSON.stringify(connected.response));

  const { response, messages } = await request('client.list', {}, 60_000);
  assert.ok(response.kind === 'response' && response.ok, JSON.stringify(response).slice(0, 300));
  const entries = (response as { result: { entries: { path: string }[] } }).result.entries;
  const files = entries.map((e) => e.path).filter((p) => p.endsWith('.bin'));
  assert.equal(files.sort(), names.sort());
  assert.ok(messages.length >= 3, `${messages.length} chunks`);
  for (const m of messages) assert.ok(m.bytes <= IPC_MESSAGE_MAX_BYTES, `a message of ${m.bytes} bytes`);
  assert.is(new Set(messages.map((m) => (m.data as IpcChunk).chunkId)).size, 1);

  await request('client.disconnect', {});
  await request('server.stop', {});
});

test('a request sent in chunks is put back together', async () => {
  const id = nextId++;
  const text = 'ü'.repeat(300_000);
  const pieces = toIpcMessages(
    { kind: 'request', id, command: 'server.start', payload: { sharePath: join(base, text), port: 0, maxClients: 1 } },
    () => 'ui-1',
    64 * 1024,
  );
  assert.ok(pieces.length > 5);
  const since = h.broadcasts.length;
  for (const p of pieces.reverse()) h.sendEvent(p.event, p.data);
  const { response } = await answer(id, 'a chunked request', since);
  // The share does not exist: the point is that the core saw the whole request.
  assert.ok(response.kind === 'response' && !response.ok);
  assert.match((response as { error: { message: string } }).error.message, /ü{100}/);
});

test.run();
