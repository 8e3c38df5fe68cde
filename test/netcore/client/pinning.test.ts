// Certificate pinning in the client (DESIGN §2): unknown servers need consent, a changed
// certificate is refused without asking, and the pin is checked before a single byte -
// HELLO, let alone the password - goes to the server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { KnownServers } from '../../../extensions/netcore/src/certs/known-servers';
import { ServerConnection, type PinDecision } from '../../../extensions/netcore/src/client/connection';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { writeRandomFile } from '../../support/file-tree';
import { connectClient } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection, waitUntil } from '../../support/wait';

let base = '';
let share = '';
const closers: Array<() => Promise<void>> = [];
const connections: ServerConnection[] = [];

test.before.each(async () => {
  base = await makeTempDir('pinning');
  share = join(base, 'share');
  await writeRandomFile(join(share, 'file.txt'), 10);
});

test.after.each(async () => {
  for (const c of connections.splice(0)) c.destroy();
  for (const close of closers.splice(0).reverse()) await close();
  await removeDir(base);
});

async function serve(more: { port?: number; password?: string } = {}): Promise<TestServer> {
  const s = await startTestServer({ sharePath: share, ...more });
  closers.push(() => s.close());
  return s;
}

async function fake(port?: number): Promise<FakeServer> {
  const f = await startFakeServer((peer) => void peer.welcome().catch(() => undefined), port === undefined ? {} : { port });
  closers.push(() => f.close());
  return f;
}

function open(
  port: number,
  pinsDir: string,
  more: { trustNew?: (d: PinDecision) => boolean | Promise<boolean>; expectFingerprint?: string; password?: string } = {},
) {
  return connectClient(port, { pinsDir, trustNew: more.trustNew ?? (() => false), ...more }).then((c) => {
    connections.push(c);
    return c;
  });
}

test('an unknown server is refused with PIN_UNKNOWN naming its fingerprint, and nothing is pinned', async () => {
  const s = await serve();
  const pinsDir = await makeSubDir(base, 'pins');
  const decisions: PinDecision[] = [];
  const err = await rejection(open(s.port, pinsDir, { trustNew: (d) => (decisions.push(d), false) }));
  assert.is(err.code, 'PIN_UNKNOWN');
  assert.ok(err.message.includes(s.server.fingerprint256), err.message);
  assert.equal(decisions, [{ hostPort: `127.0.0.1:${s.port}`, fingerprint256: s.server.fingerprint256, pinned: undefined }]);
  assert.equal(await new KnownServers(pinsDir).list(), {});
});

test('trusting a new server pins its fingerprint; the next connection needs no consent', async () => {
  const s = await serve();
  const pinsDir = await makeSubDir(base, 'pins');
  const first = await open(s.port, pinsDir, { trustNew: () => true });
  assert.is(first.fingerprint256, s.server.fingerprint256);
  assert.is((await new KnownServers(pinsDir).get(`127.0.0.1:${s.port}`))?.fingerprint256, s.server.fingerprint256);
  let asked = false;
  await open(s.port, pinsDir, { trustNew: () => (asked = true) });
  assert.not.ok(asked, 'a pinned server is not asked about again');
});

test('an expected fingerprint that does not match is PIN_MISMATCH and is not pinned', async () => {
  const s = await serve();
  const other = await fake();
  const pinsDir = await makeSubDir(base, 'pins');
  const err = await rejection(open(s.port, pinsDir, { trustNew: () => true, expectFingerprint: other.fingerprint256 }));
  assert.is(err.code, 'PIN_MISMATCH');
  assert.match(err.message, /Nothing was sent/);
  assert.equal(await new KnownServers(pinsDir).list(), {});
});

test('a pinned server showing another certificate is refused, even when new servers are trusted', async () => {
  const a = await serve();
  const pinsDir = await makeSubDir(base, 'pins');
  await open(a.port, pinsDir, { trustNew: () => true });
  const port = a.port;
  await a.close();
  const b = await serve({ port });
  assert.is.not(b.server.fingerprint256, a.server.fingerprint256);
  let asked = false;
  const err = await rejection(open(port, pinsDir, { trustNew: () => (asked = true) }));
  assert.is(err.code, 'PIN_MISMATCH');
  assert.match(err.message, /CHANGED/);
  assert.ok(err.message.includes(a.server.fingerprint256) && err.message.includes(b.server.fingerprint256));
  assert.not.ok(asked, 'a changed certificate is refused without asking');
  assert.is((await new KnownServers(pinsDir).get(`127.0.0.1:${port}`))?.fingerprint256, a.server.fingerprint256, 'the old pin stays');
  // Even naming the new fingerprint does not override a pin.
  const named = await rejection(open(port, pinsDir, { trustNew: () => true, expectFingerprint: b.server.fingerprint256 }));
  assert.is(named.code, 'PIN_MISMATCH');
});

test('the pin is checked before anything is sent: an impostor on the pinned address receives zero bytes', async () => {
  const real = await serve({ password: 'the password' });
  const pinsDir = await makeSubDir(base, 'pins');
  await open(real.port, pinsDir, { trustNew: () => true, password: 'the password' });
  const port = real.port;
  await real.close();
  const impostor = await fake(port);
  const err = await rejection(open(port, pinsDir, { trustNew: () => true, password: 'the password' }));
  assert.is(err.code, 'PIN_MISMATCH');
  // Whatever the client sent came before it hung up.
  await impostor.hungUp(1, 5_000);
  assert.is(impostor.peers.length, 1, 'the TLS handshake did happen');
  assert.is(impostor.bytesReceived(), 0, 'not even HELLO reached the impostor');
});

test('an unknown server that is not trusted, or not the expected one, receives zero bytes', async () => {
  const impostor = await fake();
  const pinsDir = await makeSubDir(base, 'pins');
  assert.is((await rejection(open(impostor.port, pinsDir))).code, 'PIN_UNKNOWN');
  const wrong = 'AB:'.repeat(31) + 'AB';
  assert.is((await rejection(open(impostor.port, pinsDir, { trustNew: () => true, expectFingerprint: wrong }))).code, 'PIN_MISMATCH');
  await impostor.hungUp(2, 5_000);
  assert.is(impostor.accepted(), 2);
  assert.is(impostor.bytesReceived(), 0);
});

test('a server that resets the connection while the user decides is a clean failure, not a crash', async () => {
  const resetter = await startFakeServer((peer) => peer.reset());
  closers.push(() => resetter.close());
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const err = await rejection(
      ServerConnection.open({
        address: { host: '127.0.0.1', port: resetter.port },
        pins: new KnownServers(await makeSubDir(base, 'pins')),
        displayName: 'test',
        // A person reading the fingerprint takes a moment; the reset arrives meanwhile.
        trustNew: async () => {
          await waitUntil(() => resetter.peers[0]?.closed === true, 'the server to reset the connection');
          return true;
        },
        replyTimeoutMs: 3_000,
      }),
      10_000,
      'connecting to a server that resets',
    );
    const outcome = { uncaught: uncaught.map(String), code: err.code };
    assert.equal(outcome, { uncaught: [], code: outcome.code === 'CONNECTION_FAILED' ? 'CONNECTION_FAILED' : 'CONNECTION_LOST' }, err.message);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test.run();
