// What the web routes need from the server, and nothing more.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogSink } from '../logs/log-entry';
import type { Admission } from '../serving/admission';
import type { LoginGuard } from '../serving/auth';
import type { SessionRegistry } from '../serving/sessions';
import type { Share } from '../serving/share';
import type { IdleSockets } from './idle-sockets';
import type { WebLanguage } from './web-text';
import type { WebSession } from './web-session';
import type { WebSessions } from './web-sessions';

export interface WebTimeouts {
  handshakeMs: number;
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  /** A connection moving no byte for this long is dropped. */
  socketIdleMs: number;
  /** A browser session with nothing happening for this long ends. */
  sessionIdleMs: number;
}

export interface WebContext {
  share: Share;
  fingerprint: string;
  shortFingerprint: string;
  /** Checks passwords (shared with the main port); undefined when the server has none. */
  login: LoginGuard | undefined;
  /** The web port's budget of connections before their first request. */
  admission: Admission;
  sessions: WebSessions;
  /** Every session of the server, on any port: max clients and the pause gate. */
  registry: SessionRegistry;
  timeouts: WebTimeouts;
  log: LogSink;
  /** Drops connections that move no byte for timeouts.socketIdleMs. */
  idle: IdleSockets;
}

/** One request on its way through the routes. */
export interface WebRequest {
  ctx: WebContext;
  req: IncomingMessage;
  res: ServerResponse;
  address: string;
  method: string;
  /** The raw path, before any decoding. */
  pathname: string;
  /** The raw query, without '?'. */
  query: string;
  session: WebSession | undefined;
  /** The language the answer is written in (web-text.ts chooses it). */
  lang: WebLanguage;
}
