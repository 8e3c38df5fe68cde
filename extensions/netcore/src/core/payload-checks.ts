// Checks on command payloads. The UI is ours, but the IPC is a boundary: a malformed
// payload is a BAD_ARGUMENT with a clear message, never a crash.
import { DEFAULT_MAIN_PORT, MAX_MAX_CLIENTS, MAX_PASSWORD_BYTES } from '../constants';
import type { DownloadRequest, ServerSettings } from '../contract';
import { ErrorCode, PssError } from '../errors';

function bad(message: string): never {
  throw new PssError(ErrorCode.BAD_ARGUMENT, message);
}

function text(value: unknown, what = 'text'): string {
  if (typeof value !== 'string' || value.length === 0) bad(`${what} must be a non-empty string`);
  return value;
}

function port(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) bad('the port must be a whole number from 0 to 65535');
  return value;
}

export const check = {
  text,
  port,
  id: (value: unknown): string => text(value, 'the session id'),
  optionalText: (value: unknown): string | undefined => (value === undefined ? undefined : text(value)),
  host: (value: unknown): string => {
    const host = text(value, 'the server address').trim();
    if (!/^[A-Za-z0-9.:\-[\]]{1,253}$/.test(host)) bad(`not a server address: ${host}`);
    return host.replace(/^\[|\]$/g, '');
  },
  serverSettings: (p: Partial<ServerSettings>): ServerSettings => {
    const settings: ServerSettings = {
      sharePath: text(p.sharePath, 'the share path'),
      port: p.port === undefined ? DEFAULT_MAIN_PORT : port(p.port),
      maxClients:
        typeof p.maxClients === 'number' && Number.isInteger(p.maxClients) && p.maxClients >= 1 && p.maxClients <= MAX_MAX_CLIENTS
          ? p.maxClients
          : bad(`max clients must be from 1 to ${MAX_MAX_CLIENTS}`),
    };
    if (p.password !== undefined) {
      const password = text(p.password, 'the password');
      if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) bad('the password is too long');
      settings.password = password;
    }
    if (p.bind !== undefined) settings.bind = text(p.bind, 'the bind address');
    return settings;
  },
  downloadRequest: (p: Partial<DownloadRequest>): DownloadRequest => {
    if (!Array.isArray(p.paths) || !p.paths.every((x) => typeof x === 'string')) bad('paths must be a list of strings');
    const request: DownloadRequest = { paths: p.paths, destination: text(p.destination, 'the destination') };
    if (p.subfolder !== undefined && p.subfolder !== '') request.subfolder = text(p.subfolder, 'the sub-folder');
    return request;
  },
};
