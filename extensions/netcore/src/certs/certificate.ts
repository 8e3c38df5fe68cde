// The server's TLS identity (DESIGN §2): one ECDSA P-256 self-signed certificate per data
// directory. Clients pin its SHA-256 fingerprint, so once created it must never be
// replaced behind the user's back.
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type * as Selfsigned from 'selfsigned';
import { CERT_FILE, CERT_VALIDITY_DAYS, KEY_FILE, PRODUCT_NAME } from '../constants';
import { writeFileAtomic } from '../data-dir';
import { ErrorCode, PssError, fromFsError } from '../errors';

/** Loaded on first use: only a server's first start makes a certificate, and loading it
 * costs every command (and every worker thread) a noticeable part of its start-up. */
function selfsigned(): typeof Selfsigned {
  return require('selfsigned') as typeof Selfsigned;
}

export interface ServerIdentity {
  certPem: string;
  keyPem: string;
  /** `AB:CD:…`, as Node reports it in `getPeerCertificate().fingerprint256`. */
  fingerprint256: string;
}

/** Held while the identity is created, so concurrent first runs agree on one key pair. */
const LOCK_FILE = 'server.lock';
const LOCK_POLL_MS = 50;
/** Creating and writing a P-256 key takes milliseconds; an older lock was left by a crash. */
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Back-dated so a client whose clock runs behind still accepts a brand-new certificate. */
const NOT_BEFORE_SLACK_MS = DAY_MS;
const FINGERPRINT_BYTES = 32;
const SHORT_FINGERPRINT_HEX_DIGITS = 16;

interface IdentityFiles {
  cert: string;
  key: string;
  lock: string;
}

export async function loadOrCreateIdentity(dataDir: string): Promise<ServerIdentity> {
  const files: IdentityFiles = {
    cert: path.join(dataDir, CERT_FILE),
    key: path.join(dataDir, KEY_FILE),
    lock: path.join(dataDir, LOCK_FILE),
  };
  const found = await readPair(files);
  if (found.certPem !== undefined && found.keyPem !== undefined) return checkIdentity(found.certPem, found.keyPem, files);
  // Not both files yet: another process may be half-way through creating them, so decide
  // what to do only while holding the lock.
  return withLock(files.lock, async () => {
    const again = await readPair(files);
    if (again.certPem !== undefined) {
      if (again.keyPem !== undefined) return checkIdentity(again.certPem, again.keyPem, files);
      throw new PssError(
        ErrorCode.CERT_FAILED,
        `the server certificate ${files.cert} exists but its private key ${files.key} is missing; ` +
          'restore the key, or move the certificate away to create a new identity ' +
          '(every client will then see a fingerprint change)',
      );
    }
    // A key without a certificate is an interrupted first run: no fingerprint was ever
    // shown for it, so replacing it loses nothing.
    const created = await createIdentity();
    // Key first: a certificate on disk always has its key beside it.
    await writeFileAtomic(files.key, created.keyPem, 0o600);
    await writeFileAtomic(files.cert, created.certPem, 0o644);
    return checkIdentity(created.certPem, created.keyPem, files);
  });
}

async function readPair(files: IdentityFiles): Promise<{ certPem: string | undefined; keyPem: string | undefined }> {
  // The certificate is read first because it is written last: once it exists, the key
  // that belongs to it is already in place.
  const certPem = await readIfExists(files.cert);
  const keyPem = await readIfExists(files.key);
  return { certPem, keyPem };
}

function checkIdentity(certPem: string, keyPem: string, files: IdentityFiles): ServerIdentity {
  const advice = 'Fix or restore it, or move both files away to create a new identity (every client will then see a fingerprint change).';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new PssError(ErrorCode.CERT_FAILED, `the server certificate ${files.cert} is not a valid certificate. ${advice}`, { cause: err });
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new PssError(ErrorCode.CERT_FAILED, `the server private key ${files.key} is not a valid private key. ${advice}`, { cause: err });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new PssError(ErrorCode.CERT_FAILED, `the server private key ${files.key} does not belong to the certificate ${files.cert}. ${advice}`);
  }
  return { certPem, keyPem, fingerprint256: formatFingerprint(createHash('sha256').update(cert.raw).digest()) };
}

