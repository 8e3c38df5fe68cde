// What Neutralino tells an extension it starts: one JSON object on standard input, then
// end of input. Neutralino 5 writes
//   {"nlConnectToken":"…","nlExtensionId":"…","nlPort":"41577","nlToken":"<48>.<48>"}
// (the port as a string) and closes the pipe at once.
import type { Readable } from 'node:stream';
import { ErrorCode, PssError } from '../errors';

export interface Handshake {
  port: number;
  /** The access token every native call carries. */
  token: string;
  /** Proves the WebSocket connection comes from a process Neutralino started. */
  connectToken: string;
  extensionId: string;
}

/** Neutralino's tokens and ids use these characters; anything else would break the URL. */
const TOKEN_CHARS = /^[A-Za-z0-9_.-]{1,512}$/;
const HANDSHAKE_MAX_BYTES = 64 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Reads standard input to its end (bounded in size and time) and parses it. */
export function readHandshake(
  input: Readable,
  { timeoutMs = HANDSHAKE_TIMEOUT_MS, maxBytes = HANDSHAKE_MAX_BYTES }: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<Handshake> {
  if ((input as Readable & { isTTY?: boolean }).isTTY) {
    return Promise.reject(
      new PssError(ErrorCode.BAD_ARGUMENT, '--neutralino is for the desktop app, which starts netcore itself; use `pss --help` for the command line'),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | undefined, value?: Handshake) => {
      clearTimeout(timer);
      input.off('data', onData).off('end', onEnd).off('error', onError);
      input.pause();
      if (err) reject(err);
      else resolve(value!);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > maxBytes) return finish(new PssError(ErrorCode.BAD_MESSAGE, `the start-up data on standard input is over ${maxBytes} bytes`));
      chunks.push(buf);
    };
    const onEnd = () => {
      try {
        finish(undefined, parseHandshake(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        finish(err as Error);
      }
    };
    const onError = (err: Error) => finish(new PssError(ErrorCode.BAD_MESSAGE, `reading standard input failed: ${err.message}`));
    const timer = setTimeout(() => finish(new PssError(ErrorCode.TIMEOUT, `no start-up data on standard input within ${timeoutMs} ms`)), timeoutMs);
    input.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

/** Checks and converts Neutralino's start-up JSON. */
export function parseHandshake(text: string): Handshake {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PssError(ErrorCode.BAD_MESSAGE, 'the start-up data on standard input is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PssError(ErrorCode.BAD_MESSAGE, 'the start-up data on standard input is not a JSON object');
  }
  const v = value as Record<string, unknown>;
  const port = typeof v.nlPort === 'string' && /^\d{1,5}$/.test(v.nlPort) ? Number(v.nlPort) : v.nlPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PssError(ErrorCode.BAD_MESSAGE, 'nlPort is not a port number');
  }
  const token = tokenField(v, 'nlToken');
  const extensionId = tokenField(v, 'nlExtensionId');
  // Older releases sent no connect token: it is the part of the access token after the dot.
  const connectToken = v.nlConnectToken === undefined ? (token.split('.')[1] ?? '') : tokenField(v, 'nlConnectToken');
  if (!TOKEN_CHARS.test(connectToken)) throw new PssError(ErrorCode.BAD_MESSAGE, 'nlConnectToken is missing or malformed');
  return { port, token, connectToken, extensionId };
}

function tokenField(v: Record<string, unknown>, name: string): string {
  const value = v[name];
  if (typeof value !== 'string' || !TOKEN_CHARS.test(value)) throw new PssError(ErrorCode.BAD_MESSAGE, `${name} is missing or malformed`);
  return value;
}
