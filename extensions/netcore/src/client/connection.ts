// A client's connection to a server's main port: TLS, certificate pinning BEFORE anything
// is sent (DESIGN §2), handshake, login and listing. Downloads use it through download.ts.
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CLIENT_BUSY_ATTEMPTS, CLIENT_BUSY_WAIT_MS, CLIENT_CONNECT_TIMEOUT_MS, CLIENT_REPLY_TIMEOUT_MS, PRODUCT_VERSION, PROTOCOL_VERSION } from '../constants';
import { deserializeError, ErrorCode, PssError } from '../errors';
import { parseServerMessage, type FileEntry, type ServerMessage, type ShareIdentity } from '../protocol/messages';
import type { NotSharedCounts } from '../protocol/not-shared';
import { FramedSocket } from '../transport/framed-socket';
import { ReadTap } from '../transport/read-tap';
import { hostPortKey, type ServerAddress } from './server-address';

/** What the client knows about a server's certificate before deciding to trust it. */
export interface PinDecision {
  hostPort: string;
  fingerprint256: string;
  /** The pinned fingerprint, when the server is known. */
  pinned: string | undefined;
}

export interface PinStore {
  get(hostPort: string): Promise<{ fingerprint256: string } | undefined>;
  pin(hostPort: string, fingerprint256: string): Promise<void>;
}

export interface ConnectOptions {
  address: ServerAddress;
  pins: PinStore;
  /**
   * Asked only for a server with no pin: true pins it and goes on. A known server whose
   * certificate changed is refused without asking.
   */
  trustNew: (decision: PinDecision) => Promise<boolean> | boolean;
  displayName: string;
  /** A fingerprint the user expects (e.g. read off the server's screen); anything else is refused. */
  expectFingerprint?: string;
  connectTimeoutMs?: number;
  replyTimeoutMs?: number;
}

export interface Listing {
  share: ShareIdentity;
  entries: FileEntry[];
  /** What the server left out, by reason (§5.1); empty when it shares everything. */
  notShared: NotSharedCounts;
}

/** Receives a download's data frames and its control messages, in wire order. */
export interface StreamReceiver {
  control(message: ServerMessage): void;
  data(bytes: Buffer, frameEnd: boolean): void;
  closed(err: PssError): void;
}

/** A client socket whose decrypted bytes arrive through `tap` (give it to FramedSocket). */
export interface TappedSocket {
  socket: TLSSocket;
  tap: ReadTap;
}

