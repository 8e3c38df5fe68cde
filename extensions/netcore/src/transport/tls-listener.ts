// The TLS servers of the main and chat ports: both ends are ours, so TLS 1.3 only
// (DESIGN §2), one certificate, a handshake deadline, and a failed handshake that ends
// only its own socket (the original's accept loop died on one bad handshake).
import { once } from 'node:events';
import type { Server as NetServer, Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { CLOSE_DEADLINE_MS, CLOSE_SETTLE_MS, MAIN_PORT_CIPHERS } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';

export interface TlsListenerOptions {
  certPem: string;
  keyPem: string;
  handshakeTimeoutMs: number;
  /** Names the port in log lines and errors ("main", "chat"). */
  label: string;
  log: LogSink;
  accept: (socket: TLSSocket) => void;
}

export function createTlsListener(options: TlsListenerOptions): Server {
  const server = createServer({
    cert: options.certPem,
    key: options.keyPem,
    minVersion: 'TLSv1.3',
    // AES-128-GCM first: as strong as this link needs and cheaper per byte than AES-256.
    ciphers: MAIN_PORT_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: options.handshakeTimeoutMs,
  });
  server.on('secureConnection', options.accept);
  server.on('tlsClientError', (err, socket) => {
    options.log(makeEntry(LogCategory.SECURITY, `${options.label} port: TLS handshake failed: ${err.message}`, { address: socket.remoteAddress ?? 'unknown' }));
    socket.destroy();
  });
  return server;
}

/** Starts listening; resolves with the bound port, or a PssError that says why not. */
export async function listenOn(server: Server, port: number, host: string, label: string): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new PssError(ErrorCode.PORT_IN_USE, `the ${label} port ${port} on ${host} is already in use`);
    if (e.code === 'EACCES') throw new PssError(ErrorCode.PORT_IN_USE, `no permission to listen on the ${label} port ${port}`);
    throw new PssError(ErrorCode.BAD_ARGUMENT, `cannot listen on ${host}:${port}: ${e.message}`);
  }
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/**
 * Every TCP connection of a server, from accept to close, whatever its state (still in
 * the TLS handshake, half-closed, never read): what closeWithin() must end.
 */
export function trackConnections(server: NetServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Stops listening and resolves once every connection has closed. Connections still open
 * at the deadline are destroyed; the timers hold the process until then, since a socket
 * that is half-closed and unread keeps nothing alive and close() would never resolve.
 * Whatever the server's own count of connections says, this resolves shortly after the
 * deadline: the port stopped listening at once, and every socket has been destroyed.
 */
export function closeWithin(server: NetServer, sockets: Set<Socket>, deadlineMs = CLOSE_DEADLINE_MS): Promise<void> {
  return new Promise((resolve) => {
    let last: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      last = setTimeout(resolve, CLOSE_SETTLE_MS);
    }, deadlineMs);
    server.close(() => {
      clearTimeout(timer);
      clearTimeout(last);
      resolve();
    });
  });
}