async function createIdentity(): Promise<{ certPem: string; keyPem: string }> {
  const now = Date.now();
  try {
    const pems = await selfsigned().generate([{ name: 'commonName', value: PRODUCT_NAME }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - NOT_BEFORE_SLACK_MS),
      notAfterDate: new Date(now + CERT_VALIDITY_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        // ECDSA only signs the handshake; key encipherment is an RSA usage.
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: machineAltNames() },
      ],
    });
    return { certPem: pems.cert, keyPem: pems.private };
  } catch (err) {
    throw new PssError(ErrorCode.CERT_FAILED, `creating the server certificate failed: ${(err as Error).message}`, { cause: err });
  }
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

/**
 * Every name a client on the LAN may type to reach this machine, so that a client
 * verifying against the pinned certificate (`ca` + host check) also succeeds.
 */
function machineAltNames(): AltName[] {
  const dns = new Set(['localhost']);
  const host = hostname().trim().toLowerCase();
  // A DNS SAN is an ASCII string; a host name outside that set is left out, not mangled.
  if (/^[a-z0-9._-]{1,253}$/.test(host)) dns.add(host);

  const ips = new Set(['127.0.0.1', '::1']);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const entry of addresses ?? []) {
      // Some platforms append the zone (`fe80::1%eth0`); a certificate holds only the address.
      const address = entry.address.split('%')[0]!;
      if (isIP(address) !== 0) ips.add(address);
    }
  }
  return [...[...dns].map((value): AltName => ({ type: 2, value })), ...[...ips].map((ip): AltName => ({ type: 7, ip }))];
}

/** SHA-256 of the certificate's DER, formatted like Node's `fingerprint256`. */
export function fingerprintOfPem(pem: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw new PssError(ErrorCode.CERT_FAILED, 'not a valid PEM certificate', { cause: err });
  }
  return formatFingerprint(createHash('sha256').update(cert.raw).digest());
}

function formatFingerprint(digest: Buffer): string {
  return [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** The first 64 bits in groups of four hex digits, for people comparing two screens. */
export function shortFingerprint(fp: string): string {
  const canonical = normalizeFingerprint(fp);
  if (canonical === undefined) throw new PssError(ErrorCode.BAD_ARGUMENT, `not a SHA-256 fingerprint: ${fp}`);
  const hex = canonical.replace(/:/g, '').slice(0, SHORT_FINGERPRINT_HEX_DIGITS);
  return hex.match(/.{4}/g)!.join(' ');
}

/** Canonical `AB:CD:…` form of a fingerprint typed or pasted in any case, with or without separators. */
export function normalizeFingerprint(input: string): string | undefined {
  const hex = input.replace(/[\s:]/g, '');
  if (!new RegExp(`^[0-9a-fA-F]{${FINGERPRINT_BYTES * 2}}$`).test(hex)) return undefined;
  return hex.toUpperCase().match(/.{2}/g)!.join(':');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromFsError(err, `reading ${file}`, ErrorCode.CERT_FAILED);
  }
}

/**
 * Runs `fn` while holding an exclusive lock file. A plain create-exclusive file works on
 * every file system, including the FAT sticks that portable mode runs from.
 */
async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await open(lockFile, 'wx', 0o600)).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromFsError(err, `creating ${lockFile}`, ErrorCode.CERT_FAILED);
    }
    const held = await stat(lockFile).catch(() => undefined);
    if (held === undefined) continue;
    if (Date.now() - held.mtimeMs > LOCK_STALE_MS) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new PssError(
        ErrorCode.CERT_FAILED,
        `another process has been creating the server certificate for too long; if none is running, remove ${lockFile}`,
      );
    }
    await delay(LOCK_POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