export function openTls(address: ServerAddress, timeoutMs: number): Promise<TappedSocket> {
  return new Promise((resolve, reject) => {
    const tap = new ReadTap();
    // The certificate is self-signed: chain validation is off and the pin below is the
    // check. (checkServerIdentity is never called when rejectUnauthorized is false.)
    const options: ConnectionOptions & { onread: ReadTap['onread'] } = {
      host: address.host,
      port: address.port,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      // Node has taken `onread` in tls.connect since 15.1; its type definitions lack it.
      onread: tap.onread,
    };
    const socket = tlsConnect(options);
    tap.bind(socket);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PssError(ErrorCode.TIMEOUT, `no answer from ${hostPortKey(address)} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Until the framed connection takes over (the user may still be deciding whether to
      // trust the server), a reset is noticed through `destroyed`, not thrown.
      socket.on('error', () => undefined);
      resolve({ socket, tap });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : (err.code ?? err.message);
      reject(new PssError(ErrorCode.CONNECTION_FAILED, `cannot connect to ${hostPortKey(address)}: ${why}`, { cause: err }));
    });
  });
}

export class ServerConnection {
  readonly hostPort: string;
  readonly fingerprint256: string;
  auth: 'password' | 'none' = 'none';
  sessionId = '';
  /** Authorizes the chat port; set once logged in. */
  token: string | undefined;
  /** Where the server's chat port listens, as WELCOME said. */
  chatPort: number | undefined;
  /** The server takes a DOWNLOAD_FILES sent while one runs and starts it next (WELCOME `queue`, PROTOCOL.md §4). */
  queuesRequests = false;
  readonly address: ServerAddress;
  private readonly conn: FramedSocket;
  private readonly replyTimeoutMs: number;
  private waiter: { resolve: (m: ServerMessage) => void; reject: (e: PssError) => void } | undefined;
  private readonly inbox: ServerMessage[] = [];
  private failure: PssError | undefined;
  private receiver: StreamReceiver | undefined;
  private lastFrameAt = Date.now();
  private pinged = false;
  private pausedByUs = false;
  private watchdog: NodeJS.Timeout | undefined;
  private pingId = 0;
  private closeReported = false;
  /** Warnings from the server's operator (WARN_S2C), whenever they arrive. */
  onWarning: (warning: { text: string; time: string }) => void = () => undefined;
  /** The connection ended; `err` says why (DISCONNECTED, SHUTTING_DOWN, CONNECTION_LOST, …). */
  onClosed: (err: PssError) => void = () => undefined;

  private constructor({ socket, tap }: TappedSocket, address: ServerAddress, hostPort: string, fingerprint256: string, replyTimeoutMs: number) {
    this.address = address;
    this.hostPort = hostPort;
    this.fingerprint256 = fingerprint256;
    this.replyTimeoutMs = replyTimeoutMs;
    this.conn = new FramedSocket(
      socket,
      {
        control: (raw) => {
          this.sawFrame();
          this.onControl(raw);
        },
        data: (bytes, end) => {
          this.sawFrame();
          if (!this.receiver) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'data arrived outside a download');
          this.receiver.data(bytes, end);
        },
        failure: (err) => this.fail(err),
        closed: (err) => this.fail(err ?? new PssError(ErrorCode.CONNECTION_LOST, 'the server closed the connection')),
      },
      { tap },
    );
  }

  /**
   * Connects, checks the pin, and says HELLO. Nothing is sent before the pin is checked.
   * A server that answers BUSY (too many connections waiting to be admitted) is asked
   * again after the time it names, a few times: a busy server is not a dead one.
   */
  static async open(options: ConnectOptions): Promise<ServerConnection> {
    return whileBusy(() => ServerConnection.openOnce(options));
  }

  private static async openOnce(options: ConnectOptions): Promise<ServerConnection> {
    const hostPort = hostPortKey(options.address);
    const tapped = await openTls(options.address, options.connectTimeoutMs ?? CLIENT_CONNECT_TIMEOUT_MS);
    const { socket } = tapped;
    // Read now: a socket the server has closed meanwhile no longer reports its certificate.
    const fingerprint256 = socket.getPeerCertificate()?.fingerprint256;
    try {
      if (!fingerprint256) throw new PssError(ErrorCode.PIN_MISMATCH, 'the server presented no certificate');
      if (options.expectFingerprint !== undefined && options.expectFingerprint !== fingerprint256) {
        throw new PssError(
          ErrorCode.PIN_MISMATCH,
          `the certificate of ${hostPort} is ${fingerprint256}, not the expected ${options.expectFingerprint}. Nothing was sent.`,
        );
      }
      const pinned = (await options.pins.get(hostPort))?.fingerprint256;
      if (pinned !== undefined && pinned !== fingerprint256) {
        throw new PssError(
          ErrorCode.PIN_MISMATCH,
          `WARNING: the certificate of ${hostPort} has CHANGED. Pinned ${pinned}, presented ${fingerprint256}. ` +
            'Someone may be intercepting the connection. Nothing was sent.',
        );
      }
      if (pinned === undefined) {
        if (!(await options.trustNew({ hostPort, fingerprint256, pinned }))) {
          throw new PssError(ErrorCode.PIN_UNKNOWN, `unknown server ${hostPort}; its certificate fingerprint is ${fingerprint256}`);
        }
        await options.pins.pin(hostPort, fingerprint256);
      }
      // A server that closed after saying why (SERVER_FULL) is heard out below.
      if (socket.destroyed && !tapped.tap.holdsEarly) throw new PssError(ErrorCode.CONNECTION_LOST, `${hostPort} closed the connection`);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    const connection = new ServerConnection(tapped, options.address, hostPort, fingerprint256, options.replyTimeoutMs ?? CLIENT_REPLY_TIMEOUT_MS);
    await connection.hello(options.displayName);
    return connection;
  }

  get closed(): boolean {
    return this.conn.closed;
  }

  /** Logs in when the server asked for a password; a no-op otherwise. */
  async login(password: string | undefined): Promise<void> {
    if (this.auth === 'none') return;
    if (password === undefined) {
      this.close();
      throw new PssError(ErrorCode.AUTH_REQUIRED, `${this.hostPort} requires a password`);
    }
    this.conn.send({ type: 'LOGIN', password });
    const reply = await this.expect('LOGIN_OK');
    this.token = reply.token;
  }

  async list(): Promise<Listing> {
    this.conn.send({ type: 'LIST_FILES' });
    const entries: FileEntry[] = [];
    for (;;) {
      const page = await this.expect('FILE_LIST');
      entries.push(...page.entries);
      if (page.done) return { share: page.share, entries, notShared: page.notShared ?? {} };
    }
  }

  /**
   * Hands the wire to a receiver for a download: from now on every message and data frame
   * goes to it until release().
   */
  attach(receiver: StreamReceiver): void {
    this.receiver = receiver;
    this.startWatchdog();
    for (const m of this.inbox.splice(0)) receiver.control(m);
    if (this.failure) receiver.closed(this.failure);
  }

  release(): void {
    this.receiver = undefined;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  send(message: object): void {
    this.conn.send(message);
  }

  /** Backpressure: stop reading from the server while the disk catches up. */
  pause(): void {
    this.pausedByUs = true;
    this.conn.pause();
  }

  resume(): void {
    this.pausedByUs = false;
    this.lastFrameAt = Date.now();
    this.conn.resume();
  }

  close(): void {
    if (this.conn.closed) return;
    this.conn.end({ type: 'BYE' });
  }

  destroy(): void {
    this.conn.destroy();
  }

  private async hello(displayName: string): Promise<void> {
    this.conn.send({ type: 'HELLO', version: PROTOCOL_VERSION, client: `pss/${PRODUCT_VERSION}`, name: displayName });
    const welcome = await this.expect('WELCOME');
    this.auth = welcome.auth;
    this.sessionId = welcome.sessionId;
    this.token = welcome.token;
    this.chatPort = welcome.chatPort;
    this.queuesRequests = (welcome.queue ?? 0) >= 1;
  }

  private onControl(raw: unknown): void {
    const message = parseServerMessage(raw);
    if (message.type === 'WARN_S2C') return this.onWarning({ text: message.text, time: message.time });
    // An ERROR nobody is waiting for (the operator's Disconnect, a shutdown) ends it now,
    // with its own reason rather than a bare "connection closed".
    if (message.type === 'ERROR' && !this.receiver && !this.waiter) return this.fail(deserializeError(message));
    // The close that follows an ERROR must report the ERROR's code, not "connection lost".
    if (message.type === 'ERROR') this.failure ??= deserializeError(message);
    if (this.receiver) return this.receiver.control(message);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(message);
    } else {
      this.inbox.push(message);
    }
  }

  private sawFrame(): void {
    this.lastFrameAt = Date.now();
    this.pinged = false;
  }

  /**
   * During a download nothing else would notice a server that froze or a link that died
   * without a reset. After a quiet spell we PING (a paused server still answers); a second
   * spell without any frame ends the download with TIMEOUT.
   */
  private startWatchdog(): void {
    clearInterval(this.watchdog);
    this.lastFrameAt = Date.now();
    this.pinged = false;
    const quietMs = this.replyTimeoutMs;
    this.watchdog = setInterval(
      () => {
        if (this.pausedByUs || this.failure) return;
        const quiet = Date.now() - this.lastFrameAt;
        if (quiet >= 2 * quietMs) {
          this.fail(new PssError(ErrorCode.TIMEOUT, `${this.hostPort} sent nothing for ${Math.round(quiet / 1000)} s`));
        } else if (quiet >= quietMs && !this.pinged) {
          this.pinged = true;
          this.conn.send({ type: 'PING', id: ++this.pingId });
        }
      },
      Math.max(20, Math.floor(quietMs / 4)),
    );
    this.watchdog.unref();
  }

  private fail(err: PssError): void {
    clearInterval(this.watchdog);
    this.failure ??= err;
    this.conn.destroy(err);
    if (this.receiver) this.receiver.closed(this.failure);
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
    if (!this.closeReported) {
      this.closeReported = true;
      this.onClosed(this.failure);
    }
  }

  private next(): Promise<ServerMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new PssError(ErrorCode.TIMEOUT, `${this.hostPort} did not answer within ${this.replyTimeoutMs / 1000} s`));
      }, this.replyTimeoutMs);
      this.waiter = {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  private async expect<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    const message = await this.next();
    if (message.type === type) return message as Extract<ServerMessage, { type: T }>;
    if (message.type === 'ERROR') {
      const err = deserializeError(message);
      this.fail(err);
      throw err;
    }
    this.fail(new PssError(ErrorCode.UNEXPECTED_MESSAGE, `expected ${type}, got ${message.type}`));
    throw this.failure!;
  }
}

/**
 * Runs `attempt` again while the server answers BUSY (too many connections or password
 * checks waiting), after the time the server names and longer each time, a few times: a
 * busy server is not a dead one, and the person is told only if it stays busy.
 */
export async function whileBusy<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const e = err as PssError;
      if (e.code !== ErrorCode.BUSY || n >= CLIENT_BUSY_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.min(e.retryAfterMs ?? CLIENT_BUSY_WAIT_MS, CLIENT_BUSY_WAIT_MS) * n));
    }
  }
}
