// The main-port TLS server: accepts sessions, enforces max clients, and keeps one bad or
// silent connection from stalling anyone else (each handshake has its own timeout and
// errors end only that socket).
import type { Socket } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { BUSY_RETRY_MS, FRAME_BUDGET_BYTES, FRAMES_PER_TURN, REQUEST_BUDGET_BYTES, HELLO_TIMEOUT_MS, SESSION_EVENT_INTERVAL_MS, IDLE_TIMEOUT_MS, LOGIN_TIMEOUT_MS, TLS_HANDSHAKE_TIMEOUT_MS } from '../constants';
import { ErrorCode } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import type { WorkerPool } from '../workers/pool';
import type { Admission } from '../serving/admission';
import type { LoginGuard } from '../serving/auth';
import { HashCache } from '../serving/hash-cache';
import type { ServerContext, ServerTimeouts } from './server-context';
import { closeWithin, createTlsListener, listenOn, trackConnections } from '../transport/tls-listener';
import { EventCoalescer } from '../serving/event-coalescer';
import { ByteBudget } from '../transport/byte-budget';
import { TurnBudget } from '../serving/turn-budget';
import { Session } from './session';
import type { Share } from '../serving/share';

export interface FileServerOptions {
  share: Share;
  certPem: string;
  keyPem: string;
  maxClients: number;
  /** Checks passwords; absent when the server has none. */
  login?: LoginGuard;
  pool: WorkerPool;
  log: LogSink;
  timeouts?: Partial<ServerTimeouts>;
  /** Sessions appearing, changing (coalesced) and going. */
  onSession?: (event: SessionEvent) => void;
  /** Sessions on other ports (the web port) that count against maxClients too. */
  otherSessions?: () => number;
  /** The main port's budget of connections not yet admitted. */
  admission: Admission;
}

export type SessionEvent =
  | { type: 'added' | 'changed'; session: Session }
  | { type: 'removed'; session: Session; reason: string };

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class FileServer {
  private readonly tls: Server;
  /** Every TCP connection, from accept (before TLS) to close. */
  private readonly sockets: Set<Socket>;
  /** Sessions that said HELLO, listed for the administrator (ready or still logging in). */
  private readonly sessions = new Map<string, Session>();
  /** Every connection, whatever its state, until it closes. */
  private readonly connections = new Set<Session>();
  private readonly ctx: ServerContext;
  private paused: { promise: Promise<void>; release: () => void } | undefined;
  private closing: Promise<void> | undefined;
  /** Announced in WELCOME so clients find the chat port whatever it is. */
  chatPort: number | undefined;
  private readonly coalescer: EventCoalescer<Session>;

  constructor(private readonly options: FileServerOptions) {
    this.coalescer = new EventCoalescer<Session>(SESSION_EVENT_INTERVAL_MS, (s) => {
      if (this.sessions.has(s.id)) options.onSession?.({ type: 'changed', session: s });
    });
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
      whenRunning: () => this.paused?.promise ?? Promise.resolve(),
      isPaused: () => this.paused !== undefined,
      turns: new TurnBudget(FRAMES_PER_TURN),
      requests: new ByteBudget(REQUEST_BUDGET_BYTES),
      frames: new ByteBudget(FRAME_BUDGET_BYTES),
      chatPort: () => this.chatPort,
      sessionChanged: (session) => this.touch(session),
      hasRoom: () => this.sessionCount + (options.otherSessions?.() ?? 0) < options.maxClients,
      maxClients: options.maxClients,
      listed: (session) => {
        if (!this.connections.has(session) || this.sessions.has(session.id)) return;
        this.sessions.set(session.id, session);
        options.onSession?.({ type: 'added', session });
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

  /** Sessions that count against max clients: those past HELLO and the login. */
  get sessionCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.authenticated) n++;
    return n;
  }

  list(): Session[] {
    return [...this.sessions.values()];
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Reports a change of a live session (coalesced); a session that is gone is ignored. */
  touch(session: Session): void {
    if (this.sessions.has(session.id)) this.coalescer.touch(session);
  }

  /** The logged-in session a chat token belongs to. */
  findByToken(token: string): Session | undefined {
    for (const s of this.sessions.values()) if (s.token !== undefined && s.authenticated && tokensEqual(s.token, token)) return s;
    return undefined;
  }

  /** Resolves with the bound port once listening. */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.tls, port, host, 'main');
  }

  /** Transfers stop reading and sending until resume(); new downloads wait too. */
  pause(): void {
    if (this.paused) return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.paused = { promise, release };
    this.refreshAll();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused.release();
    this.paused = undefined;
    this.refreshAll();
  }

  /** Every session's status shows Pause and Resume at once. */
  private refreshAll(): void {
    for (const s of this.sessions.values()) this.coalescer.touch(s);
  }

  get isPaused(): boolean {
    return this.paused !== undefined;
  }

  /** Resolves at once while running; while paused, once resumed. */
  whenRunning(): Promise<void> {
    return this.paused?.promise ?? Promise.resolve();
  }

  /** Idempotent: refuses new connections, tells every client why, and waits for them. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.resume();
      const closed = closeWithin(this.tls, this.sockets);
      for (const s of this.connections) s.close(ErrorCode.SHUTTING_DOWN, 'the server is shutting down');
      await closed;
      this.coalescer.close();
    })();
    return this.closing;
  }

  private accept(socket: TLSSocket): void {
    socket.setNoDelay(true);
    const session = new Session(socket, this.ctx, (s, reason) => {
      this.connections.delete(s);
      if (!this.sessions.delete(s.id)) return;
      this.coalescer.forget(s);
      this.options.onSession?.({ type: 'removed', session: s, reason });
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
