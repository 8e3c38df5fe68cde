// Puts a running server together from its settings: identity, share, password, the main
// port, the chat port and the web port, and gives the administrator's actions one place
// (sessions, disconnect, warn, pause, chat). The CLI and the desktop core both start
// servers here.
import { loadOrCreateIdentity, shortFingerprint } from '../certs/certificate';
import { ChatServer } from '../chat/chat-server';
import { ChatStore } from '../chat/chat-store';
import {
  CHAT_PORT_OFFSET,
  DEFAULT_BIND_ADDRESS,
  DEFAULT_MAIN_PORT,
  MAX_MAX_CLIENTS,
  NOT_SHARED_LOG_NAMES,
  PENDING_GRACE_MS,
  PENDING_PER_ADDRESS,
  PENDING_TOTAL,
  TLS_HANDSHAKE_TIMEOUT_MS,
  WEB_HEADERS_TIMEOUT_MS,
  WEB_KEEP_ALIVE_TIMEOUT_MS,
  WEB_PORT_OFFSET,
  WEB_REQUEST_TIMEOUT_MS,
  WEB_SESSION_IDLE_MS,
  WEB_SOCKET_IDLE_MS,
} from '../constants';
import type { ChatMessage, Events, SessionInfo, WebAccessInfo } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { PeerLogLimiter } from '../logs/peer-limiter';
import { chatText, type ChatServerMessage } from '../protocol/chat-messages';
import { describeNotShared, NOT_SHARED_WORDS } from '../protocol/not-shared';
import type { WebTimeouts } from '../web/web-context';
import { IdleSockets } from '../web/idle-sockets';
import { WebServer } from '../web/web-server';
import { WebSession } from '../web/web-session';
import { WebSessions, type WebSessionEvent } from '../web/web-sessions';
import { webAccessFor } from '../web/web-access';
import { WorkerPool } from '../workers/pool';
import { Admission, type AdmissionLimits } from '../serving/admission';
import { DEFAULT_THROTTLE, LoginGuard, LoginThrottle, PasswordVerifier, type ThrottleOptions } from '../serving/auth';
import { FileServer, type SessionEvent } from '../main-port/file-server';
import { IdleMemory } from '../serving/idle-memory';
import { lanAddresses } from '../serving/lan-addresses';
import type { ServerTimeouts } from '../main-port/server-context';
import type { Session } from '../main-port/session';
import { Share } from '../serving/share';

export type ServerEventSink = <E extends keyof Events>(event: E, payload: Events[E]) => void;

export interface ServerSettings {
  sharePath: string;
  dataDir: string;
  port?: number;
  /** The web port; by default the main port + 2 (a free port when the main port is 0). */
  webPort?: number;
  bind?: string;
  maxClients: number;
  /** Clear text only long enough to hash it. */
  password?: string;
  log: LogSink;
  /** Session and chat events for a UI; the CLI does without. */
  events?: ServerEventSink;
  throttle?: Partial<ThrottleOptions>;
  /** The budget of connections not yet admitted (defaults in constants.ts). */
  admission?: Partial<AdmissionLimits>;
  timeouts?: Partial<ServerTimeouts>;
  webTimeouts?: Partial<WebTimeouts>;
}

export class RunningServer {
  private readonly chats = new ChatStore();
  private closing: Promise<void> | undefined;
  private chatServer!: ChatServer;
  private webServer: WebServer | undefined;
  /** Gives memory back once the server is quiet after a burst; from listen() to close(). */
  private memory: IdleMemory | undefined;
  chatPort = 0;
  mainPort = 0;
  webPort: number | null = null;
  /** The web page's URL on each LAN address, with a QR code (for the administrator's UI). */
  webAccess: WebAccessInfo[] = [];
  /** Browsers and cookie-less downloads on the web port. */
  readonly web: WebSessions;

