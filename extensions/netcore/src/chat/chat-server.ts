// The chat port (PROTOCOL.md §9): TLS 1.3, the same framing, control frames only. A chat
// connection is authorized by the token of a logged-in main-port session — never by the
// address it comes from — and lives and dies with that session.
import { once } from 'node:events';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { HELLO_TIMEOUT_MS, MAIN_PORT_CIPHERS, TLS_HANDSHAKE_TIMEOUT_MS } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { parseChatClientMessage, type ChatServerMessage } from '../protocol/chat-messages';
import type { Session } from '../server/session';
import { FramedSocket } from '../transport/framed-socket';

export interface ChatServerOptions {
  certPem: string;
  keyPem: string;
  /** The logged-in session a token belongs to. */
  findByToken: (token: string) => Session | undefined;
  /** A message from a client, already validated. */
  onMessage: (session: Session, text: string) => void;
  /** A session's chat connection opened or closed. */
  onChatChange: (session: Session) => void;
  log: LogSink;
  helloTimeoutMs?: number;
}

export class ChatServer {
  private readonly tls: Server;
  private readonly open = new Set<FramedSocket>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ChatServerOptions) {
    this.tls = createServer({
      cert: options.certPem,
      key: options.keyPem,
      minVersion: 'TLSv1.3',
      ciphers: MAIN_PORT_CIPHERS,
      honorCipherOrder: true,
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    });
    this.tls.on('secureConnection', (socket) => this.accept(socket));
    this.tls.on('tlsClientError', (err, socket) => {
      options.log(makeEntry(LogCategory.SECURITY, `chat TLS handshake failed: ${err.message}`, { address: socket.remoteAddress ?? 'unknown' }));
      socket.destroy();
    });
  }

  async listen(port: number, host: string): Promise<number> {
    this.tls.listen(port, host);
    try {
      await once(this.tls, 'listening');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new PssError(ErrorCode.PORT_IN_USE, `chat port ${port} on ${host} is not available: ${e.code ?? e.message}`);
    }
    const address = this.tls.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((r) => this.tls.close(() => r()));
      for (const conn of this.open) conn.end({ type: 'ERROR', code: ErrorCode.SHUTTING_DOWN, message: 'the server is shutting down' });
      await closed;
    })();
    return this.closing;
  }

  private accept(socket: TLSSocket): void {
    const address = socket.remoteAddress ?? 'unknown';
    let session: Session | undefined;
    const refuse = (code: ErrorCode, message: string) => {
      this.options.log(makeEntry(LogCategory.SECURITY, `chat connection refused: ${message}`, { address }));
      conn.end({ type: 'ERROR', code, message } satisfies ChatServerMessage);
    };
    const conn: FramedSocket = new FramedSocket(socket, {
      control: (raw) => {
        const msg = parseChatClientMessage(raw);
        if (!session) {
          if (msg.type !== 'CHAT_HELLO') return refuse(ErrorCode.AUTH_REQUIRED, 'send CHAT_HELLO with a session token first');
          clearTimeout(deadline);
          const found = this.options.findByToken(msg.token);
          if (!found) return refuse(ErrorCode.AUTH_FAILED, 'unknown or expired chat token');
          session = found;
          // One chat connection per session: a newer one replaces the older.
          session.chat?.end({ type: 'ERROR', code: ErrorCode.DISCONNECTED, message: 'replaced by a newer chat connection' });
          session.chat = conn;
          socket.setTimeout(0);
          conn.send({ type: 'CHAT_OK', sessionId: session.id } satisfies ChatServerMessage);
          this.options.log(makeEntry(LogCategory.CHAT, 'chat connected', { sessionId: session.id, address }));
          this.options.onChatChange(session);
          return;
        }
        if (msg.type === 'PING') return conn.send({ type: 'PONG', id: msg.id } satisfies ChatServerMessage);
        if (msg.type === 'MSG_C2S') return this.options.onMessage(session, msg.text);
        refuse(ErrorCode.UNEXPECTED_MESSAGE, 'CHAT_HELLO was already sent');
      },
      data: () => {
        throw new PssError(ErrorCode.BAD_FRAME, 'the chat port carries no data frames');
      },
      failure: (err) => refuse(err.code, err.message),
      closed: () => {
        clearTimeout(deadline);
        this.open.delete(conn);
        if (session && session.chat === conn) {
          session.chat = undefined;
          this.options.onChatChange(session);
        }
      },
    });
    this.open.add(conn);
    const deadline = setTimeout(() => refuse(ErrorCode.TIMEOUT, 'no CHAT_HELLO in time'), this.options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
    deadline.unref();
  }
}
