// Pinning through the command line: --fingerprint and --trust-new, a refused unknown
// server that shows its fingerprint, a changed certificate refused even with --trust-new,
// and no password sent to a server whose certificate does not match the pin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KnownServers } from '../../../extensions/netcore/src/certs/known-servers';
import { jsonLines, linesOf, runCli } from '../../support/cli-runner';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { writeRandomFile } from '../../support/file-tree';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';

let base = '';
let share = '';
let clientData = '';
let port = 0;
let first: TestServer | undefined;
let second: TestServer | undefined;
let impostor: FakeServer | undefined;

test.before(async () => {
  base = await makeTempDir('cli-pinning');
  share = join(base, 'share');
  await writeRandomFile(join(share, 'file.txt'), 10);
  clientData = await makeSubDir(base, 'client-data');
  first = await startTestServer({ sharePath: share });
  port = first.port;
});

test.after(async () => {
  await first?.close();
  await second?.close();
  await impostor?.close();
  await removeDir(base);
});

function list(extra: string[], dataDir = clientData, env: Record<string, string> = {}) {
  return runCli(['list', `127.0.0.1:${port}`, '--json', '--data-dir', dataDir, ...extra], { cwd: base, env });
}

const pinOf = async (dataDir = clientData) => (await new KnownServers(dataDir).get(`127.0.0.1:${port}`))?.fingerprint256;

test('an unknown server without --fingerprint or --trust-new: exit 1, and stderr shows its fingerprint', async () => {
  const r = await list([]);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes(first!.server.fingerprint256), r.stderr);
  assert.match(r.stderr, /--fingerprint/);
  assert.match(r.stderr, /\[PIN_UNKNOWN\]/);
  assert.is(r.stdout, '');
  assert.is(await pinOf(), undefined);
});

test('a wrong --fingerprint is refused with PIN_MISMATCH and pins nothing', async () => {
  const r = await list(['--fingerprint', '00'.repeat(32)]);
  assert.is(r.code, 1);
  assert.equal(linesOf(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /\[PIN_MISMATCH\]/);
  assert.is(await pinOf(), undefined);
});

test('a malformed --fingerprint is a usage error (exit 2)', async () => {
  const r = await list(['--fingerprint', 'not-a-fingerprint']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /\[BAD_ARGUMENT\]/);
});

test('the right --fingerprint (any case, colons optional) works and pins the server', async () => {
  const typed = first!.server.fingerprint256.replace(/:/g, '').toLowerCase();
  const r = await list(['--fingerprint', typed]);
  assert.is(r.code, 0, r.stderr);
  const [listing] = jsonLines<{ fingerprint: string; entries: Array<{ path: string }> }>(r.stdout);
  assert.is(listing!.fingerprint, first!.server.fingerprint256);
  assert.equal(
    listing!.entries.map((e) => e.path),
    ['file.txt'],
  );
  assert.is(await pinOf(), first!.server.fingerprint256);
  const again = await list([]);
  assert.is(again.code, 0, 'a pinned server needs no flag');
});

test('another certificate on the pinned host:port is PIN_MISMATCH with exit 1, even with --trust-new', async () => {
  await first!.close();
  second = await startTestServer({ sharePath: share, port, password: 'pw' });
  assert.is.not(second.server.fingerprint256, first!.server.fingerprint256);
  const r = await list(['--trust-new', '--password-env', 'PW'], clientData, { PW: 'pw' });
  assert.is(r.code, 1);
  assert.match(r.stderr, /CHANGED/);
  assert.ok(r.stderr.includes(first!.server.fingerprint256) && r.stderr.includes(second.server.fingerprint256));
  assert.match(r.stderr, /\[PIN_MISMATCH\]/);
  assert.is(await pinOf(), first!.server.fingerprint256, 'the pin is unchanged');
  // The password was never sent: the server saw no login at all. pss has exited, so its
  // connection is over; the server logs its end after everything it read on it.
  await waitUntil(
    () => second!.logs.some((e) => e.category === 'Connection' && e.message.startsWith('disconnected')),
    'the server to log the end of the connection',
    { timeoutMs: 5_000 },
  );
  assert.equal(
    second.logs.filter((e) => e.category === 'Authentication'),
    [],
  );

  const named = await list(['--fingerprint', second.server.fingerprint256]);
  assert.is(named.code, 1, 'naming the new fingerprint does not override a pin');
  assert.match(named.stderr, /\[PIN_MISMATCH\]/);
});

test('an impostor on the pinned address gets not one byte from `pss get`, password or not', async () => {
  await second!.close();
  // It would answer like a server if it were ever spoken to.
  impostor = await startFakeServer(
    async (peer) => {
      await peer.welcome();
      if ((await peer.next()).type === 'LIST_FILES') peer.send({ type: 'FILE_LIST', share: { kind: 'directory', name: 'x' }, entries: [], done: true });
    },
    { port },
  );
  const out = await makeSubDir(base, 'out');
  const r = await runCli(['get', `127.0.0.1:${port}`, '--all', '--out', out, '--trust-new', '--password-env', 'PW', '--data-dir', clientData], {
    cwd: base,
    env: { PW: 'the real password' },
  });
  assert.is(r.code, 1);
  assert.match(r.stderr, /\[PIN_MISMATCH\]/);
  // pss has exited: its connection is closed, and all it sent came before.
  await impostor.hungUp(1, 5_000);
  assert.is(impostor.accepted(), 1);
  assert.is(impostor.bytesReceived(), 0);
  assert.equal(await readdir(out), []);
});

test('pss forget drops the pin, after which the new certificate can be trusted', async () => {
  const forgot = await runCli(['forget', `127.0.0.1:${port}`, '--data-dir', clientData], { cwd: base });
  assert.is(forgot.code, 0, forgot.stderr);
  assert.match(forgot.stdout, /forgot the certificate of 127\.0\.0\.1:/);
  assert.is(await pinOf(), undefined);
  const r = await list(['--fingerprint', impostor!.fingerprint256]);
  assert.is(r.code, 0, r.stderr);
  assert.is(await pinOf(), impostor!.fingerprint256);
});

test.run();
