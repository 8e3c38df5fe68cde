// The client's pin store, like ssh's known_hosts (DESIGN §2): which certificate
// fingerprint each server presented when it was first trusted. Whether an unknown server
// is accepted is the caller's decision; this file only remembers.
import { readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import { KNOWN_SERVERS_FILE } from '../constants';
import { ensureDataDir, writeFileAtomic } from '../data-dir';
import { ErrorCode, PssError, fromFsError } from '../errors';
import { normalizeFingerprint } from './certificate';

export interface KnownServer {
  /** Canonical `AB:CD:…` form. */
  fingerprint256: string;
  /** ISO 8601; when this fingerprint was pinned. */
  firstSeen: string;
  /** ISO 8601; the last connection that matched the pin. */
  lastSeen: string;
}

interface StoreFile {
  version: 1;
  servers: Record<string, KnownServer>;
}

const STORE_VERSION = 1;

/**
 * The store key for a server: host lowercased, IPv6 in brackets and in its shortest form,
 * port without leading zeros (`example.lan:5000`, `[::1]:5000`).
 */
export function normalizeHostPort(hostPort: string): string {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(hostPort);
  const plain = bracketed ? null : /^([^:[\]\s/@]+):(\d{1,5})$/.exec(hostPort);
  const match = bracketed ?? plain;
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a host:port (IPv6 goes in brackets, e.g. [::1]:5000): ${hostPort}`);
  }
  if (plain) return `${match[1]!.toLowerCase()}:${port}`;
  const address = match[1]!;
  if (!isIPv6(address)) throw new PssError(ErrorCode.BAD_ARGUMENT, `not an IPv6 address: [${address}]`);
  return `[${canonicalIpv6(address)}]:${port}`;
}

/** `0:0:0:0:0:0:0:1` and `::1` are one server; the zone name (`%eth0`) is kept as typed. */
function canonicalIpv6(address: string): string {
  const zoneAt = address.indexOf('%');
  const bare = zoneAt === -1 ? address : address.slice(0, zoneAt);
  const zone = zoneAt === -1 ? '' : address.slice(zoneAt);
  // The URL parser implements the RFC 5952 shortest form.
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1) + zone;
}

export class KnownServers {
  private readonly file: string;
  private readonly now: () => Date;
  /** Every operation runs after the previous one, so read-modify-write never interleaves. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, options: { now?: () => Date } = {}) {
    this.file = path.join(dataDir, KNOWN_SERVERS_FILE);
    this.now = options.now ?? (() => new Date());
  }

  get(hostPort: string): Promise<KnownServer | undefined> {
    const key = normalizeHostPort(hostPort);
    return this.serial(async () => {
      const servers = await this.read();
      return Object.hasOwn(servers, key) ? { ...servers[key]! } : undefined;
    });
  }

  /** Trusts `fingerprint256` for the server, replacing any earlier pin. */
  pin(hostPort: string, fingerprint256: string): Promise<void> {
    const key = normalizeHostPort(hostPort);
    const fingerprint = normalizeFingerprint(fingerprint256);
    if (fingerprint === undefined) {
      return Promise.reject(new PssError(ErrorCode.BAD_ARGUMENT, `not a SHA-256 fingerprint: ${fingerprint256}`));
    }
    return this.serial(async () => {
      const servers = await this.read();
      const now = this.now().toISOString();
      const previous = Object.hasOwn(servers, key) ? servers[key] : undefined;
      // A new fingerprint is a new identity, so its history starts again.
      const firstSeen = previous?.fingerprint256 === fingerprint ? previous.firstSeen : now;
      servers[key] = { fingerprint256: fingerprint, firstSeen, lastSeen: now };
      await this.write(servers);
    });
  }

  /** Records a connection that matched the pin. */
  touch(hostPort: string): Promise<void> {
    const key = normalizeHostPort(hostPort);
    return this.serial(async () => {
      const servers = await this.read();
      if (!Object.hasOwn(servers, key)) throw new PssError(ErrorCode.PIN_UNKNOWN, `no pinned certificate for ${key}`);
      servers[key]!.lastSeen = this.now().toISOString();
      await this.write(servers);
    });
  }

  /** True when a pin was removed. */
  forget(hostPort: string): Promise<boolean> {
    const key = normalizeHostPort(hostPort);
    return this.serial(async () => {
      const servers = await this.read();
      if (!Object.hasOwn(servers, key)) return false;
      delete servers[key];
      await this.write(servers);
      return true;
    });
  }

  list(): Promise<Record<string, KnownServer>> {
    return this.serial(() => this.read());
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.tail.then(op);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<Record<string, KnownServer>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw fromFsError(err, `reading the known servers file ${this.file}`, ErrorCode.READ_FAILED);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw this.corrupt('it is not valid JSON', err);
    }
    return this.validate(parsed);
  }

  /** Checks every field: a pin store that is half understood would trust the wrong server. */
  private validate(parsed: unknown): Record<string, KnownServer> {
    if (!isObject(parsed)) throw this.corrupt('it is not a JSON object');
    if (parsed.version !== STORE_VERSION) {
      throw this.corrupt(`its version is ${JSON.stringify(parsed.version)}, this program reads version ${STORE_VERSION}`);
    }
    if (!isObject(parsed.servers)) throw this.corrupt('"servers" is not an object');
    const servers: Record<string, KnownServer> = {};
    for (const [key, entry] of Object.entries(parsed.servers)) {
      let normal: string | undefined;
      try {
        normal = normalizeHostPort(key);
      } catch {
        normal = undefined;
      }
      if (normal !== key) {
        throw this.corrupt(`"${key}" is not a host:port key${normal ? ` (write it as "${normal}")` : ''}`);
      }
      if (
        !isObject(entry) ||
        typeof entry.fingerprint256 !== 'string' ||
        normalizeFingerprint(entry.fingerprint256) !== entry.fingerprint256 ||
        !isIsoDate(entry.firstSeen) ||
        !isIsoDate(entry.lastSeen)
      ) {
        throw this.corrupt(`the entry for "${key}" needs fingerprint256 (AB:CD:… form), firstSeen and lastSeen`);
      }
      servers[key] = { fingerprint256: entry.fingerprint256, firstSeen: entry.firstSeen, lastSeen: entry.lastSeen };
    }
    return servers;
  }

  private async write(servers: Record<string, KnownServer>): Promise<void> {
    const sorted: Record<string, KnownServer> = {};
    for (const key of Object.keys(servers).sort()) sorted[key] = servers[key]!;
    const body: StoreFile = { version: STORE_VERSION, servers: sorted };
    // The first pin may come before anything else made the data directory.
    await ensureDataDir(path.dirname(this.file));
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`, 0o600);
  }

  private corrupt(problem: string, cause?: unknown): PssError {
    return new PssError(
      ErrorCode.CERT_FAILED,
      `the known servers file ${this.file} cannot be used: ${problem}. ` + 'It was left untouched; fix it, or move it away to forget every pinned server.',
      cause === undefined ? {} : { cause },
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
