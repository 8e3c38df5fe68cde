// Puts a running server together from its options: identity, share, password, the session
// registry, the main port, the chat port and the web port. It only wires; the administrator's
// actions are in running-server.ts. The CLI and the desktop core both start servers here.
import { loadOrCreateIdentity, shortFingerprint } from '../certs/certificate';
import { ChatServer } from '../chat/chat-server';
import { ChatStore } from '../chat/chat-store';
import {
  CHAT_PORT_OFFSET,
  DEFAULT_BIND_ADDRESS,
  DEFAULT_MAIN_PORT,
  MAX_MAX_CLIENTS,
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
import type { EventSink, ServerSettings } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { PeerLogLimiter } from '../logs/peer-limiter';
import { FileServer } from '../main-port/file-server';
import type { ServerTimeouts } from '../main-port/server-context';
import { Admission, type AdmissionLimits } from '../serving/admission';
import { DEFAULT_THROTTLE, LoginGuard, LoginThrottle, PasswordVerifier, type ThrottleOptions } from '../serving/auth';
import { IdleMemory } from '../serving/idle-memory';
import { lanAddresses } from '../serving/lan-addresses';
import { reportNotShared } from '../serving/not-shared-report';
import { SessionRegistry, type ClientSession } from '../serving/sessions';
import { Share } from '../serving/share';
import { IdleSockets } from '../web/idle-sockets';
import { webAccessFor } from '../web/web-access';
import type { WebContext, WebTimeouts } from '../web/web-context';
import { WebServer } from '../web/web-server';
import { WebSessions } from '../web/web-sessions';
import { WorkerPool } from '../workers/pool';
import { RunningServer } from './running-server';

export { RunningServer } from './running-server';

/** What a server starts from: the administrator's settings, and what the program adds. */
export interface ServerOptions extends Omit<ServerSettings, 'port'> {
  /** The main port; DEFAULT_MAIN_PORT when left out. */
  port?: number;
  dataDir: string;
  /** The web port; by default the main port + 2 (a free port when the main port is 0). */
  webPort?: number;
  log: LogSink;
  /** Session and chat events for a UI; the CLI does without. */
  events?: EventSink;
  throttle?: Partial<ThrottleOptions>;
  /** The budget of connections not yet admitted, per port (defaults in constants.ts). */
  admission?: Partial<AdmissionLimits>;
  timeouts?: Partial<ServerTimeouts>;
  webTimeouts?: Partial<WebTimeouts>;
}

export async function startServer(given: ServerOptions): Promise<RunningServer> {
  // Whatever peers make the server log, each address adds at most a bounded number of
  // entries per window; the rest is summed up (logs/peer-limiter.ts).
  const limiter = new PeerLogLimiter(given.log);
  const options: ServerOptions = { ...given, log: limiter.sink };
  try {
    return await startWith(options, limiter);
  } catch (err) {
    limiter.close();
    throw err;
  }
}

function checkOptions(o: ServerOptions): { port: number; webPort: number } {
  if (!Number.isInteger(o.maxClients) || o.maxClients < 1 || o.maxClients > MAX_MAX_CLIENTS) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `max clients must be a whole number from 1 to ${MAX_MAX_CLIENTS}`);
  }
  const port = o.port ?? DEFAULT_MAIN_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535 - Math.max(CHAT_PORT_OFFSET, WEB_PORT_OFFSET)) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a usable port: ${port}`);
  }
  const webPort = o.webPort ?? (port === 0 ? 0 : port + WEB_PORT_OFFSET);
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a usable web port: ${webPort}`);
  }
  if (o.password !== undefined && o.password.length === 0) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, 'the password is empty');
  }
  return { port, webPort };
}

