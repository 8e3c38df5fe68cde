// A TLS server that is not ours: it has a certificate of its own (made the way the real
// server makes one, in a folder of its own) and follows a script per connection, so a
// test can play a hostile or impostor server. It counts every plaintext byte a client
// sends after the handshake.
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { loadOrCreateIdentity } from '../../extensions/netcore/src/certs/certificate';
import { FrameDecoder } from '../../extensions/netcore/src/protocol/decoder';
import { encodeControl, encodeData } from '../../extensions/netcore/src/protocol/frames';
import type { RawMessage } from './raw-connection';
import { makeTempDir, removeDir } from './temp-dir';
import { waitUntil, within } from './wait';

export class FakePeer {
  /** Plaintext bytes the client sent after the handshake. */
  bytesReceived = 0;
  private readonly decoder = new FrameDecoder();
  private readonly inbox: RawMessage[] = [];
  private waiter: (() => void) | undefined;
  private isClosed = false;

  constructor(
    readonly tls: TLSSocket,
    private readonly raw: Socket,
  ) {
    tls.on('data', (chunk: Buffer) => {
      this.bytesReceived += chunk.length;
      try {
        this.decoder.push(chunk, (item) => {
          if (item.kind === 'control') this.inbox.push(item.message as RawMessage);
        });
      } catch {
        // A client's framing is not what these tests examine.
      }
      this.wake();
    });
    tls.once('close', () => {
      this.isClosed = true;
      this.wake();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The client's next control message. */
  async next(timeoutMs = 10_000): Promise<RawMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.inbox.shift();
      if (message) return message;
      if (this.isClosed) throw new Error('the client closed the connection');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the client sent nothing within ${timeoutMs} ms`);
      await within(new Promise<void>((resolve) => (this.waiter = resolve)), left, 'a client message').catch(() => undefined);
    }
  }

  /** Answers HELLO with a WELCOME that needs no password, with `extra` fields; returns the HELLO. */
  async welcome(extra: object = {}): Promise<RawMessage> {
    const hello = await this.next();
    this.send({ type: 'WELCOME', version: 1, server: 'fake/1', auth: 'none', sessionId: 'fake', token: 'fake-token', ...extra });
    return hello;
  }

  send(message: object): void {
    if (!this.isClosed) this.tls.write(encodeControl(message));
  }

  sendData(bytes: Buffer): void {
    if (!this.isClosed) this.tls.write(encodeData(bytes));
  }

  end(): void {
    this.tls.end();
  }

  /** Drops the TCP connection with a reset, as a crashed or hostile peer would. */
  reset(): void {
    this.raw.resetAndDestroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

export interface FakeServer {
  port: number;
  fingerprint256: string;
  peers: FakePeer[];
  /** TCP connections accepted, whether or not their handshake completed. */
  accepted(): number;
  /** Plaintext bytes received from every client after their handshakes. */
  bytesReceived(): number;
  /** Errors thrown by the script (a client that hung up early is not one). */
  scriptErrors: unknown[];
  /**
   * Resolves once `count` connections were accepted and every one has closed, so all that
   * clients sent before hanging up has been counted (it comes before the close).
   */
  hungUp(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeServer(script: (peer: FakePeer) => void | Promise<void>, options: { port?: number } = {}): Promise<FakeServer> {
  const identityDir = await makeTempDir('fake-identity');
  const identity = await loadOrCreateIdentity(identityDir);
  const context = createSecureContext({ cert: identity.certPem, key: identity.keyPem, minVersion: 'TLSv1.3' });
  const peers: FakePeer[] = [];
  const sockets = new Set<Socket>();
  const scriptErrors: unknown[] = [];
  let accepted = 0;
  let closedSockets = 0;
  const server: Server = createServer((raw) => {
    accepted++;
    sockets.add(raw);
    raw.on('close', () => {
      sockets.delete(raw);
      closedSockets++;
    });
    raw.on('error', () => undefined);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    tls.on('error', () => undefined);
    tls.once('secure', () => {
      const peer = new FakePeer(tls, raw);
      peers.push(peer);
      Promise.resolve()
        .then(() => script(peer))
        .catch((err) => {
          if (!peer.closed) scriptErrors.push(err);
        });
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (err) {
    await removeDir(identityDir);
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    port,
    fingerprint256: identity.fingerprint256,
    peers,
    scriptErrors,
    accepted: () => accepted,
    bytesReceived: () => peers.reduce((n, p) => n + p.bytesReceived, 0),
    hungUp: (count, timeoutMs = 10_000) =>
      waitUntil(
        () => accepted >= count && closedSockets >= accepted && peers.every((p) => p.closed),
        `${count} connections to the fake server to be closed by the client`,
        { timeoutMs },
      ),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await within(closed, 5_000, 'the fake server to close');
        await removeDir(identityDir);
      })();
      return closing;
    },
  };
}

/** Fake servers that answer HELLO with WELCOME and then follow their script; a test closes them all at its end. */
export class WelcomingServers {
  private readonly open: FakeServer[] = [];

  /** `welcome`: more fields for its WELCOME. */
  async start(script: (peer: FakePeer) => Promise<void>, welcome: object = {}): Promise<FakeServer> {
    const f = await startFakeServer(async (peer) => {
      await peer.welcome(welcome);
      await script(peer);
    });
    this.open.push(f);
    return f;
  }

  async closeAll(): Promise<void> {
    for (const f of this.open.splice(0)) await f.close();
  }
}
