// Drops web connections that move no byte for too long: one that never sends a request,
// a keep-alive connection left open, a reader that stopped reading. Node's per-socket
// timeouts do not fire reliably for sockets the HTTP parser consumes from TLS, so the
// byte counters are sampled instead. A download held by Pause is exempt while it waits.
import type { Socket } from 'node:net';

interface Watch {
  bytes: number;
  since: number;
  held: number;
}

export class IdleSockets {
  private readonly watched = new Map<Socket, Watch>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly idleMs: number) {
    this.timer = setInterval(() => this.sweep(), Math.max(20, Math.min(1_000, Math.floor(idleMs / 4))));
    this.timer.unref();
  }

  track(socket: Socket): void {
    this.watched.set(socket, { bytes: socket.bytesRead + socket.bytesWritten, since: Date.now(), held: 0 });
    socket.once('close', () => this.watched.delete(socket));
  }

  /** The connection may stay quiet until release() (a download waiting out a Pause). */
  hold(socket: Socket | null): void {
    const w = socket && this.watched.get(socket);
    if (w) w.held++;
  }

  release(socket: Socket | null): void {
    const w = socket && this.watched.get(socket);
    if (!w) return;
    w.held = Math.max(0, w.held - 1);
    w.since = Date.now();
  }

  close(): void {
    clearInterval(this.timer);
    this.watched.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, w] of this.watched) {
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (bytes !== w.bytes || w.held > 0) {
        w.bytes = bytes;
        w.since = now;
      } else if (now - w.since >= this.idleMs) {
        this.watched.delete(socket);
        socket.destroy();
      }
    }
  }
}
