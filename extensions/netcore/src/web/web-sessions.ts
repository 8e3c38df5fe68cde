// The web port's sessions: found by cookie, ended after an idle while or by the
// administrator (who is then shown once why). They are listed in the server's session
// registry with the desktop sessions: counted together against max clients, reported
// through the same events.
import { createHash } from 'node:crypto';
import { WEB_REVOKED_MEMORY_MS, WEB_SESSION_COOKIE_BYTES } from '../constants';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import type { SessionRegistry } from '../serving/sessions';
import { newCookieValue, WebSession, type WebSessionOwner } from './web-session';

export interface WebSessionsOptions {
  /** A browser session with no request and no download for this long ends. */
  idleMs: number;
  registry: SessionRegistry;
  log: LogSink;
}

/** Cookies are looked up by digest, so no comparison runs over the secret itself. */
function cookieKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const MAX_SWEEP_INTERVAL_MS = 30_000;

export class WebSessions implements WebSessionOwner {
  /** This port's sessions, listed in the registry while they live. */
  private readonly live = new Set<WebSession>();
  private readonly byCookie = new Map<string, WebSession>();
  /** Cookies the administrator ended, with the reason the browser is shown once. */
  private readonly revoked = new Map<string, { reason: string; until: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: WebSessionsOptions) {
    const every = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(20, Math.floor(options.idleMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
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
    if (!this.options.registry.hasRoom()) return undefined;
    const cookie = withCookie ? newCookieValue(WEB_SESSION_COOKIE_BYTES) : undefined;
    const session = new WebSession(address, name, cookie, this);
    this.live.add(session);
    if (cookie) this.byCookie.set(cookieKey(cookie), session);
    this.options.log(
      makeEntry(LogCategory.WEB, withCookie ? `browser session opened: ${name}` : `download without a session cookie: ${name}`, {
        sessionId: session.id,
        address,
      }),
    );
    this.options.registry.add(session);
    return session;
  }

  /** Ends a session: its downloads stop and its cookie no longer works. */
  remove(session: WebSession, reason: string): void {
    session.end();
    if (!this.live.delete(session)) return;
    if (session.cookie) this.byCookie.delete(cookieKey(session.cookie));
    if (session.cookie) {
      this.options.log(makeEntry(LogCategory.WEB, `browser session ended: ${reason}`, { sessionId: session.id, address: session.address }));
    }
    this.options.registry.remove(session, reason);
  }

  /** The administrator's Disconnect: ends the session and tells the browser why next time. */
  disconnect(session: WebSession, reason: string): void {
    if (session.cookie) this.revoked.set(cookieKey(session.cookie), { reason, until: Date.now() + WEB_REVOKED_MEMORY_MS });
    this.options.log(makeEntry(LogCategory.CONNECTION, `disconnected by the administrator: ${reason}`, { sessionId: session.id, address: session.address }));
    this.remove(session, reason);
  }

  changed(session: WebSession): void {
    this.options.registry.touch(session);
  }

  warned(session: WebSession, text: string): void {
    this.options.log(makeEntry(LogCategory.SECURITY, `warning for the next page: ${text}`, { sessionId: session.id, address: session.address }));
  }

  close(reason: string): void {
    clearInterval(this.sweeper);
    for (const s of [...this.live]) this.remove(s, reason);
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of [...this.live]) {
      if (s.cookie && !s.busy && now - s.lastSeen > this.options.idleMs) this.remove(s, 'no activity');
    }
    for (const [key, r] of this.revoked) if (r.until <= now) this.revoked.delete(key);
  }
}