  /** @internal Use startServer(). */
  constructor(
    readonly share: Share,
    readonly fingerprint256: string,
    readonly bind: string,
    readonly maxClients: number,
    readonly passwordRequired: boolean,
    readonly files: FileServer,
    private readonly pool: WorkerPool,
    private readonly settings: ServerSettings,
    private readonly identity: { certPem: string; keyPem: string },
    private readonly login: LoginGuard | undefined,
    private readonly admission: AdmissionLimits,
    private readonly limiter: PeerLogLimiter,
  ) {
    this.web = new WebSessions({
      idleMs: settings.webTimeouts?.sessionIdleMs ?? WEB_SESSION_IDLE_MS,
      hasRoom: () => this.files.sessionCount + this.web.count < this.maxClients,
      onEvent: (event) => this.onSession(event),
      log: settings.log,
    });
  }

  get paused(): boolean {
    return this.files.isPaused;
  }

  /** Every session on every port: desktop clients first, then web sessions. */
  sessions(): SessionInfo[] {
    return [...this.files.list(), ...this.web.list()].map((s) => this.info(s));
  }

  /** How many sessions count against max clients. */
  get sessionCount(): number {
    return this.files.sessionCount + this.web.count;
  }

  info(s: Session | WebSession): SessionInfo {
    const web = s instanceof WebSession;
    return {
      id: s.id,
      kind: web ? 'web' : 'desktop',
      address: s.address,
      name: s.name || s.address,
      connectedAt: new Date(s.connectedAt).toISOString(),
      ...(web ? s.snapshot(this.files.isPaused) : s.activity.snapshot(this.files.isPaused)),
      chatReady: !web && s.chat !== undefined && !s.chat.closed,
      unread: this.chats.unread(s.id),
    };
  }

  disconnect(sessionId: string, reason = 'disconnected by the server administrator'): void {
    const s = this.session(sessionId);
    if (s instanceof WebSession) this.web.disconnect(s, reason);
    else s.disconnect(reason);
  }

  /** A browser gets the warning on the next page it loads; a desktop client at once. */
  warn(sessionId: string, text: string): void {
    const s = this.session(sessionId);
    const body = chatText(text);
    if (!(s instanceof WebSession)) return s.warn(body);
    s.warnings.push(body);
    this.log(LogCategory.SECURITY, `warning for the next page: ${body}`, s);
  }

  pause(): void {
    this.files.pause();
    this.web.refreshAll();
    this.log(LogCategory.SERVER_STATUS, 'server paused: transfers hold where they are');
  }

  resume(): void {
    this.files.resume();
    this.web.refreshAll();
    this.log(LogCategory.SERVER_STATUS, 'server resumed');
  }

  chatSend(sessionId: string, text: string): ChatMessage {
    const session = this.session(sessionId);
    const body = chatText(text);
    if (session instanceof WebSession) throw new PssError(ErrorCode.CHAT_CLOSED, `${session.name} is a browser and has no chat`);
    if (!session.chat || session.chat.closed) throw new PssError(ErrorCode.CHAT_CLOSED, `${session.name} has no chat open`);
    const message = this.chats.add(sessionId, 'server', body);
    session.chat.send({ type: 'MSG_S2C', id: message.id, text: message.text, time: message.time } satisfies ChatServerMessage);
    this.log(LogCategory.CHAT, `to ${session.name}: ${body}`, session);
    return message;
  }

  chatHistory(sessionId: string): ChatMessage[] {
    return this.chats.history(sessionId);
  }

  markRead(sessionId: string): { unread: number; totalUnread: number } {
    const s = this.session(sessionId);
    this.chats.markRead(sessionId);
    if (s instanceof WebSession) this.web.touch(s);
    else this.files.touch(s);
    return { unread: 0, totalUnread: this.chats.totalUnread() };
  }

  totalUnread(): number {
    return this.chats.totalUnread();
  }

