// Peers that try to make a server hold memory (the rows of the hostile-peer benchmark and
// of its test): they ask and never read, park big frames before HELLO, fill the log, or
// send garbage. Each returns a handle whose close() ends its connections. 127.0.0.1 only.
import { randomBytes } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { PROTOCOL_VERSION } from '../../extensions/netcore/src/constants';
import { encodeControl } from '../../extensions/netcore/src/protocol/frames';
import { RawConnection } from './raw-connection';
import { delay, within } from './wait';

export interface Hostile {
  /** Connections that ended (the server dropped them) so far. */
  readonly dropped: () => number;
  close(): void;
}

function tlsOpen(port: number): Promise<TLSSocket> {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  socket.on('error', () => undefined);
  return within(
    new Promise<TLSSocket>((resolve, reject) => {
      socket.once('secureConnect', () => resolve(socket));
      socket.once('close', () => reject(new Error('closed during the handshake')));
    }),
    15_000,
    'a hostile connection',
  );
}

function hello(socket: TLSSocket): void {
  socket.write(encodeControl({ type: 'HELLO', version: PROTOCOL_VERSION, client: 'hostile/1', name: 'hostile' }));
}

/** Writes `bytes` unless the socket stops taking them for `stallMs`; resolves with what it took. */
async function writeUntilStalled(socket: TLSSocket, chunks: Iterable<Buffer>, stallMs: number): Promise<number> {
  let written = 0;
  for (const chunk of chunks) {
    if (socket.destroyed) break;
    written += chunk.length;
    if (!socket.write(chunk)) {
      const drained = await Promise.race([new Promise<boolean>((r) => socket.once('drain', () => r(true))), delay(stallMs).then(() => false)]);
      if (!drained) break;
    }
  }
  return written;
}

function handle(sockets: TLSSocket[]): Hostile {
  return {
    dropped: () => sockets.filter((s) => s.destroyed || s.closed).length,
    close: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function openMany(port: number, n: number): Promise<TLSSocket[]> {
  const out: TLSSocket[] = [];
  // A few at a time: a burst of handshakes is not what these rows measure.
  for (let i = 0; i < n; i += 10) out.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => tlsOpen(port)))));
  for (const s of out) s.pause();
  return out;
}

/** `connections` sessions each send `pings` PINGs and never read a PONG. */
export async function pingFlood(port: number, connections: number, pings: number): Promise<Hostile & { written: number }> {
  const sockets = await openMany(port, connections);
  const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeControl({ type: 'PING', id: i })));
  const result = { ...handle(sockets), written: 0 };
  await Promise.all(
    sockets.map(async (s) => {
      hello(s);
      const chunks = function* () {
        for (let i = 0; i < pings; i += 1000) yield batch;
      };
      result.written += await writeUntilStalled(s, chunks(), 1_500);
    }),
  );
  return result;
}

/** `connections` sessions each ask for `files` files that do not exist and never read. */
export async function missingFiles(port: number, connections: number, files: number): Promise<Hostile> {
  const sockets = await openMany(port, connections);
  for (const s of sockets) {
    hello(s);
    const list = Array.from({ length: files }, (_, i) => ({ path: `missing/${'x'.repeat(180)}-${i}.bin`, offset: 0 }));
    s.write(encodeControl({ type: 'DOWNLOAD_FILES', files: list }));
  }
  return handle(sockets);
}

/** `connections` connections each announce a 1 MiB control frame before HELLO and park it unfinished. */
export async function parkedFrames(port: number, connections: number): Promise<Hostile> {
  const sockets = await openMany(port, connections);
  const header = Buffer.from([0x01, 0x00, 0x10, 0x00, 0x00]);
  const body = Buffer.alloc((1 << 20) - 1, 0x20);
  await Promise.all(sockets.map((s) => writeUntilStalled(s, [header, body], 1_000)));
  return handle(sockets);
}

/**
 * One logged-in session that keeps asking for files with the longest paths the protocol
 * allows (each refused file is a log entry), reading the answers, for `ms`.
 */
export async function logFlood(port: number, ms: number): Promise<Hostile & { requests: number }> {
  const { raw, welcome } = await RawConnection.hello(port);
  if (welcome.type !== 'WELCOME') throw new Error(`no WELCOME: ${JSON.stringify(welcome)}`);
  const result = { dropped: () => (raw.closed ? 1 : 0), close: () => raw.destroy(), requests: 0 };
  const until = Date.now() + ms;
  const segment = 'ل'.repeat(127);
  const long = Array.from({ length: 15 }, () => segment).join('/');
  while (Date.now() < until && !raw.closed) {
    const files = Array.from({ length: 200 }, (_, i) => ({ path: `${long}/${result.requests}-${i}`, offset: 0 }));
    raw.send({ type: 'DOWNLOAD_FILES', files });
    await raw.until('DOWNLOAD_DONE', 30_000).catch(() => undefined);
    raw.drain();
    raw.received.length = 0;
    raw.data.length = 0;
    result.requests++;
  }
  return result;
}

/** `connections` connections, each sending `frames` randomly mutated frames and not reading. */
export async function fuzz(port: number, connections: number, frames: number): Promise<Hostile> {
  const sockets: TLSSocket[] = [];
  const samples = [
    encodeControl({ type: 'HELLO', version: PROTOCOL_VERSION, client: 'f', name: 'f' }),
    encodeControl({ type: 'LIST_FILES' }),
    encodeControl({ type: 'PING', id: 1 }),
    encodeControl({ type: 'DOWNLOAD_FILES', files: [{ path: 'a', offset: 0 }] }),
  ];
  for (let c = 0; c < connections; c++) {
    const s = await tlsOpen(port).catch(() => undefined);
    if (!s) continue;
    s.pause();
    sockets.push(s);
    const out: Buffer[] = [];
    for (let i = 0; i < frames; i++) {
      const f = Buffer.from(samples[i % samples.length]!);
      const r = randomBytes(4);
      f[r[0]! % f.length] = r[1]!;
      if (r[2]! < 16) f.writeUInt32BE(r[3]! << 16, 1);
      out.push(f);
    }
    s.write(Buffer.concat(out));
  }
  return handle(sockets);
}
