import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KnownServers, normalizeHostPort } from '../../../extensions/netcore/src/certs/known-servers';
import { KNOWN_SERVERS_FILE } from '../../../extensions/netcore/src/constants';
import { PssError } from '../../../extensions/netcore/src/errors';

const FP_A = 'AB:12:CD:34:EF:56:78:90:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF';
const FP_B = '01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20';

let dir = '';
let file = '';

test.before.each(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pss-known-'));
  file = path.join(dir, KNOWN_SERVERS_FILE);
});

test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A clock that moves one minute per reading, so firstSeen and lastSeen differ visibly. */
function steppingClock(): () => Date {
  let t = Date.parse('2024-05-01T10:00:00.000Z');
  return () => {
    const now = new Date(t);
    t += 60_000;
    return now;
  };
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, PssError);
  return (caught as PssError).code;
}

test('a missing file is an empty store', async () => {
  const store = new KnownServers(dir);
  assert.equal(await store.list(), {});
  assert.is(await store.get('host:5000'), undefined);
  assert.is(await store.forget('host:5000'), false);
  assert.equal(await readdir(dir), [], 'reading does not create the file');
});

test('pin, get and list round-trip through the file', async () => {
  const store = new KnownServers(dir, { now: steppingClock() });
  await store.pin('laptop.lan:5000', FP_A.toLowerCase().replace(/:/g, ''));
  const entry = await store.get('laptop.lan:5000');
  assert.equal(entry, { fingerprint256: FP_A, firstSeen: '2024-05-01T10:00:00.000Z', lastSeen: '2024-05-01T10:00:00.000Z' });

  const reopened = new KnownServers(dir);
  assert.equal(await reopened.list(), { 'laptop.lan:5000': entry! });
  const onDisk = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(onDisk, { version: 1, servers: { 'laptop.lan:5000': entry } });
});

test('the file is written owner-only with no temporary file left', async () => {
  const store = new KnownServers(dir);
  await store.pin('[::1]:5000', FP_A);
  await store.pin('127.0.0.1:5000', FP_B);
  if (process.platform !== 'win32') assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.equal(await readdir(dir), [KNOWN_SERVERS_FILE]);
});

test('keys are normalised', async () => {
  const store = new KnownServers(dir);
  await store.pin('LapTop.LAN:05000', FP_A);
  assert.is((await store.get('laptop.lan:5000'))?.fingerprint256, FP_A);
  await store.pin('[0:0:0:0:0:0:0:1]:5000', FP_B);
  assert.is((await store.get('[::1]:5000'))?.fingerprint256, FP_B);
  assert.equal(Object.keys(await store.list()).sort(), ['[::1]:5000', 'laptop.lan:5000']);
  assert.is(normalizeHostPort('[FE80::1%eth0]:5001'), '[fe80::1%eth0]:5001');
  assert.is(normalizeHostPort('192.168.1.20:5000'), '192.168.1.20:5000');
});

test('malformed host:port is refused', async () => {
  for (const bad of ['host', 'host:', 'host:0', 'host:65536', '::1:5000', '[::1]', '[nothost]:5000', 'a b:5000', ':5000']) {
    try {
      normalizeHostPort(bad);
      assert.unreachable(`accepted ${bad}`);
    } catch (err) {
      assert.is((err as PssError).code, 'BAD_ARGUMENT', bad);
    }
  }
  assert.is(await codeOf(() => new KnownServers(dir).get('::1:5000')), 'BAD_ARGUMENT');
});

test('pin refuses something that is not a fingerprint', async () => {
  const store = new KnownServers(dir);
  assert.is(await codeOf(() => store.pin('host:5000', 'AB:CD')), 'BAD_ARGUMENT');
  assert.equal(await readdir(dir), []);
});

test('touch moves lastSeen only; re-pinning a new fingerprint restarts firstSeen', async () => {
  const store = new KnownServers(dir, { now: steppingClock() });
  await store.pin('host:5000', FP_A);
  await store.touch('HOST:5000');
  assert.equal(await store.get('host:5000'), {
    fingerprint256: FP_A,
    firstSeen: '2024-05-01T10:00:00.000Z',
    lastSeen: '2024-05-01T10:01:00.000Z',
  });
  await store.pin('host:5000', FP_A);
  assert.is((await store.get('host:5000'))?.firstSeen, '2024-05-01T10:00:00.000Z', 'same fingerprint keeps its history');
  await store.pin('host:5000', FP_B);
  assert.equal(await store.get('host:5000'), {
    fingerprint256: FP_B,
    firstSeen: '2024-05-01T10:03:00.000Z',
    lastSeen: '2024-05-01T10:03:00.000Z',
  });
});

test('touch on an unknown server is PIN_UNKNOWN', async () => {
  assert.is(await codeOf(() => new KnownServers(dir).touch('host:5000')), 'PIN_UNKNOWN');
});

test('forget removes one pin', async () => {
  const store = new KnownServers(dir);
  await store.pin('a:5000', FP_A);
  await store.pin('b:5000', FP_B);
  assert.is(await store.forget('A:5000'), true);
  assert.is(await store.forget('a:5000'), false);
  assert.equal(Object.keys(await store.list()), ['b:5000']);
});

test('concurrent writes in one process are serialised', async () => {
  const store = new KnownServers(dir);
  const hosts = Array.from({ length: 20 }, (_, i) => `host-${i}:5000`);
  await Promise.all(hosts.map((h, i) => store.pin(h, i % 2 ? FP_A : FP_B)));
  assert.equal(Object.keys(await new KnownServers(dir).list()).sort(), [...hosts].sort());
});

test('a failed operation does not block the ones after it', async () => {
  const store = new KnownServers(dir);
  const failed = store.touch('host:5000');
  const pinned = store.pin('host:5000', FP_A);
  assert.is(await codeOf(() => failed), 'PIN_UNKNOWN');
  await pinned;
  assert.is((await store.get('host:5000'))?.fingerprint256, FP_A);
});

const corruptions: Array<[string, string]> = [
  ['not JSON', '{"version": 1, "servers": {'],
  ['not an object', '[]'],
  ['a newer version', JSON.stringify({ version: 2, servers: {} })],
  ['servers missing', JSON.stringify({ version: 1 })],
  [
    'a bad fingerprint',
    JSON.stringify({ version: 1, servers: { 'h:1': { fingerprint256: 'AB', firstSeen: '2024-01-01T00:00:00Z', lastSeen: '2024-01-01T00:00:00Z' } } }),
  ],
  ['a bad date', JSON.stringify({ version: 1, servers: { 'h:1': { fingerprint256: FP_A, firstSeen: 'soon', lastSeen: '2024-01-01T00:00:00Z' } } })],
  [
    'a key not in normal form',
    JSON.stringify({ version: 1, servers: { 'H:1': { fingerprint256: FP_A, firstSeen: '2024-01-01T00:00:00Z', lastSeen: '2024-01-01T00:00:00Z' } } }),
  ],
];

for (const [name, content] of corruptions) {
  test(`a corrupt file (${name}) is an error and is left untouched`, async () => {
    await writeFile(file, content);
    const store = new KnownServers(dir);
    let caught: unknown;
    try {
      await store.pin('host:5000', FP_A);
    } catch (err) {
      caught = err;
    }
    assert.instance(caught, PssError);
    assert.is((caught as PssError).code, 'CERT_FAILED');
    assert.match((caught as PssError).message, file);
    assert.is(await readFile(file, 'utf8'), content);
    assert.is(await codeOf(() => store.get('host:5000')), 'CERT_FAILED');
  });
}

test.run();