async function startWith(o: ServerOptions, limiter: PeerLogLimiter): Promise<RunningServer> {
  const { port, webPort } = checkOptions(o);
  const log = o.log;
  const share = await Share.open(o.sharePath, o.dataDir);
  const identity = await loadOrCreateIdentity(o.dataDir);
  const tls = { certPem: identity.certPem, keyPem: identity.keyPem };
  const password = o.password === undefined ? undefined : await PasswordVerifier.create(o.password);
  const pool = new WorkerPool();
  const bind = o.bind ?? DEFAULT_BIND_ADDRESS;
  const throttle = o.throttle ? new LoginThrottle({ ...DEFAULT_THROTTLE, ...o.throttle }) : new LoginThrottle();
  // One guard for the main and web ports: failures on one count on the other.
  const login = password ? new LoginGuard(password, throttle) : undefined;
  // Each port has its own budget of waiting connections, with the same limits.
  const limits: AdmissionLimits = { perAddress: PENDING_PER_ADDRESS, total: PENDING_TOTAL, graceMs: PENDING_GRACE_MS, ...o.admission };
  const sessions = new SessionRegistry(o.maxClients);
  const chats = new ChatStore();

  const files = new FileServer({
    ...tls,
    admission: new Admission(limits),
    share,
    sessions,
    ...(login ? { login } : {}),
    pool,
    log,
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
  });
  const chat = new ChatServer({
    ...tls,
    registry: sessions,
    onMessage: chatFromClient(chats, sessions, log, o.events),
    log,
    admission: new Admission(limits),
    ...(o.timeouts?.helloMs ? { helloTimeoutMs: o.timeouts.helloMs } : {}),
  });
  const webContext = webContextFor(o, { share, fingerprint256: identity.fingerprint256, login, admission: new Admission(limits), registry: sessions });
  const web = new WebServer({ ...tls, ctx: webContext });
  let memory: IdleMemory | undefined;
  const stopPorts = async () => {
    memory?.close();
    // Transfers held by Pause are let go, so that they end with their connections.
    sessions.resume();
    await Promise.all([files.close(), chat.close(), web.close()]);
    sessions.close();
  };

  let ports: { main: number; chat: number; web: number };
  try {
    const main = await files.listen(port, bind);
    files.chatPort = await chat.listen(port === 0 ? 0 : port + CHAT_PORT_OFFSET, bind);
    ports = { main, chat: files.chatPort, web: await web.listen(webPort, bind) };
  } catch (err) {
    webContext.sessions.close('the server did not start');
    await stopPorts();
    await pool.close();
    throw err;
  }
  const webAccess = await webAccessFor(lanAddresses(bind), ports.web, identity.fingerprint256);
  memory = new IdleMemory();

  const server = new RunningServer({
    share,
    fingerprint256: identity.fingerprint256,
    bind,
    passwordRequired: password !== undefined,
    sessions,
    chats,
    ports,
    webAccess,
    pool,
    log,
    logLimiter: limiter,
    events: o.events,
    stopPorts,
  });
  log(makeEntry(LogCategory.SERVER_STATUS, `server started on ${bind}:${ports.main} (chat ${ports.chat}, web ${ports.web}), sharing ${share.root}`));
  reportNotShared(share, log);
  return server;
}

/** A client's chat message: kept in its history, logged, and shown to the administrator. */
function chatFromClient(chats: ChatStore, sessions: SessionRegistry, log: LogSink, events: EventSink | undefined) {
  return (session: ClientSession, text: string): void => {
    const message = chats.add(session.id, 'client', text);
    log(makeEntry(LogCategory.CHAT, `from ${session.name}: ${text}`, { sessionId: session.id, address: session.address }));
    events?.('chat.message', { ...message, unread: chats.unread(session.id), totalUnread: chats.totalUnread() });
    sessions.touch(session);
  };
}

function webContextFor(o: ServerOptions, parts: Pick<WebContext, 'share' | 'login' | 'admission' | 'registry'> & { fingerprint256: string }): WebContext {
  const t = o.webTimeouts ?? {};
  const socketIdleMs = t.socketIdleMs ?? WEB_SOCKET_IDLE_MS;
  const sessionIdleMs = t.sessionIdleMs ?? WEB_SESSION_IDLE_MS;
  return {
    share: parts.share,
    fingerprint: parts.fingerprint256,
    shortFingerprint: shortFingerprint(parts.fingerprint256),
    login: parts.login,
    admission: parts.admission,
    registry: parts.registry,
    sessions: new WebSessions({ idleMs: sessionIdleMs, registry: parts.registry, log: o.log }),
    timeouts: {
      handshakeMs: t.handshakeMs ?? o.timeouts?.handshakeMs ?? TLS_HANDSHAKE_TIMEOUT_MS,
      headersMs: t.headersMs ?? WEB_HEADERS_TIMEOUT_MS,
      requestMs: t.requestMs ?? WEB_REQUEST_TIMEOUT_MS,
      keepAliveMs: t.keepAliveMs ?? WEB_KEEP_ALIVE_TIMEOUT_MS,
      socketIdleMs,
      sessionIdleMs,
    },
    log: o.log,
    idle: new IdleSockets(socketIdleMs),
  };
}
