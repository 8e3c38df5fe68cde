// Parses "host", "host:port", "[v6]:port" and bare IPv6 into a host and a port.
import { isIP } from 'node:net';
import { DEFAULT_MAIN_PORT } from '../constants';
import { ErrorCode, PssError } from '../errors';

export interface ServerAddress {
  host: string;
  port: number;
}

export function parseServerAddress(input: string, defaultPort = DEFAULT_MAIN_PORT): ServerAddress {
  const text = input.trim();
  const bad = () => new PssError(ErrorCode.BAD_ARGUMENT, `not a server address: ${JSON.stringify(input)}`);
  let host = text;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
    if (isIP(host) !== 6) throw bad();
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(host)) throw bad();
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText !== undefined && !/^\d+$/.test(portText))) throw bad();
  return { host: host.toLowerCase(), port };
}

/** The key a server is pinned under: host lowercased, IPv6 in brackets. */
export function hostPortKey({ host, port }: ServerAddress): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
