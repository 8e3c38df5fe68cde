// A minimal Neutralino for the bridge's tests: a WebSocket server on 127.0.0.1 that accepts
// one extension the way Neutralino does (extensionId + connectToken in the URL), answers its
// native calls with success, records its app.broadcast messages, and sends it events. It
// starts the real netcore bundle with `--neutralino` and the start-up JSON on standard input,
// directly or under a parent process the test can kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { CLI_BUNDLE } from './cli-runner';
import { within, waitUntil } from './wait';

const EXTENSION_ID = 'app.prosecuresuite.netcore';

export interface Broadcast {
  event: string;
  data: unknown;
  /** Bytes of the whole message netcore sent. */
  bytes: number;
}

export interface HarnessOptions {
  dataDir: string;
  /** Refuse this many connection attempts with 403 before accepting one. */
  rejectFirst?: number;
  /** 'direct': the test process is the parent. 'parent': a node process in between that the
   * test can kill. 'shell': that node process runs netcore through /bin/sh -c, as Neutralino does. */
  launch?: 'direct' | 'parent' | 'shell';
  /** Replaces the start-up JSON. */
  stdin?: string;
  /** Events sent the moment netcore connects, as Neutralino and waiting pages do. */
  greet?: { event: string; data: unknown }[];
  /**
   * Runs this executable (a release's `pss`) directly instead of the bundle through node,
   * with exactly `env` (PSS_DATA_DIR is not added: the release folder decides); `dataDir`
   * is then only where the harness reads the bridge log.
   */
  executable?: { path: string; env: NodeJS.ProcessEnv; cwd: string };
}

export class BridgeHarness {
  readonly token = 'A'.repeat(20) + '_-' + 'b'.repeat(26) + '.' + 'C0-_'.repeat(12);
  readonly connectToken = this.token.split('.')[1]!;
  readonly broadcasts: Broadcast[] = [];
  readonly calls: { id: unknown; method: string; accessToken: unknown }[] = [];
  /** Upgrade requests seen, with the answer given. */
  readonly attempts: { url: string; accepted: boolean }[] = [];
  socket: WebSocket | undefined;
  /** netcore's pid (not the pid of a launcher in between). */
  netcorePid = 0;
  /** The process the harness started: netcore itself, or the launcher. */
  child!: ChildProcess;
  /** The exit of the process the harness started. */
  childExit!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output = '';
  private server!: Server;
  private wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private rejectsLeft: number;
  private listeners = new Set<() => void>();

  private constructor(private readonly options: HarnessOptions) {
    this.rejectsLeft = options.rejectFirst ?? 0;
  }

