// Puts a running server together from its settings: identity, share, password, the main
// port and the chat port, and gives the administrator's actions one place (sessions,
// disconnect, warn, pause, chat). The CLI and the desktop core both start servers here.
import { loadOrCreateIdentity } from '../certs/certificate';
import { ChatServer } from '../chat/chat-server';
import { ChatStore } from '../chat/chat-store';
import { CHAT_PORT_OFFSET, DEFAULT_BIND_ADDRESS, DEFAULT_MAIN_PORT, MAX_MAX_CLIENTS } from '../constants';
import type { ChatMessage, Events, SessionInfo } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { chatText, type ChatServerMessage } from '../protocol/chat-messages';
import { WorkerPool } from '../workers/pool';
import { DEFAULT_THROTTLE, LoginThrottle, PasswordVerifier, type ThrottleOptions } from './auth';
import { FileServer, type SessionEvent } from './file-server';
import type { ServerTimeouts } from './server-context';
import type { Session } from './session';
import { Share } from './share';

export type ServerEventSink = <E extends keyof Events>(event: E, payload: Events[E]) => void;

export interface ServerSettings {
  sharePath: string;
  dataDir: string;
  port?: number;
  bind?: string;
  maxClients: number;
  /** Clear text only long enough to hash it. */
  password?: string;
  log: LogSink;
  /** Session and chat events for a UI; the CLI does without. */
  events?: ServerEventSink;
  throttle?: Partial<ThrottleOptions>;
  timeouts?: Partial<ServerTimeouts>;
}

export class RunningServer {
  /** Not served yet: the web port arrives with its own service. */
  readonly webPort: number | null = null;
  private readonly chats = new ChatStore();
  private closing: Promise<void> | undefined;
  private chatServer!: ChatServer;
  chatPort = 0;
  mainPort = 0;

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
  ) {}

  get paused(): boolean {
    return this.files.isPaused;
  }

  sessions(): SessionInfo[] {
    return this.files.list().map((s) => this.info(s));
  }

  info(s: Session): SessionInfo {
    return {
      id: s.id,
      kind: 'desktop',
      address: s.address,
      name: s.name || s.address,
      connectedAt: new Date(s.connectedAt).toISOString(),
      ...s.activity.snapshot(this.files.isPaused),
      chatReady: s.chat !== undefined && !s.chat.closed,
      unread: this.chats.unread(s.id),
    };
  }

  disconnect(sessionId: string, reason = 'disconnected by the server administrator'): void {
    this.session(sessionId).disconnect(reason);
  }

  warn(sessionId: string, text: string): void {
    this.session(sessionId).warn(chatText(text));
  }

  pause(): void {
    this.files.pause();
    this.log(LogCategory.SERVER_STATUS, 'server paused: transfers hold where they are');
  }

  resume(): void {
    this.files.resume();
    this.log(LogCategory.SERVER_STATUS, 'server resumed');
  }

  chatSend(sessionId: string, text: string): ChatMessage {
    const session = this.session(sessionId);
    const body = chatText(text);
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
    this.session(sessionId);
    this.chats.markRead(sessionId);
    this.files.touch(this.session(sessionId));
    return { unread: 0, totalUnread: this.chats.totalUnread() };
  }

  totalUnread(): number {
    return this.chats.totalUnread();
  }

  /** Idempotent: tells every client why, then stops both ports and the workers. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.files.close(), this.chatServer.close()]);
      await this.pool.close();
      this.log(LogCategory.SERVER_STATUS, 'server stopped');
    })();
    return this.closing;
  }

  /** @internal */
  async listen(port: number): Promise<void> {
    this.mainPort = await this.files.listen(port, this.bind);
    this.chatServer = new ChatServer({
      certPem: this.identity.certPem,
      keyPem: this.identity.keyPem,
      findByToken: (token) => this.files.findByToken(token),
      onMessage: (session, text) => this.fromClient(session, text),
      onChatChange: (session) => this.files.touch(session),
      log: this.settings.log,
      ...(this.settings.timeouts?.helloMs ? { helloTimeoutMs: this.settings.timeouts.helloMs } : {}),
    });
    try {
      this.chatPort = await this.chatServer.listen(port === 0 ? 0 : port + CHAT_PORT_OFFSET, this.bind);
      this.files.chatPort = this.chatPort;
    } catch (err) {
      await this.files.close();
      throw err;
    }
  }

  /** @internal Session events from the main port, turned into contract events. */
  onSession(event: SessionEvent): void {
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

  private session(id: string): Session {
    const s = this.files.get(id);
    if (!s) throw new PssError(ErrorCode.NOT_FOUND, `no connected client with session id ${id}`);
    return s;
  }

  private log(category: LogCategory, message: string, session?: Session): void {
    this.settings.log(makeEntry(category, message, session ? { sessionId: session.id, address: session.address } : {}));
  }
}

export async function startServer(settings: ServerSettings): Promise<RunningServer> {
  const { maxClients } = settings;
  if (!Number.isInteger(maxClients) || maxClients < 1 || maxClients > MAX_MAX_CLIENTS) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `max clients must be a whole number from 1 to ${MAX_MAX_CLIENTS}`);
  }
  const port = settings.port ?? DEFAULT_MAIN_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535 - CHAT_PORT_OFFSET) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `not a usable port: ${port}`);
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
  let server: RunningServer | undefined;
  const files = new FileServer({
    share,
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    maxClients,
    ...(password ? { password } : {}),
    throttle,
    pool,
    log: settings.log,
    onSession: (event) => server?.onSession(event),
    ...(settings.timeouts ? { timeouts: settings.timeouts } : {}),
  });
  server = new RunningServer(share, identity.fingerprint256, bind, maxClients, password !== undefined, files, pool, settings, identity);
  try {
    await server.listen(port);
  } catch (err) {
    await pool.close();
    throw err;
  }
  settings.log(makeEntry(LogCategory.SERVER_STATUS, `server started on ${bind}:${server.mainPort} (chat ${server.chatPort}), sharing ${share.root}`));
  return server;
}
