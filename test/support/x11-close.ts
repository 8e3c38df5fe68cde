// Closes a top-level window the way a window manager's close button does: an X11
// ClientMessage WM_PROTOCOLS / WM_DELETE_WINDOW sent to the window, over the display's Unix
// socket. Just enough of the core protocol for that (no library, no tool to install):
// connection setup, InternAtom, QueryTree, GetProperty, SendEvent. Little-endian throughout.
import { connect, type Socket } from 'node:net';
import { within } from './wait';

class X11Connection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private failed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiting?.();
    });
    socket.on('error', (err) => {
      this.failed = err;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.failed ??= new Error('the X server closed the connection');
      this.waiting?.();
    });
  }

  static async open(display: number): Promise<{ x: X11Connection; root: number }> {
    const socket = connect(`/tmp/.X11-unix/X${display}`);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const x = new X11Connection(socket);
    const setup = Buffer.alloc(12);
    setup[0] = 0x6c; // 'l': little-endian
    setup.writeUInt16LE(11, 2);
    socket.write(setup);
    const head = await x.read(8);
    if (head[0] !== 1) throw new Error('the X server refused the connection');
    const body = await x.read(head.readUInt16LE(6) * 4);
    const vendorLength = body.readUInt16LE(16);
    const formats = body[21]!;
    const screens = 32 + Math.ceil(vendorLength / 4) * 4 + formats * 8;
    return { x, root: body.readUInt32LE(screens) };
  }

  async atom(name: string): Promise<number> {
    const n = Buffer.from(name, 'latin1');
    const req = Buffer.alloc(8 + Math.ceil(n.length / 4) * 4);
    req[0] = 16;
    req.writeUInt16LE(req.length / 4, 2);
    req.writeUInt16LE(n.length, 4);
    n.copy(req, 8);
    return (await this.request(req)).readUInt32LE(8);
  }

  async children(window: number): Promise<number[]> {
    const req = Buffer.alloc(8);
    req[0] = 15;
    req.writeUInt16LE(2, 2);
    req.writeUInt32LE(window, 4);
    const reply = await this.request(req);
    const count = reply.readUInt16LE(16);
    return Array.from({ length: count }, (_, i) => reply.readUInt32LE(32 + i * 4));
  }

  async property(window: number, atom: number): Promise<string> {
    const req = Buffer.alloc(24);
    req[0] = 20;
    req.writeUInt16LE(6, 2);
    req.writeUInt32LE(window, 4);
    req.writeUInt32LE(atom, 8);
    req.writeUInt32LE(0, 12); // any type
    req.writeUInt32LE(0, 16);
    req.writeUInt32LE(1024, 20);
    const reply = await this.request(req);
    const format = reply[1]!;
    const length = reply.readUInt32LE(16) * (format / 8);
    return reply.subarray(32, 32 + length).toString('utf8');
  }

  /** WM_PROTOCOLS / WM_DELETE_WINDOW to `window`; SendEvent has no reply, so a GetInputFocus follows to flush. */
  async sendDelete(window: number, protocols: number, deleteWindow: number): Promise<void> {
    const req = Buffer.alloc(44);
    req[0] = 25;
    req.writeUInt16LE(11, 2);
    req.writeUInt32LE(window, 4);
    req.writeUInt32LE(0, 8); // no event mask: to the client that made the window
    req[12] = 33; // ClientMessage
    req[13] = 32; // format
    req.writeUInt32LE(window, 16);
    req.writeUInt32LE(protocols, 20);
    req.writeUInt32LE(deleteWindow, 24);
    this.socket.write(req);
    const sync = Buffer.alloc(4);
    sync[0] = 43;
    sync.writeUInt16LE(1, 2);
    await this.request(sync);
  }

  close(): void {
    this.socket.destroy();
  }

  private async request(req: Buffer): Promise<Buffer> {
    this.socket.write(req);
    for (;;) {
      const head = await this.read(32);
      if (head[0] === 0) throw new Error(`X error ${head[1]} for request ${req[0]}`);
      if (head[0] === 1) return Buffer.concat([head, await this.read(head.readUInt32LE(4) * 4)]);
      // An event: not asked for, skipped.
    }
  }

  private async read(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.failed) throw this.failed;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }
}

/** Asks every top-level window whose title contains `title` to close; returns how many there were. */
export async function closeWindowsTitled(display: number, title: string, timeoutMs = 5_000): Promise<number> {
  return within(
    (async () => {
      const { x, root } = await X11Connection.open(display);
      try {
        const [wmName, netWmName, protocols, deleteWindow] = [
          await x.atom('WM_NAME'),
          await x.atom('_NET_WM_NAME'),
          await x.atom('WM_PROTOCOLS'),
          await x.atom('WM_DELETE_WINDOW'),
        ];
        let closed = 0;
        for (const w of await x.children(root)) {
          const name = (await x.property(w, netWmName)) || (await x.property(w, wmName));
          if (!name.includes(title)) continue;
          await x.sendDelete(w, protocols, deleteWindow);
          closed++;
        }
        return closed;
      } finally {
        x.close();
      }
    })(),
    timeoutMs,
    `closing the window titled ${title}`,
  );
}