  static async start(options: HarnessOptions): Promise<BridgeHarness> {
    const h = new BridgeHarness(options);
    await h.listen();
    h.launch();
    if (h.netcorePid === 0) await waitUntil(() => h.netcorePid !== 0, 'the launcher to report the netcore pid', { timeoutMs: 10_000 });
    return h;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get logPath(): string {
    return join(this.options.dataDir, 'logs', 'bridge.log');
  }

  /** The bridge log's lines, parsed. */
  logLines(): { level: string; message: string; [key: string]: unknown }[] {
    let text = '';
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  /** Sends one event to netcore, as Neutralino delivers a dispatch or a framework event. */
  sendEvent(event: string, data: unknown): void {
    this.socket!.send(JSON.stringify({ event, data }));
  }

  /** Sends a raw text message. */
  sendRaw(text: string): void {
    this.socket!.send(text);
  }

  async waitConnected(timeoutMs = 15_000): Promise<void> {
    await this.waitFor(() => this.socket !== undefined && this.socket.readyState === WebSocket.OPEN, 'netcore to connect', timeoutMs);
  }

  /** The first broadcast at or after `since` passing `test`. */
  async waitForBroadcast(test: (b: Broadcast) => boolean, what: string, since = 0, timeoutMs = 15_000): Promise<Broadcast> {
    let found: Broadcast | undefined;
    await this.waitFor(() => (found = this.broadcasts.slice(since).find(test)) !== undefined, what, timeoutMs);
    return found!;
  }

  /** Resolves once netcore's process is gone (reaped or a zombie). */
  async waitNetcoreExit(timeoutMs: number): Promise<void> {
    await waitUntil(() => !isAlive(this.netcorePid), `netcore (pid ${this.netcorePid}) to exit`, { timeoutMs, intervalMs: 50 });
  }

  /** Ends whatever is left: netcore and the launcher (by pid), the server. */
  async close(): Promise<void> {
    for (const pid of [this.netcorePid, this.child.pid]) {
      if (pid && isAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    await waitUntil(() => !isAlive(this.netcorePid), 'netcore to be gone', { timeoutMs: 5_000 }).catch(() => undefined);
    this.socket?.terminate();
    await within(new Promise<void>((resolve) => this.server.close(() => resolve())), 5_000, 'the harness server to close');
  }

  private waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return within(
      new Promise<void>((resolve) => {
        const l = () => {
          if (!check()) return;
          this.listeners.delete(l);
          resolve();
        };
        this.listeners.add(l);
      }),
      timeoutMs,
      `${what}\n--- bridge log ---\n${this.logLines()
        .map((l) => JSON.stringify(l))
        .join('\n')}\n--- output ---\n${this.output}`,
    );
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  private listen(): Promise<void> {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', (req, socket, head) => {
      const url = req.url ?? '';
      const q = new URL(url, 'http://127.0.0.1');
      const ok = q.searchParams.get('extensionId') === EXTENSION_ID && q.searchParams.get('connectToken') === this.connectToken && this.rejectsLeft-- <= 0;
      this.attempts.push({ url, accepted: ok });
      if (!ok) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.socket = ws;
        for (const g of this.options.greet ?? []) ws.send(JSON.stringify(g));
        ws.on('message', (raw) => this.receive(ws, raw.toString()));
        ws.on('close', () => this.changed());
        this.changed();
      });
    });
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  private receive(ws: WebSocket, text: string): void {
    const msg = JSON.parse(text) as { id: unknown; method: string; accessToken: unknown; data: { event: string; data: unknown } };
    this.calls.push({ id: msg.id, method: msg.method, accessToken: msg.accessToken });
    if (msg.method === 'app.broadcast') this.broadcasts.push({ event: msg.data.event, data: msg.data.data, bytes: Buffer.byteLength(text) });
    ws.send(JSON.stringify({ id: msg.id, method: msg.method, data: { success: true } }));
    this.changed();
  }

  private launch(): void {
    const input =
      this.options.stdin ?? JSON.stringify({ nlConnectToken: this.connectToken, nlExtensionId: EXTENSION_ID, nlPort: String(this.port), nlToken: this.token });
    const env = { ...process.env, PSS_DATA_DIR: this.options.dataDir };
    const mode = this.options.launch ?? 'direct';
    const exe = this.options.executable;
    if (exe) {
      this.child = spawn(exe.path, ['--neutralino'], { env: exe.env, cwd: exe.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      this.netcorePid = this.child.pid!;
      this.child.stdin!.end(input);
    } else if (mode === 'direct') {
      this.child = spawn(process.execPath, [CLI_BUNDLE, '--neutralino'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      this.netcorePid = this.child.pid!;
      this.child.stdin!.end(input);
    } else {
      // The launcher starts netcore, prints its pid (for the shell: the shell's child), then idles.
      const command =
        mode === 'shell'
          ? `['/bin/sh', ['-c', ${JSON.stringify(`"${process.execPath}" "${CLI_BUNDLE}" --neutralino`)}]]`
          : `[process.execPath, [${JSON.stringify(CLI_BUNDLE)}, '--neutralino']]`;
      const script = `
        const { spawn } = require('node:child_process');
        const { readFileSync } = require('node:fs');
        const [cmd, args] = ${command};
        const c = spawn(cmd, args, { stdio: ['pipe', 'inherit', 'inherit'] });
        c.stdin.end(process.env.PSS_TEST_STDIN);
        const report = () => {
          let pid = c.pid;
          if (cmd === '/bin/sh') {
            pid = 0;
            for (const name of require('node:fs').readdirSync('/proc')) {
              if (!/^\\d+$/.test(name)) continue;
              try {
                const stat = readFileSync('/proc/' + name + '/stat', 'utf8');
                if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === c.pid) pid = Number(name);
              } catch {}
            }
          }
          if (pid) process.stdout.write('netcore-pid ' + pid + '\\n'); else setTimeout(report, 20);
        };
        report();
        setInterval(() => undefined, 1000);`;
      this.child = spawn(process.execPath, ['-e', script], { env: { ...env, PSS_TEST_STDIN: input }, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.output += s;
      const m = /netcore-pid (\d+)/.exec(this.output);
      if (m && this.netcorePid === 0) this.netcorePid = Number(m[1]);
      this.changed();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.output += s));
    this.childExit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }
}

/** Whether `pid` runs: a zombie counts as gone (it has exited; only its parent has not looked yet). */
export function isAlive(pid: number): boolean {
  if (!pid) return false;
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
