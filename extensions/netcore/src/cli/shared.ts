// Option handling shared by the client commands: data directory, trust and password.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { normalizeFingerprint } from '../certs/certificate';
import { KnownServers } from '../certs/known-servers';
import { ServerConnection, whileBusy } from '../client/connection';
import { parseServerAddress } from '../client/server-address';
import { defaultAppDir, ensureDataDir, resolveDataDir } from '../data-dir';
import { ErrorCode, PssError } from '../errors';
import { hostname } from 'node:os';

export function usage(message: string): PssError {
  return new PssError(ErrorCode.BAD_ARGUMENT, message);
}

/** parseArgs with its errors turned into usage errors. */
export function parse<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage((err as Error).message);
  }
}

export async function dataDirFrom(flag: string | undefined): Promise<string> {
  return ensureDataDir(resolveDataDir({ flag, env: process.env, appDir: defaultAppDir() }));
}

export function passwordFromEnv(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (value === undefined || value === '') throw usage(`environment variable ${variable} is not set or empty`);
  return value;
}

export interface ClientFlags {
  'password-env'?: string;
  fingerprint?: string;
  'trust-new'?: boolean;
  'data-dir'?: string;
}

export const CLIENT_OPTIONS = {
  'password-env': { type: 'string' },
  fingerprint: { type: 'string' },
  'trust-new': { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Connects, checks the pin (before anything is sent) and logs in. */
export async function connectAndLogin(target: string | undefined, flags: ClientFlags): Promise<ServerConnection> {
  if (!target) throw usage('name the server: <host[:port]>');
  const address = parseServerAddress(target);
  let expectFingerprint: string | undefined;
  if (flags.fingerprint !== undefined) {
    expectFingerprint = normalizeFingerprint(flags.fingerprint);
    if (!expectFingerprint) throw usage('--fingerprint is not a SHA-256 fingerprint (64 hex digits)');
  }
  // Read the password first so a usage mistake costs no connection.
  const password = passwordFromEnv(flags['password-env']);
  const pins = new KnownServers(await dataDirFrom(flags['data-dir']));
  // A server checking too many passwords answers the LOGIN with BUSY and closes: connect
  // again and log in again after the wait it names.
  return whileBusy(async () => {
    const connection = await ServerConnection.open({
      address,
      pins,
      displayName: hostname(),
      ...(expectFingerprint ? { expectFingerprint } : {}),
      trustNew: () => expectFingerprint !== undefined || flags['trust-new'] === true,
    }).catch((err: PssError) => {
      if (err.code === ErrorCode.PIN_UNKNOWN) {
        throw new PssError(ErrorCode.PIN_UNKNOWN, `${err.message}; if it matches what the server shows, run again with --fingerprint <it> or --trust-new`);
      }
      throw err;
    });
    connection.onWarning = ({ text }) => process.stderr.write(`\n⚠ warning from the server: ${text}\n`);
    try {
      if (connection.auth === 'password' && password === undefined) {
        throw new PssError(ErrorCode.AUTH_REQUIRED, `${connection.hostPort} requires a password: pass it with --password-env VAR`);
      }
      await connection.login(password);
    } catch (err) {
      connection.destroy();
      throw err;
    }
    return connection;
  });
}
