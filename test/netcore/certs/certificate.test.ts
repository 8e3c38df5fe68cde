import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { fingerprintOfPem, loadOrCreateIdentity, normalizeFingerprint, shortFingerprint } from '../../../extensions/netcore/src/certs/certificate';
import { CERT_FILE, KEY_FILE } from '../../../extensions/netcore/src/constants';
import { PssError } from '../../../extensions/netcore/src/errors';

const execFileAsync = promisify(execFile);
let dir = '';

test.before.each(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pss-cert-'));
});

test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectCertFailed(run: () => Promise<unknown>, mentions: string): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  assert.instance(caught, PssError);
  assert.is((caught as PssError).code, 'CERT_FAILED');
  assert.match((caught as PssError).message, mentions);
}

/** Runs loadOrCreateIdentity in a separate Node process and returns the fingerprint it saw. */
async function fingerprintFromChild(dataDir: string): Promise<string> {
  const modulePath = path.resolve(__dirname, '../../../extensions/netcore/src/certs/certificate.ts');
  const script =
    `require(${JSON.stringify(modulePath)}).loadOrCreateIdentity(${JSON.stringify(dataDir)})` + '.then((id) => process.stdout.write(id.fingerprint256));';
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script]);
  return stdout.trim();
}

test('first run creates an ECDSA P-256 certificate with the machine names', async () => {
  const id = await loadOrCreateIdentity(dir);
  const cert = new X509Certificate(id.certPem);
  assert.is(cert.publicKey.asymmetricKeyType, 'ec');
  assert.is(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.is(cert.subject, 'CN=Pro Secure Suite');
  const sans = cert.subjectAltName ?? '';
  assert.ok(sans.includes('DNS:localhost'), sans);
  assert.ok(sans.includes('IP Address:127.0.0.1'), sans);
  assert.ok(sans.includes('IP Address:0:0:0:0:0:0:0:1'), sans);
  assert.ok(cert.checkPrivateKey(createPrivateKey(id.keyPem)));
  assert.is(id.fingerprint256, cert.fingerprint256);
  const years = (Date.parse(cert.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
});

test('files land in the data dir; the key is owner-only', async () => {
  const id = await loadOrCreateIdentity(dir);
  assert.is(await readFile(path.join(dir, CERT_FILE), 'utf8'), id.certPem);
  assert.is(await readFile(path.join(dir, KEY_FILE), 'utf8'), id.keyPem);
  if (process.platform !== 'win32') {
    assert.is((await stat(path.join(dir, KEY_FILE))).mode & 0o777, 0o600);
    assert.is((await stat(path.join(dir, CERT_FILE))).mode & 0o777, 0o644);
  }
  assert.equal((await readdir(dir)).sort(), [CERT_FILE, KEY_FILE].sort(), 'no lock or temporary file left');
});

test('a second run reuses the same identity', async () => {
  const first = await loadOrCreateIdentity(dir);
  const second = await loadOrCreateIdentity(dir);
  assert.is(second.fingerprint256, first.fingerprint256);
  assert.is(second.keyPem, first.keyPem);
});

test('concurrent first runs agree on one key pair', async () => {
  const ids = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateIdentity(dir)));
  for (const id of ids) assert.is(id.fingerprint256, ids[0]!.fingerprint256);
  const cert = new X509Certificate(await readFile(path.join(dir, CERT_FILE), 'utf8'));
  assert.is(cert.fingerprint256, ids[0]!.fingerprint256);
  assert.ok(cert.checkPrivateKey(createPrivateKey(await readFile(path.join(dir, KEY_FILE), 'utf8'))));
});

test('concurrent first runs in separate processes agree on one key pair', async () => {
  const seen = await Promise.all([1, 2, 3].map(() => fingerprintFromChild(dir)));
  assert.ok(normalizeFingerprint(seen[0]!), seen[0]);
  for (const fp of seen) assert.is(fp, seen[0]);
  assert.is((await loadOrCreateIdentity(dir)).fingerprint256, seen[0]);
});

test('a lock left by a crashed run does not block forever', async () => {
  const lock = path.join(dir, 'server.lock');
  await writeFile(lock, '');
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  const id = await loadOrCreateIdentity(dir);
  assert.ok(normalizeFingerprint(id.fingerprint256));
  assert.equal((await readdir(dir)).sort(), [CERT_FILE, KEY_FILE].sort());
});

test('a corrupt certificate is reported, not replaced', async () => {
  await loadOrCreateIdentity(dir);
  const certFile = path.join(dir, CERT_FILE);
  const keyBefore = await readFile(path.join(dir, KEY_FILE), 'utf8');
  await writeFile(certFile, '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');
  await expectCertFailed(() => loadOrCreateIdentity(dir), certFile);
  assert.match(await readFile(certFile, 'utf8'), 'garbage');
  assert.is(await readFile(path.join(dir, KEY_FILE), 'utf8'), keyBefore);
});

test('a corrupt key is reported, not replaced', async () => {
  await loadOrCreateIdentity(dir);
  const keyFile = path.join(dir, KEY_FILE);
  await writeFile(keyFile, 'not a key');
  await expectCertFailed(() => loadOrCreateIdentity(dir), keyFile);
  assert.is(await readFile(keyFile, 'utf8'), 'not a key');
});

test('a key from another identity is reported as a mismatch', async () => {
  const other = await mkdtemp(path.join(tmpdir(), 'pss-cert-other-'));
  try {
    await loadOrCreateIdentity(dir);
    const foreign = await loadOrCreateIdentity(other);
    await writeFile(path.join(dir, KEY_FILE), foreign.keyPem);
    await expectCertFailed(() => loadOrCreateIdentity(dir), 'does not belong');
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

test('a certificate without its key is reported', async () => {
  const id = await loadOrCreateIdentity(dir);
  await rm(path.join(dir, KEY_FILE));
  await expectCertFailed(() => loadOrCreateIdentity(dir), 'missing');
  assert.is(await readFile(path.join(dir, CERT_FILE), 'utf8'), id.certPem);
});

test('a key without a certificate (interrupted first run) is completed', async () => {
  await writeFile(path.join(dir, KEY_FILE), 'half-written first run', { mode: 0o600 });
  const id = await loadOrCreateIdentity(dir);
  assert.is(await readFile(path.join(dir, KEY_FILE), 'utf8'), id.keyPem);
  assert.is(new X509Certificate(id.certPem).fingerprint256, id.fingerprint256);
});

test('a TLS server with the identity presents its fingerprint', async () => {
  const id = await loadOrCreateIdentity(dir);
  const server = tls.createServer({ key: id.keyPem, cert: id.certPem, minVersion: 'TLSv1.3' }, (socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    // The pinning path: no CA trust, compare the fingerprint.
    const loose = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await once(loose, 'secureConnect');
    assert.is(loose.getPeerCertificate().fingerprint256, id.fingerprint256);
    loose.destroy();

    // The pinned certificate as the only CA: the SANs must cover the address used.
    const strict = tls.connect({ host: '127.0.0.1', port, ca: id.certPem });
    await once(strict, 'secureConnect');
    assert.ok(strict.authorized);
    assert.is(strict.getPeerCertificate().fingerprint256, id.fingerprint256);
    strict.destroy();
  } finally {
    server.close();
    await once(server, 'close');
  }
});

test('fingerprintOfPem matches X509Certificate.fingerprint256', async () => {
  const id = await loadOrCreateIdentity(dir);
  assert.is(fingerprintOfPem(id.certPem), new X509Certificate(id.certPem).fingerprint256);
  assert.match(fingerprintOfPem(id.certPem), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  try {
    fingerprintOfPem('nope');
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as PssError).code, 'CERT_FAILED');
  }
});

const FP = 'AB:12:CD:34:EF:56:78:90:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF';

test('normalizeFingerprint accepts any separators and case', () => {
  assert.is(normalizeFingerprint(FP), FP);
  assert.is(normalizeFingerprint(FP.toLowerCase()), FP);
  assert.is(normalizeFingerprint(FP.replace(/:/g, '')), FP);
  assert.is(normalizeFingerprint(FP.replace(/:/g, ' ')), FP);
  assert.is(normalizeFingerprint(` ${FP.replace(/:/g, '').toLowerCase()}\n`), FP);
});

test('normalizeFingerprint rejects what is not a SHA-256 fingerprint', () => {
  assert.is(normalizeFingerprint(''), undefined);
  assert.is(normalizeFingerprint(FP.slice(0, -3)), undefined, 'too short');
  assert.is(normalizeFingerprint(`${FP}:00`), undefined, 'too long');
  assert.is(normalizeFingerprint(FP.replace('AB', 'AG')), undefined, 'not hex');
  assert.is(normalizeFingerprint(FP.replace(/:/g, '-')), undefined);
});

test('shortFingerprint groups the first 16 hex digits', () => {
  assert.is(shortFingerprint(FP), 'AB12 CD34 EF56 7890');
  assert.is(shortFingerprint(FP.toLowerCase().replace(/:/g, '')), 'AB12 CD34 EF56 7890');
  try {
    shortFingerprint('AB:12');
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as PssError).code, 'BAD_ARGUMENT');
  }
});

test.run();
