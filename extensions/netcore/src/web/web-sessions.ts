// Every web session of the server: found by cookie, counted with the desktop sessions
// against max clients, reported through the same added / changed (coalesced) / removed
// events, ended by the administrator or after an idle while.
import { createHash } from 'node:crypto';
import { SESSION_EVENT_INTERVAL_MS, WEB_REVOKED_MEMORY_MS, WEB_SESSION_COOKIE_BYTES } from '../constants';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { EventCoalescer } from '../serving/event-coalescer';
import { newCookieValue, WebSession } from './web-session';

export type WebSessionEvent =
  | { type: 'added' | 'changed'; session: WebSession }
  | { type: 'removed'; session: WebSession; reason: string };

export interface WebSessionsOptions {
  /** A browser session with no request and no download for this long ends. */
  idleMs: number;
  /** Whether the server has room for one more session of any kind. */
  hasRoom: () => boolean;
  onEvent: (event: WebSessionEvent) => void;
  log: LogSink;
}

/** Cookies are looked up by digest, so no comparison runs over the secret itself. */
function cookieKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const MAX_SWEEP_INTERVAL_MS = 30_000;

export class WebSessions {
  private readonly byId = new Map<string, WebSession>();
  private readonly byCookie = new Map<string, WebSession>();
  /** Cookies the administrator ended, with the reason the browser is shown once. */
  private readonly revoked = new Map<string, { reason: string; until: number }>();
  private readonly coalescer: EventCoalescer<WebSession>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: WebSessionsOptions) {
    this.coalescer = new EventCoalescer<WebSession>(SESSION_EVENT_INTERVAL_MS, (s) => {
      if (this.byId.has(s.id)) options.onEvent({ type: 'changed', session: s });
    });
    const every = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(20, Math.floor(options.idleMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  get count(): number {
    return this.byId.size;
  }

  list(): WebSession[] {
    return [...this.byId.values()];
  }

  get(id: string): WebSession | undefined {
    return this.byId.get(id);
  }

  fromCookie(value: string | undefined): WebSession | undefined {
    if (!value) return undefined;
    const session = this.byCookie.get(cookieKey(value));
    if (session) session.lastSeen = Date.now();
    return session;
  }

  /** Why the administrator ended the session this cookie belonged to; said only once. */
  takeRevokedReason(value: string | undefined): string | undefined {
    if (!value) return undefined;
    const key = cookieKey(value);
    const found = this.revoked.get(key);
    if (!found) return undefined;
    this.revoked.delete(key);
    return found.until > Date.now() ? found.reason : undefined;
  }

  /**
   * A new session, or undefined when the server is full. `withCookie` makes a browser
   * session; without it the session lasts one download.
   */
  open(address: string, name: string, withCookie: boolean): WebSession | undefined {
    if (!this.options.hasRoom()) return undefined;
    const cookie = withCookie ? newCookieValue(WEB_SESSION_COOKIE_BYTES) : undefined;
    const session = new WebSession(address, name, cookie, (s) => this.touch(s));
    this.byId.set(session.id, session);
    if (cookie) this.byCookie.set(cookieKey(cookie), session);
    this.options.log(
      makeEntry(LogCategory.WEB, withCookie ? `browser session opened: ${name}` : `download without a session cookie: ${name}`, {
        sessionId: session.id,
        address,
      }),
    );
    this.options.onEvent({ type: 'added', session });
    return session;
  }

  /** Ends a session: its downloads stop and its cookie no longer works. */
  remove(session: WebSession, reason: string): void {
    session.end();
    if (!this.byId.delete(session.id)) return;
    if (session.cookie) this.byCookie.delete(cookieKey(session.cookie));
    this.coalescer.forget(session);
    if (session.cookie) {
      this.options.log(makeEntry(LogCategory.WEB, `browser session ended: ${reason}`, { sessionId: session.id, address: session.address }));
    }
    this.options.onEvent({ type: 'removed', session, reason });
  }

  /** The administrator's Disconnect: ends the session and tells the browser why next time. */
  disconnect(session: WebSession, reason: string): void {
    if (session.cookie) this.revoked.set(cookieKey(session.cookie), { reason, until: Date.now() + WEB_REVOKED_MEMORY_MS });
    this.options.log(makeEntry(LogCategory.CONNECTION, `disconnected by the administrator: ${reason}`, { sessionId: session.id, address: session.address }));
    this.remove(session, reason);
  }

  touch(session: WebSession): void {
    if (this.byId.has(session.id)) this.coalescer.touch(session);
  }

  /** Every session's status shows Pause and Resume at once. */
  refreshAll(): void {
    for (const s of this.byId.values()) this.coalescer.touch(s);
  }

  close(reason: string): void {
    clearInterval(this.sweeper);
    for (const s of [...this.byId.values()]) this.remove(s, reason);
    this.coalescer.close();
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of [...this.byId.values()]) {
      if (s.cookie && !s.busy && now - s.lastSeen > this.options.idleMs) this.remove(s, 'no activity');
    }
    for (const [key, r] of this.revoked) if (r.until <= now) this.revoked.delete(key);
  }
}