  /** Idempotent: tells every client why, then stops every port and the workers. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.memory?.close();
      await Promise.all([this.files.close(), this.chatServer.close(), this.webServer?.close()]);
      await this.pool.close();
      this.share.close();
      this.limiter.close();
      this.log(LogCategory.SERVER_STATUS, 'server stopped');
    })();
    return this.closing;
  }

  /** @internal */
  async listen(port: number, webPort: number): Promise<void> {
    this.mainPort = await this.files.listen(port, this.bind);
    this.chatServer = new ChatServer({
      certPem: this.identity.certPem,
      keyPem: this.identity.keyPem,
      findByToken: (token) => this.files.findByToken(token),
      onMessage: (session, text) => this.fromClient(session, text),
      onChatChange: (session) => this.files.touch(session),
      log: this.settings.log,
      admission: new Admission(this.admission),
      ...(this.settings.timeouts?.helloMs ? { helloTimeoutMs: this.settings.timeouts.helloMs } : {}),
    });
    try {
      this.chatPort = await this.chatServer.listen(port === 0 ? 0 : port + CHAT_PORT_OFFSET, this.bind);
      this.files.chatPort = this.chatPort;
    } catch (err) {
      await this.files.close();
      throw err;
    }
    const web = new WebServer({ certPem: this.identity.certPem, keyPem: this.identity.keyPem, ctx: this.webContext() });
    try {
      this.webPort = await web.listen(webPort, this.bind);
      this.webServer = web;
      this.webAccess = await webAccessFor(lanAddresses(this.bind), this.webPort, this.fingerprint256);
      this.memory = new IdleMemory();
    } catch (err) {
      await Promise.all([this.files.close(), this.chatServer.close(), web.close()]);
      this.web.close('the server did not start');
      throw err;
    }
  }

  private webContext() {
    const t = this.settings.webTimeouts ?? {};
    const socketIdleMs = t.socketIdleMs ?? WEB_SOCKET_IDLE_MS;
    return {
      share: this.share,
      fingerprint: this.fingerprint256,
      shortFingerprint: shortFingerprint(this.fingerprint256),
      login: this.login,
      admission: new Admission(this.admission),
      sessions: this.web,
      maxClients: this.maxClients,
      timeouts: {
        handshakeMs: t.handshakeMs ?? this.settings.timeouts?.handshakeMs ?? TLS_HANDSHAKE_TIMEOUT_MS,
        headersMs: t.headersMs ?? WEB_HEADERS_TIMEOUT_MS,
        requestMs: t.requestMs ?? WEB_REQUEST_TIMEOUT_MS,
        keepAliveMs: t.keepAliveMs ?? WEB_KEEP_ALIVE_TIMEOUT_MS,
        socketIdleMs,
        sessionIdleMs: t.sessionIdleMs ?? WEB_SESSION_IDLE_MS,
      },
      log: this.settings.log,
      idle: new IdleSockets(socketIdleMs),
      whenRunning: () => this.files.whenRunning(),
      isPaused: () => this.files.isPaused,
    };
  }

  /** @internal Session events from the main and web ports, turned into contract events. */
  onSession(event: SessionEvent | WebSessionEvent): void {
    const emit = this.settings.events;
    if (event.type === 'removed') {
      this.chats.forget(event.session.id);
      emit?.('session.removed', { id: event.session.id, reason: event.reason });
      return;
    }
    emit?.(event.type === 'added' ? 'session.added' : 'session.changed', this.info(event.session));
  }

  private fromClient(session: Session, text: string): void {
    const message = this.chats.add(session.id, 'client', text);
    this.log(LogCategory.CHAT, `from ${session.name}: ${text}`, session);
    this.settings.events?.('chat.message', { ...message, unread: this.chats.unread(session.id), totalUnread: this.chats.totalUnread() });
    this.files.touch(session);
  }

  private session(id: string): Session | WebSession {
    const s = this.files.get(id) ?? this.web.get(id);
    if (!s) throw new PssError(ErrorCode.NOT_FOUND, `no connected client with session id ${id}`);
    return s;
  }

  private log(category: LogCategory, message: string, session?: Session | WebSession): void {
    this.settings.log(makeEntry(category, message, session ? { sessionId: session.id, address: session.address } : {}));
  }
}

