// A bare TLS client that speaks the main-port framing by hand, for feeding the server
// requests (and bytes) the engine's own client would never send. It keeps every byte
// it received so a test can prove something was never sent.
import { connect, type TLSSocket } from 'node:tls';
import { PROTOCOL_VERSION } from '../../extensions/netcore/src/constants';
import { FrameDecoder } from '../../extensions/netcore/src/protocol/decoder';
import { encodeControl } from '../../extensions/netcore/src/protocol/frames';
import { within } from './wait';

export type RawMessage = { type: string; [key: string]: unknown };

export class RawConnection {
  /** Every plaintext byte the server sent, in order. */
  readonly received: Buffer[] = [];
  /** Payload of every data frame, in order. */
  readonly data: Buffer[] = [];
  dataBytes = 0;
  /** Control messages and whole data frames (their lengths) in the order they came. */
  readonly timeline: Array<{ message: RawMessage } | { dataFrame: number }> = [];
  private frameBytes = 0;
  decodeError: Error | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly inbox: RawMessage[] = [];
  private waiter: (() => void) | undefined;
  private isClosed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      try {
        this.decoder.push(chunk, (item) => {
          if (item.kind === 'control') {
            this.inbox.push(item.message as RawMessage);
            this.timeline.push({ message: item.message as RawMessage });
          } else {
            this.data.push(item.bytes);
            this.dataBytes += item.bytes.length;
            this.frameBytes += item.bytes.length;
            if (item.frameEnd) {
              this.timeline.push({ dataFrame: this.frameBytes });
              this.frameBytes = 0;
            }
          }
        });
      } catch (err) {
        this.decodeError = err as Error;
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  /**
   * Completes the TLS handshake (any certificate) and sends nothing yet. `from` picks
   * another loopback source address (127.0.0.2, …) to play a second machine.
   */
  static async open(port: number, from?: string): Promise<RawConnection> {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3', ...(from ? { localAddress: from } : {}) });
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      }),
      5_000,
      `TLS handshake with 127.0.0.1:${port}`,
    );
    return new RawConnection(socket);
  }

  /** Opens, says HELLO and returns the WELCOME (or whatever came instead). */
  static async hello(port: number): Promise<{ raw: RawConnection; welcome: RawMessage }> {
    const raw = await RawConnection.open(port);
    raw.send({ type: 'HELLO', version: PROTOCOL_VERSION, client: 'raw-test/1', name: 'raw test' });
    return { raw, welcome: await raw.next() };
  }

  /**
   * A connection whose HELLO was answered WELCOME, added to `kept` (the test destroys those
   * together); anything else than WELCOME fails the test.
   */
  static async welcomed(port: number, kept: RawConnection[]): Promise<RawConnection> {
    const { raw, welcome } = await RawConnection.hello(port);
    kept.push(raw);
    if (welcome.type !== 'WELCOME') throw new Error(`HELLO was answered ${JSON.stringify(welcome)}, not WELCOME`);
    return raw;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Everything received so far as one buffer. */
  get allBytes(): Buffer {
    return Buffer.concat(this.received);
  }

  send(message: object): void {
    this.socket.write(encodeControl(message));
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next control message; fails if the connection closes or nothing comes in time. */
  async next(timeoutMs = 10_000): Promise<RawMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.inbox.shift();
      if (message) return message;
      if (this.isClosed) throw new Error('the connection closed while a message was awaited');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await within(new Promise<void>((resolve) => (this.waiter = resolve)), left, 'the next message').catch(() => undefined);
    }
  }

  /** Every message received and not yet taken. */
  drain(): RawMessage[] {
    return this.inbox.splice(0);
  }

  /** Messages until (and including) the first of type `last`. */
  async until(last: string, timeoutMs = 10_000): Promise<RawMessage[]> {
    const out: RawMessage[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      out.push(m);
      if (m.type === last || m.type === 'ERROR') return out;
    }
  }

  waitClosed(timeoutMs = 10_000): Promise<void> {
    return within(this.closedPromise, timeoutMs, 'the server to close the connection');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
