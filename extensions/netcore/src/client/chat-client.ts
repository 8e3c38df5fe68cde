// The client's chat connection (PROTOCOL.md §9): the same server, the same pinned
// certificate, authorized by the main connection's token.
import { CLIENT_REPLY_TIMEOUT_MS } from '../constants';
import { ErrorCode, PssError, deserializeError } from '../errors';
import { chatText, parseChatServerMessage } from '../protocol/chat-messages';
import { FramedSocket } from '../transport/framed-socket';
import { openTls, type ServerConnection } from './connection';

export interface ChatHandlers {
  message(message: { id: number; text: string; time: string }): void;
  warning(warning: { text: string; time: string }): void;
  closed(err: PssError): void;
}

export class ChatClient {
  private constructor(private readonly conn: FramedSocket) {}

  static async open(main: ServerConnection, handlers: ChatHandlers, timeoutMs = CLIENT_REPLY_TIMEOUT_MS): Promise<ChatClient> {
    if (!main.token || !main.chatPort) throw new PssError(ErrorCode.CHAT_CLOSED, 'this server offers no chat');
    const { socket, tap } = await openTls({ host: main.address.host, port: main.chatPort }, timeoutMs);
    // The chat port must present the very certificate the main port did.
    if (socket.getPeerCertificate()?.fingerprint256 !== main.fingerprint256) {
      socket.destroy();
      throw new PssError(ErrorCode.PIN_MISMATCH, 'the chat port presented another certificate than the main port; nothing was sent');
    }
    let settle: { resolve: () => void; reject: (e: PssError) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    let closedError: PssError | undefined;
    const conn = new FramedSocket(
      socket,
      {
        control: (raw) => {
          const m = parseChatServerMessage(raw);
          switch (m.type) {
            case 'CHAT_OK':
              return settle?.resolve();
            case 'MSG_S2C':
              return handlers.message({ id: m.id, text: m.text, time: m.time });
            case 'WARN_S2C':
              return handlers.warning({ text: m.text, time: m.time });
            case 'ERROR':
              closedError = deserializeError(m);
              return settle?.reject(closedError);
            case 'PONG':
              return;
          }
        },
        data: () => {
          throw new PssError(ErrorCode.BAD_FRAME, 'the chat port carries no data frames');
        },
        failure: (err) => conn.destroy(err),
        closed: (err) => {
          const why = closedError ?? err ?? new PssError(ErrorCode.CONNECTION_LOST, 'the chat connection closed');
          settle?.reject(why);
          handlers.closed(why);
        },
      },
      { tap },
    );
    const timer = setTimeout(() => conn.destroy(new PssError(ErrorCode.TIMEOUT, 'the chat port did not answer')), timeoutMs);
    conn.send({ type: 'CHAT_HELLO', token: main.token });
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
    settle = undefined;
    return new ChatClient(conn);
  }

  get closed(): boolean {
    return this.conn.closed;
  }

  send(text: string): void {
    if (this.conn.closed) throw new PssError(ErrorCode.CHAT_CLOSED, 'the chat connection is closed');
    this.conn.send({ type: 'MSG_C2S', text: chatText(text) });
  }

  close(): void {
    this.conn.end();
  }
}
