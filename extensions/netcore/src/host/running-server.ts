// The administrator's view of a running server: its ports and identity, every session on
// every port (list, disconnect, warn, chat), Pause and Resume, and Stop. Everything about
// sessions goes through the session registry, whatever port they came on; start-server.ts
// puts the server together.
import type { ChatMessage, EventSink, SessionInfo, WebAccessInfo } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { chatText, type ChatServerMessage } from '../protocol/chat-messages';
import type { ChatStore } from '../chat/chat-store';
import type { ClientSession, SessionEvent, SessionRegistry } from '../serving/sessions';
import type { Share } from '../serving/share';
import type { WorkerPool } from '../workers/pool';

/** What the running server is made of, as start-server.ts puts it together. */
export interface ServerParts {
  share: Share;
  fingerprint256: string;
  bind: string;
  passwordRequired: boolean;
  sessions: SessionRegistry;
  chats: ChatStore;
  ports: { main: number; chat: number; web: number };
  webAccess: WebAccessInfo[];
  /** Hashes for every port; stopped with the server. */
  pool: WorkerPool;
  log: LogSink;
  /** Sums up what peers make the server log (logs/peer-limiter.ts); closed last. */
  logLimiter: { close(): void };
  events: EventSink | undefined;
  /** Tells every client why and stops every port; run once. */
  stopPorts: () => Promise<void>;
}

export class RunningServer {
  readonly share: Share;
  readonly fingerprint256: string;
  readonly bind: string;
  readonly passwordRequired: boolean;
  readonly mainPort: number;
  readonly chatPort: number;
  readonly webPort: number;
  /** The web page's URL on each LAN address, with a QR code (for the administrator's UI). */
  readonly webAccess: WebAccessInfo[];
  private readonly registry: SessionRegistry;
  private readonly chats: ChatStore;
  private readonly pool: WorkerPool;
  private closing: Promise<void> | undefined;

  constructor(private readonly parts: ServerParts) {
    this.share = parts.share;
    this.fingerprint256 = parts.fingerprint256;
    this.bind = parts.bind;
    this.passwordRequired = parts.passwordRequired;
    this.mainPort = parts.ports.main;
    this.chatPort = parts.ports.chat;
    this.webPort = parts.ports.web;
    this.webAccess = parts.webAccess;
    this.registry = parts.sessions;
    this.chats = parts.chats;
    this.pool = parts.pool;
    this.registry.subscribe((event) => this.onSession(event));
  }

  get paused(): boolean {
    return this.registry.paused;
  }

  get maxClients(): number {
    return this.registry.maxClients;
  }

  /** Every session on every port, in the order they connected. */
  sessions(): SessionInfo[] {
    return this.registry.list().map((s) => this.info(s));
  }

  /** How many sessions count against max clients. */
  get sessionCount(): number {
    return this.registry.count;
  }

  disconnect(sessionId: string, reason = 'disconnected by the server administrator'): void {
    this.registry.disconnect(this.session(sessionId), reason);
  }

  /** A desktop client gets the warning at once; a browser on the next page it loads. */
  warn(sessionId: string, text: string): void {
    this.registry.warn(this.session(sessionId), chatText(text));
  }

  pause(): void {
    this.registry.pause();
    this.log(LogCategory.SERVER_STATUS, 'server paused: transfers hold where they are');
  }

  resume(): void {
    this.registry.resume();
    this.log(LogCategory.SERVER_STATUS, 'server resumed');
  }

  chatSend(sessionId: string, text: string): ChatMessage {
    const session = this.session(sessionId);
    const body = chatText(text);
    if (!session.canChat) throw new PssError(ErrorCode.CHAT_CLOSED, `${session.name} is a browser and has no chat`);
    const chat = this.registry.chatOf(session);
    if (!chat) throw new PssError(ErrorCode.CHAT_CLOSED, `${session.name} has no chat open`);
    const message = this.chats.add(sessionId, 'server', body);
    chat.send({ type: 'MSG_S2C', id: message.id, text: message.text, time: message.time } satisfies ChatServerMessage);
    this.log(LogCategory.CHAT, `to ${session.name}: ${body}`, session);
    return message;
  }

  chatHistory(sessionId: string): ChatMessage[] {
    return this.chats.history(sessionId);
  }

  markRead(sessionId: string): { unread: number; totalUnread: number } {
    const session = this.session(sessionId);
    this.chats.markRead(sessionId);
    this.registry.touch(session);
    return { unread: 0, totalUnread: this.chats.totalUnread() };
  }

  totalUnread(): number {
    return this.chats.totalUnread();
  }

  /** Idempotent: tells every client why, then stops every port and the workers. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.parts.stopPorts();
      await this.pool.close();
      this.share.close();
      this.parts.logLimiter.close();
      this.log(LogCategory.SERVER_STATUS, 'server stopped');
    })();
    return this.closing;
  }

  private info(s: ClientSession): SessionInfo {
    const paused = this.registry.paused;
    return {
      id: s.id,
      kind: s.kind,
      address: s.address,
      name: s.name || s.address,
      connectedAt: new Date(s.connectedAt).toISOString(),
      ...s.snapshot(paused),
      chatReady: this.registry.chatOf(s) !== undefined,
      unread: this.chats.unread(s.id),
    };
  }

  /** Session events from every port, turned into contract events. */
  private onSession(event: SessionEvent): void {
    const emit = this.parts.events;
    switch (event.type) {
      case 'removed':
        this.chats.forget(event.session.id);
        return emit?.('session.removed', { id: event.session.id, reason: event.reason });
      case 'held':
        return emit?.('session.held', { id: event.session.id });
      case 'added':
        return emit?.('session.added', this.info(event.session));
      case 'changed':
        return emit?.('session.changed', this.info(event.session));
    }
  }

  /** The live session behind an id; NOT_FOUND once it is gone. */
  session(id: string): ClientSession {
    const s = this.registry.get(id);
    if (!s) throw new PssError(ErrorCode.NOT_FOUND, `no connected client with session id ${id}`);
    return s;
  }

  private log(category: LogCategory, message: string, session?: ClientSession): void {
    this.parts.log(makeEntry(category, message, session ? { sessionId: session.id, address: session.address } : {}));
  }
}
