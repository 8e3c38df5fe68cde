// The main-port TLS server: accepts connections, gives each a session and a place in the
// port's budget of waiting connections, lists it in the session registry once it said
// HELLO (which counts it against max clients once logged in), and keeps one bad or silent
// connection from stalling anyone else (each handshake has its own timeout and errors end
// only that socket).
import type { Socket } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import {
  BUSY_RETRY_MS,
  BYTES_PER_TURN,
  FRAME_BUDGET_BYTES,
  REQUEST_BUDGET_BYTES,
  HELLO_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  LOGIN_TIMEOUT_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '../constants';
import { ErrorCode } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import type { WorkerPool } from '../workers/pool';
import type { Admission } from '../serving/admission';
import type { LoginGuard } from '../serving/auth';
import { HashCache } from '../serving/hash-cache';
import type { ServerContext, ServerTimeouts } from './server-context';
import { closeWithin, createTlsListener, listenOn, trackConnections } from '../transport/tls-listener';
import { ByteBudget } from '../transport/byte-budget';
import { TurnBudget } from '../serving/turn-budget';
import { Session } from './session';
import type { ClientSession, SessionRegistry } from '../serving/sessions';
import type { Share } from '../serving/share';

export interface FileServerOptions {
  share: Share;
  certPem: string;
  keyPem: string;
  /** Every session of the server (max clients, the pause gate, events). */
  sessions: SessionRegistry;
  /** Checks passwords; absent when the server has none. */
  login?: LoginGuard;
  pool: WorkerPool;
  log: LogSink;
  timeouts?: Partial<ServerTimeouts>;
  /** The main port's budget of connections not yet admitted. */
  admission: Admission;
}

export class FileServer {
  private readonly tls: Server;
  /** Every TCP connection, from accept (before TLS) to close. */
  private readonly sockets: Set<Socket>;
  /** Every connection, whatever its state, until it closes. */
  private readonly connections = new Set<Session>();
  private readonly ctx: ServerContext;
  private closing: Promise<void> | undefined;
  /** Announced in WELCOME so clients find the chat port whatever it is. */
  chatPort: number | undefined;

  constructor(private readonly options: FileServerOptions) {
    const timeouts: ServerTimeouts = {
      handshakeMs: TLS_HANDSHAKE_TIMEOUT_MS,
      helloMs: HELLO_TIMEOUT_MS,
      loginMs: LOGIN_TIMEOUT_MS,
      idleMs: IDLE_TIMEOUT_MS,
      ...options.timeouts,
    };
    this.ctx = {
      share: options.share,
      login: options.login,
      pool: options.pool,
      hashes: new HashCache(),
      timeouts,
      log: options.log,
      sessions: options.sessions,
      turns: new TurnBudget(BYTES_PER_TURN),
      requests: new ByteBudget(REQUEST_BUDGET_BYTES),
      frames: new ByteBudget(FRAME_BUDGET_BYTES),
      chatPort: () => this.chatPort,
      listed: (session) => {
        const open: ReadonlySet<ClientSession> = this.connections;
        if (open.has(session)) options.sessions.add(session);
      },
    };
    this.tls = createTlsListener({
      certPem: options.certPem,
      keyPem: options.keyPem,
      handshakeTimeoutMs: timeouts.handshakeMs,
      label: 'main',
      log: options.log,
      accept: (socket) => this.accept(socket),
    });
    this.sockets = trackConnections(this.tls);
  }

  /** Resolves with the bound port once listening. */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.tls, port, host, 'main');
  }

  /** Idempotent: refuses new connections, tells every client why, and waits for them. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = closeWithin(this.tls, this.sockets);
      for (const s of this.connections) s.close(ErrorCode.SHUTTING_DOWN, 'the server is shutting down');
      await closed;
    })();
    return this.closing;
  }

  private accept(socket: TLSSocket): void {
    socket.setNoDelay(true);
    const session = new Session(socket, this.ctx, (s, reason) => {
      this.connections.delete(s);
      this.options.sessions.remove(s, reason);
    });
    this.connections.add(session);
    // Until HELLO (and the login) the connection holds no client place, only one of the
    // small budget of waiting connections.
    session.ticket = this.options.admission.enter(session.address, session);
    if (!session.ticket) {
      this.options.log(makeEntry(LogCategory.SECURITY, 'refused: too many connections are waiting to be admitted', { address: session.address }));
      session.close(ErrorCode.BUSY, 'too many connections are waiting to be admitted; try again shortly', BUSY_RETRY_MS);
    }
  }
}
