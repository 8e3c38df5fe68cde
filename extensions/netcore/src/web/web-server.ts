// The web port (PROTOCOL.md §10): HTTPS for browsers with the server's certificate, TLS
// 1.2 and 1.3, and deadlines at every step so that a slow or silent client (slowloris,
// a reader that stops reading) holds nothing for long.
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { BUSY_RETRY_MS, MAIN_PORT_CIPHERS, WEB_DEADLINE_CHECK_MS, WEB_MAX_CONNECTIONS, WEB_MAX_HEADER_BYTES, WEB_PORT_TLS12_CIPHERS } from '../constants';
import { LogCategory, makeEntry } from '../logs/log-entry';
import type { AdmissionTicket } from '../serving/admission';
import { closeWithin, listenOn, trackConnections } from '../transport/tls-listener';
import { handleRequest } from './router';
import type { WebContext } from './web-context';

export interface WebServerOptions {
  certPem: string;
  keyPem: string;
  ctx: WebContext;
}

/** A connection over the waiting budget is told so before its request is read. */
const BUSY_BODY = 'The server is busy; try again in a moment.\n';
const BUSY_REPLY =
  'HTTP/1.1 503 Service Unavailable\r\n' +
  `Retry-After: ${Math.ceil(BUSY_RETRY_MS / 1000)}\r\n` +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(BUSY_BODY)}\r\n` +
  'Connection: close\r\n\r\n' +
  BUSY_BODY;

export class WebServer {
  private readonly https: Server;
  private readonly tickets = new WeakMap<object, AdmissionTicket>();
  /** Every TCP connection, from accept (before TLS) to close. */
  private readonly sockets: Set<Socket>;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: WebServerOptions) {
    const ctx = options.ctx;
    const t = ctx.timeouts;
    this.https = createServer(
      {
        cert: options.certPem,
        key: options.keyPem,
        minVersion: 'TLSv1.2',
        // The TLS 1.3 suites in the main port's order (AES-128-GCM first), then the
        // ECDHE-ECDSA suites a TLS 1.2 browser may need; nothing without forward secrecy.
        ciphers: `${MAIN_PORT_CIPHERS}:${WEB_PORT_TLS12_CIPHERS}`,
        honorCipherOrder: true,
        handshakeTimeout: t.handshakeMs,
        headersTimeout: t.headersMs,
        requestTimeout: t.requestMs,
        keepAliveTimeout: t.keepAliveMs,
        connectionsCheckingInterval: Math.min(WEB_DEADLINE_CHECK_MS, t.headersMs),
        maxHeaderSize: WEB_MAX_HEADER_BYTES,
      },
      (req, res) => {
        // The first request admits the connection: it leaves the waiting budget.
        this.tickets.get(req.socket)?.leave();
        handleRequest(ctx, req, res);
      },
    );
    this.https.maxConnections = WEB_MAX_CONNECTIONS;
    this.sockets = trackConnections(this.https);
    this.https.on('secureConnection', (socket: TLSSocket) => {
      socket.setNoDelay(true);
      ctx.idle.track(socket);
      const address = socket.remoteAddress ?? 'unknown';
      const ticket = ctx.admission.enter(address, {
        evict: (reason) => {
          ctx.log(makeEntry(LogCategory.SECURITY, `web connection dropped before its first request: ${reason}`, { address }));
          socket.destroy();
        },
      });
      if (!ticket) {
        ctx.log(makeEntry(LogCategory.SECURITY, 'web connection refused: too many connections are waiting to be admitted', { address }));
        socket.end(BUSY_REPLY);
        socket.destroySoon();
        return;
      }
      this.tickets.set(socket, ticket);
      socket.once('close', () => ticket.leave());
    });
    // A malformed request or a missed header/request deadline. Node's default answer
    // (a 408/400 written before closing) can leave a TLS connection open, so it is
    // destroyed outright.
    this.https.on('clientError', (_err, socket) => socket.destroy());
    this.https.on('tlsClientError', (err, socket) => {
      ctx.log(makeEntry(LogCategory.SECURITY, `web port: TLS handshake failed: ${err.message}`, { address: socket.remoteAddress ?? 'unknown' }));
      socket.destroy();
    });
  }

  /** Resolves with the bound port once listening. */
  listen(port: number, host: string): Promise<number> {
    return listenOn(this.https, port, host, 'web');
  }

  /** Idempotent: ends every web session and download, then every connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = closeWithin(this.https, this.sockets);
      this.options.ctx.sessions.close('the server is shutting down');
      this.https.closeAllConnections();
      this.options.ctx.idle.close();
      await closed;
    })();
    return this.closing;
  }
}
