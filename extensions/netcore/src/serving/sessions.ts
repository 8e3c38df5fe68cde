// Every client session of the server, whatever port it came on: desktop clients of the main
// port and browsers of the web port. The registry admits them against max clients (every
// port together), holds their transfers at the pause gate, reports them as added, changed
// (coalesced) and removed, finds the logged-in session a chat token belongs to and keeps
// its chat connection. The administrator's actions go through it, so they never need to
// know which port a session came on.
//
// Connections that have not yet earned a session are not here: each port keeps them in a
// budget of its own (admission.ts).
import { timingSafeEqual } from 'node:crypto';
import { SESSION_EVENT_INTERVAL_MS } from '../constants';
import type { SessionKind } from '../contract';
import { ErrorCode } from '../errors';
import { EventCoalescer } from './event-coalescer';
import type { ActivitySnapshot } from './session-activity';

/** One open chat connection, as the chat port hands it over. */
export interface ChatLink {
  readonly closed: boolean;
  send(message: object): void;
  /** Closes the connection, after `message` when one is given. */
  end(message?: object): void;
}

/** One session as the registry and the administrator see it, whatever its port. */
export interface ClientSession {
  readonly id: string;
  readonly kind: SessionKind;
  readonly address: string;
  /** The name the client gave ('' until it did). */
  readonly name: string;
  /** Date.now() when it connected. */
  readonly connectedAt: number;
  /** Holds one of the max-clients places now: a desktop client once logged in, a browser always. */
  readonly admitted: boolean;
  /** What a chat connection presents to join this session; undefined while it may not chat. */
  readonly chatToken: string | undefined;
  /** A request or a download of it is running. */
  readonly busy: boolean;
  /** Whether this kind of session can have a chat at all (browsers cannot). */
  readonly canChat: boolean;
  /** `paused` is the server's state: a transfer held by Pause shows as paused. */
  snapshot(paused: boolean): ActivitySnapshot;
  /** The administrator's Disconnect: the session ends and the client is told `reason`. */
  disconnect(reason: string): void;
  /** A warning the client shows prominently; over `chat` when the session has one open. */
  warn(text: string, chat: ChatLink | undefined): void;
}

export type SessionEvent =
  | { type: 'added' | 'changed'; session: ClientSession }
  | { type: 'removed'; session: ClientSession; reason: string }
  /** A transfer of the session reached the pause gate and waits for Resume (once per session and pause). */
  | { type: 'held'; session: ClientSession };

export type SessionListener = (event: SessionEvent) => void;

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const RUNNING: Promise<void> = Promise.resolve();

export class SessionRegistry {
  private readonly sessions = new Map<string, ClientSession>();
  private readonly chatLinks = new Map<ClientSession, ChatLink>();
  private readonly listeners: SessionListener[] = [];
  private readonly coalescer: EventCoalescer<ClientSession>;
  private gate: { promise: Promise<void>; release: () => void; held: Set<ClientSession> } | undefined;

  constructor(readonly maxClients: number) {
    this.coalescer = new EventCoalescer<ClientSession>(SESSION_EVENT_INTERVAL_MS, (s) => {
      if (this.sessions.has(s.id)) this.emit({ type: 'changed', session: s });
    });
  }

  /** Hears every session event from now on. */
  subscribe(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  /** Sessions that hold a max-clients place, every port together. */
  get count(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.admitted) n++;
    return n;
  }

  /** Whether one more session may take a max-clients place. */
  hasRoom(): boolean {
    return this.count < this.maxClients;
  }

  /** Every listed session, in the order they were listed. */
  list(): ClientSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): ClientSession | undefined {
    return this.sessions.get(id);
  }

  /** Lists a session (idempotent): the administrator sees it from now on. */
  add(session: ClientSession): void {
    if (this.sessions.has(session.id)) return;
    this.sessions.set(session.id, session);
    this.emit({ type: 'added', session });
  }

  /** Reports a change of a listed session (coalesced); one that is gone is ignored. */
  touch(session: ClientSession): void {
    if (this.sessions.has(session.id)) this.coalescer.touch(session);
  }

  /** Forgets a session and closes its chat; false when it was not listed. */
  remove(session: ClientSession, reason: string): boolean {
    if (this.sessions.get(session.id) !== session) return false;
    this.sessions.delete(session.id);
    this.coalescer.forget(session);
    this.gate?.held.delete(session);
    const chat = this.chatLinks.get(session);
    this.chatLinks.delete(session);
    chat?.end();
    this.emit({ type: 'removed', session, reason });
    return true;
  }

  /** The administrator's Disconnect: the chat is told why, then the session ends. */
  disconnect(session: ClientSession, reason: string): void {
    const chat = this.chatLinks.get(session);
    this.chatLinks.delete(session);
    chat?.end({ type: 'ERROR', code: ErrorCode.DISCONNECTED, message: reason });
    session.disconnect(reason);
  }

  /** The administrator's warning: over the session's chat when it has one open. */
  warn(session: ClientSession, text: string): void {
    session.warn(text, this.chatOf(session));
  }

  /** The admitted session a chat token belongs to. */
  findByToken(token: string): ClientSession | undefined {
    for (const s of this.sessions.values()) if (s.admitted && s.chatToken !== undefined && tokensEqual(s.chatToken, token)) return s;
    return undefined;
  }

  /** Gives the session this chat connection; a newer one replaces the older, which is told why. */
  attachChat(session: ClientSession, link: ChatLink): void {
    const older = this.chatLinks.get(session);
    this.chatLinks.set(session, link);
    older?.end({ type: 'ERROR', code: ErrorCode.DISCONNECTED, message: 'replaced by a newer chat connection' });
    this.touch(session);
  }

  /** A chat connection closed: the session has no chat any more, unless a newer one took over. */
  detachChat(session: ClientSession, link: ChatLink): void {
    if (this.chatLinks.get(session) !== link) return;
    this.chatLinks.delete(session);
    this.touch(session);
  }

  /** The session's open chat connection, if it has one. */
  chatOf(session: ClientSession): ChatLink | undefined {
    const chat = this.chatLinks.get(session);
    return chat && !chat.closed ? chat : undefined;
  }

  /** Transfers stop reading and sending until resume(); new downloads wait too. */
  pause(): void {
    if (this.gate) return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.gate = { promise, release, held: new Set() };
    this.refreshAll();
  }

  resume(): void {
    if (!this.gate) return;
    this.gate.release();
    this.gate = undefined;
    this.refreshAll();
  }

  get paused(): boolean {
    return this.gate !== undefined;
  }

  /**
   * The pause gate a transfer passes before each piece it sends: resolves at once while the
   * server runs; while it is paused, once resumed. The first time a session waits here in a
   * pause, listeners hear that it is held.
   */
  whenRunning(session: ClientSession): Promise<void> {
    const gate = this.gate;
    if (!gate) return RUNNING;
    if (!gate.held.has(session) && this.sessions.has(session.id)) {
      gate.held.add(session);
      this.emit({ type: 'held', session });
    }
    return gate.promise;
  }

  /** Releases the gate and stops reporting; the ports end their sessions themselves. */
  close(): void {
    this.resume();
    this.coalescer.close();
  }

  /** Every session's status shows Pause and Resume at once. */
  private refreshAll(): void {
    for (const s of this.sessions.values()) this.coalescer.touch(s);
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
