// The chat port (PROTOCOL.md §9): TLS 1.3, the same framing, control frames only. A chat
// connection is authorized by the token of a logged-in main-port session — never by the
// address it comes from — and lives and dies with that session.
import type { Socket } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import {
  BUSY_RETRY_MS,
  CHAT_MAX_FRAME_BYTES,
  HELLO_TIMEOUT_MS,
  PENDING_MAX_FRAME_BYTES,
  PING_MAX_PER_WINDOW,
  PING_WINDOW_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { parseChatClientMessage, type ChatClientMessage, type ChatServerMessage } from '../protocol/chat-messages';
import type { Admission } from '../serving/admission';
import type { ClientSession, SessionRegistry } from '../serving/sessions';
import { processSendPieces } from '../serving/send-pieces';
import { FramedSocket } from '../transport/framed-socket';
import { WindowCounter } from '../transport/window-counter';
import { closeWithin, createTlsListener, listenOn, trackConnections } from '../transport/tls-listener';

export interface ChatServerOptions {
  certPem: string;
  keyPem: string;
  /** Finds the logged-in session a token belongs to and keeps its chat connection. */
  registry: SessionRegistry;
  /** A message from a client, already validated. */
  onMessage: (session: ClientSession, text: string) => void;
  log: LogSink;
  helloTimeoutMs?: number;
  /** The chat port's budget of connections before CHAT_HELLO. */
  admission: Admission;
}

export class ChatServer {
  private readonly tls: Server;
  private readonly sockets: Set<Socket>;
  private readonly open = new Set<FramedSocket>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ChatServerOptions) {
    this.tls = createTlsListener({
      certPem: options.certPem,
      keyPem: options.keyPem,
      handshakeTimeoutMs: TLS_HANDSHAKE_TIMEOUT_MS,
      label: 'chat',
      log: options.log,
      accept: (socket) => this.accept(socket),
    });
    this.sockets = trackConnections(this.tls);
  }

  listen(port: number, host: string): Promise<number> {
    return listenOn(this.tls, port, host, 'chat');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = closeWithin(this.tls, this.sockets);
      for (const conn of this.open) conn.end({ type: 'ERROR', code: ErrorCode.SHUTTING_DOWN, message: 'the server is shutting down' });
      await closed;
    })();
    return this.closing;
  }

  private accept(socket: TLSSocket): void {
    const address = socket.remoteAddress ?? 'unknown';
    let session: ClientSession | undefined;
    const pings = new WindowCounter(PING_MAX_PER_WINDOW, PING_WINDOW_MS);
    const refuse = (code: ErrorCode, message: string) => {
      this.options.log(makeEntry(LogCategory.SECURITY, `chat connection refused: ${message}`, { address }));
      conn.end({ type: 'ERROR', code, message } satisfies ChatServerMessage);
    };
    const conn: FramedSocket = new FramedSocket(
      socket,
      {
        control: (raw) => {
          let msg: ChatClientMessage;
          try {
            msg = parseChatClientMessage(raw);
          } catch (err) {
            const e = err instanceof PssError ? err : new PssError(ErrorCode.BAD_MESSAGE, 'the message is not valid');
            return refuse(e.code, e.message);
          }
          if (!session) {
            if (msg.type !== 'CHAT_HELLO') return refuse(ErrorCode.AUTH_REQUIRED, 'send CHAT_HELLO with a session token first');
            clearTimeout(deadline);
            const found = this.options.registry.findByToken(msg.token);
            if (!found) return refuse(ErrorCode.AUTH_FAILED, 'unknown or expired chat token');
            ticket?.leave();
            // Chat text is at most 4000 characters: a frame never needs more than this.
            conn.limitFrames(CHAT_MAX_FRAME_BYTES);
            session = found;
            // One chat connection per session: a newer one replaces the older.
            this.options.registry.attachChat(session, conn);
            socket.setTimeout(0);
            conn.send({ type: 'CHAT_OK', sessionId: session.id } satisfies ChatServerMessage);
            this.options.log(makeEntry(LogCategory.CHAT, 'chat connected', { sessionId: session.id, address }));
            return;
          }
          if (msg.type === 'PING') {
            // PING keeps a quiet chat alive; a flood of them is not that (the main port's rule).
            if (!pings.allow()) return refuse(ErrorCode.UNEXPECTED_MESSAGE, `more than ${PING_MAX_PER_WINDOW} PINGs within ${PING_WINDOW_MS / 1000} s`);
            return conn.send({ type: 'PONG', id: msg.id } satisfies ChatServerMessage);
          }
          if (msg.type === 'MSG_C2S') return this.options.onMessage(session, msg.text);
          refuse(ErrorCode.UNEXPECTED_MESSAGE, 'CHAT_HELLO was already sent');
        },
        data: () => {
          throw new PssError(ErrorCode.BAD_FRAME, 'the chat port carries no data frames');
        },
        failure: (err) => refuse(err.code, err.message),
        closed: () => {
          clearTimeout(deadline);
          ticket?.leave();
          this.open.delete(conn);
          if (session) this.options.registry.detachChat(session, conn);
          // A closed socket can outlive its connection inside Node for a while; it must not
          // keep the session with it.
          session = undefined;
        },
      },
      { pieces: processSendPieces },
    );
    this.open.add(conn);
    conn.limitFrames(PENDING_MAX_FRAME_BYTES);
    const deadline = setTimeout(() => refuse(ErrorCode.TIMEOUT, 'no CHAT_HELLO in time'), this.options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
    deadline.unref();
    const ticket = this.options.admission.enter(address, {
      evict: (reason) => refuse(ErrorCode.BUSY, `${reason}; try again shortly`),
    });
    if (!ticket) {
      this.options.log(makeEntry(LogCategory.SECURITY, 'chat connection refused: too many connections are waiting to be admitted', { address }));
      conn.end({
        type: 'ERROR',
        code: ErrorCode.BUSY,
        message: 'too many connections are waiting to be admitted; try again shortly',
        retryAfterMs: BUSY_RETRY_MS,
      });
    }
  }
}