/**
 * Tells the administrator what the share leaves out (§5.1), with the names, whenever that
 * changes; a first listing in the background says it right after the start.
 */
function reportNotShared(share: Share, log: LogSink): void {
  let reported = false;
  share.notShared.onChange((items, counts) => {
    if (items.length === 0) {
      if (reported) log(makeEntry(LogCategory.SERVER_STATUS, 'every item of the share is shared now'));
      reported = false;
      return;
    }
    reported = true;
    const shown = items.slice(0, NOT_SHARED_LOG_NAMES).map((i) => `${i.path} (${NOT_SHARED_WORDS[i.reason]})`);
    if (items.length > shown.length) shown.push(`and ${items.length - shown.length} more`);
    log(makeEntry(LogCategory.SERVER_STATUS, `${describeNotShared(counts)}. ${shown.join(', ')}`));
  });
  share.list().catch((err: PssError) => log(makeEntry(LogCategory.ERROR, `the share could not be listed: ${err.message}`)));
}

export async function startServer(given: ServerSettings): Promise<RunningServer> {
  // Whatever peers make the server log, each address adds at most a bounded number of
  // entries per window; the rest is summed up (logs/peer-limiter.ts).
  const limiter = new PeerLogLimiter(given.log);
  const settings: ServerSettings = { ...given, log: limiter.sink };
  try {
    return await startWith(settings, limiter);
  } catch (err) {
    limiter.close();
    throw err;
  }
}

async function startWith(settings: ServerSettings, limiter: PeerLogLimiter): Promise<RunningServer> {
  const { maxClients } = settings;
  if (!Number.isInteger(maxClients) || maxClients < 1 || maxClients > MAX_MAX_CLIENTS) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `max clients must be a whole number from 1 to ${MAX_MAX_CLIENTS}`);
  }
  const port = settings.port ?? DEFAULT_MAIN_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535 - Math.max(CHAT_PORT_OFFSET, WEB_PORT_OFFSET)) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a usable port: ${port}`);
  }
  const webPort = settings.webPort ?? (port === 0 ? 0 : port + WEB_PORT_OFFSET);
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a usable web port: ${webPort}`);
  }
  if (settings.password !== undefined && settings.password.length === 0) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, 'the password is empty');
  }
  const share = await Share.open(settings.sharePath, settings.dataDir);
  const identity = await loadOrCreateIdentity(settings.dataDir);
  const password = settings.password === undefined ? undefined : await PasswordVerifier.create(settings.password);
  const pool = new WorkerPool();
  const bind = settings.bind ?? DEFAULT_BIND_ADDRESS;
  const throttle = settings.throttle ? new LoginThrottle({ ...DEFAULT_THROTTLE, ...settings.throttle }) : new LoginThrottle();
  // One guard for the main and web ports: failures on one count on the other.
  const login = password ? new LoginGuard(password, throttle) : undefined;
  // Each port has its own budget of waiting connections, with the same limits.
  const limits: AdmissionLimits = { perAddress: PENDING_PER_ADDRESS, total: PENDING_TOTAL, graceMs: PENDING_GRACE_MS, ...settings.admission };
  const admission = new Admission(limits);
  let server: RunningServer | undefined;
  const files = new FileServer({
    admission,
    share,
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    maxClients,
    ...(login ? { login } : {}),
    pool,
    log: settings.log,
    onSession: (event) => server?.onSession(event),
    otherSessions: () => server?.web.count ?? 0,
    ...(settings.timeouts ? { timeouts: settings.timeouts } : {}),
  });
  server = new RunningServer(share, identity.fingerprint256, bind, maxClients, password !== undefined, files, pool, settings, identity, login, limits, limiter);
  try {
    await server.listen(port, webPort);
  } catch (err) {
    await pool.close();
    throw err;
  }
  settings.log(makeEntry(LogCategory.SERVER_STATUS, `server started on ${bind}:${server.mainPort} (chat ${server.chatPort}, web ${server.webPort}), sharing ${share.root}`));
  reportNotShared(share, settings.log);
  return server;
}
