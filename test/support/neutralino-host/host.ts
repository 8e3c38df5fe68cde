// A stand-in for the Neutralino 5.5 binary that tests can run anywhere: one HTTP server on
// 127.0.0.1 that serves the document root and `__neutralino_globals.js`, and, on the same
// port, the WebSocket pages and extensions connect to. It starts the configured extensions
// (the real netcore bundle) with the start-up JSON on standard input, routes
// extensions.dispatch to an extension and app.broadcast to every page, dispatches the
// framework's connect/disconnect events, and answers the native calls the UI makes with the
// test's handlers. Behaviour follows server/neuserver.cpp and server/router.cpp; where the
// host differs on purpose (recording, a confined document root) the comment says so.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { extensionCommand, hasMethodAccess, readConfig, REPO_ROOT, type NeutralinoConfig } from './config';
import { ExtensionProcess } from './extension-process';
import { globalsScript, makeToken } from './globals';
import { nativeError, NO_RESPONSE, runNativeMethod, type DialogHandlers, type NativeContext, type NativeOutput } from './native-methods';
import { contentTypeOf, requestPath, serveFile } from './static-files';

/** websocketpp's max_message_size in Neutralino; a larger message closes the socket (1009). */
const HOST_MAX_MESSAGE_BYTES = 32_000_000;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether any string in `value` (keys included) holds a lone surrogate. */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  for (const [k, v] of Object.entries(value)) if (LONE_SURROGATE.test(k) || hasLoneSurrogate(v)) return true;
  return false;
}

export interface NeutralinoHostOptions {
  /** NL_PATH: where neutralino.config.json, resources/ and extensions/ are. The repository by default. */
  appPath?: string;
  /** Merged over the file's top-level keys. */
  config?: Partial<NeutralinoConfig>;
  /** Added to the extensions' environment (e.g. PSS_DATA_DIR). */
  extensionEnv?: Record<string, string>;
  /** Start the configured extensions (default true). */
  startExtensions?: boolean;
  /** Files served before the document root, by URL path (a test page and its script). */
  routes?: Record<string, { body: string | Buffer; contentType?: string }>;
  dialogs?: DialogHandlers;
  /** Arguments the page sees in NL_ARGS after the binary's name. */
  args?: string[];
}

export interface NativeCall {
  method: string;
  data: unknown;
  from: 'app' | 'extension';
  /** The extension's id, for calls an extension made. */
  extensionId?: string;
  at: number;
}

/** Every message sent to a page or an extension, for assertions on what crossed the IPC. */
export interface SentMessage {
  to: 'app' | 'extension';
  extensionId?: string;
  bytes: number;
  message: Record<string, unknown>;
}

export class NeutralinoHost {
  readonly config: NeutralinoConfig;
  readonly appPath: string;
  readonly token = makeToken();
  readonly nativeCalls: NativeCall[] = [];
  readonly sent: SentMessage[] = [];
  /** Messages the host could not parse or that lacked id/method/accessToken (dropped, as Neutralino does). */
  readonly dropped: string[] = [];
  readonly storage = new Map<string, string>();
  /** The native window: its title, and its size once the page has set one. */
  readonly window: { title: string; size?: { width: number; height: number } } = { title: '' };
  readonly extensions = new Map<string, ExtensionProcess>();
  /** Resolves with the exit code once app.exit is called (or the window closes with exitProcessOnClose). */
  readonly exited: Promise<number>;
  private resolveExited: (code: number) => void = () => undefined;
  private hasExited = false;
  private tokenSent = false;
  private readonly apps = new Set<WebSocket>();
  private readonly extSockets = new Map<string, WebSocket>();
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: HOST_MAX_MESSAGE_BYTES, perMessageDeflate: false });
  /** Neutralino runs native calls one at a time on its server thread; so does the host. */
  private queue: Promise<void> = Promise.resolve();
  private listenPort = 0;
  private closing: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly options: NeutralinoHostOptions) {
    this.appPath = options.appPath ?? REPO_ROOT;
    this.config = { ...readConfig(this.appPath), ...options.config };
    this.window.title = this.config.modes?.window?.title ?? '';
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.server = createServer((req, res) => void this.http(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  static async start(options: NeutralinoHostOptions = {}): Promise<NeutralinoHost> {
    const host = new NeutralinoHost(options);
    await new Promise<void>((resolve, reject) => {
      host.server.once('error', reject);
      host.server.listen(0, '127.0.0.1', () => resolve());
    });
    host.listenPort = (host.server.address() as { port: number }).port;
    if (options.startExtensions !== false && host.config.enableExtensions) host.startExtensions();
    return host;
  }

  get port(): number {
    return this.listenPort;
  }

  /** The page Neutralino would open: http://localhost:<port><url>. */
  get url(): string {
    const path = this.config.url ?? '/';
    return /^\//.test(path) ? `http://localhost:${this.port}${path}` : path;
  }

  /** The URL of any path on the host. */
  urlOf(path: string): string {
    return `http://localhost:${this.port}${path}`;
  }

  loadedExtensions(): string[] {
    return this.config.enableExtensions ? (this.config.extensions ?? []).map((e) => e.id) : [];
  }

  connectedExtensions(): string[] {
    return [...this.extSockets.keys()];
  }

  get appConnections(): number {
    return this.apps.size;
  }

  callsTo(method: string): NativeCall[] {
    return this.nativeCalls.filter((c) => c.method === method);
  }

  /** Resolves once `check` holds, re-checked after every message and connection change. */
  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting until ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** The user closes the window: windowClose to everyone, or exit with exitProcessOnClose (api/window/window.cpp). */
  closeWindow(): void {
    if (this.config.modes?.window?.exitProcessOnClose ?? true) this.exit(0);
    else this.dispatch('windowClose', null);
  }

  /** events::dispatch: to every page and every extension. */
  dispatch(event: string, data: unknown): void {
    this.dispatchToApps(event, data);
    this.dispatchToExtensions(event, data);
  }

  dispatchToApps(event: string, data: unknown): void {
    for (const ws of this.apps) this.send(ws, { event, data }, 'app');
  }

  dispatchToExtensions(event: string, data: unknown): void {
    for (const [id, ws] of this.extSockets) this.send(ws, { event, data }, 'extension', id);
  }

  sendToExtension(extensionId: string, event: string, data: unknown): boolean {
    const ws = this.extSockets.get(extensionId);
    if (!ws) return false;
    this.send(ws, { event, data }, 'extension', extensionId);
    return true;
  }

  /**
   * Idempotent. Like the app exiting: the server stops and every socket closes; extensions
   * are then given `graceMs` to end by themselves (Neutralino never stops them) before the
   * host ends the ones left, so a failing test leaves nothing behind.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      this.exit(0);
      await Promise.all(
        [...this.extensions.values()].map(async (ext) => {
          const timer = setTimeout(() => ext.kill('SIGKILL'), graceMs);
          await ext.exited;
          clearTimeout(timer);
        }),
      );
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.listeners.clear();
    })();
    return this.closing;
  }

  /** app.exit: stops listening and drops every connection, as the process ending would. */
  private exit(code: number): void {
    if (this.hasExited) return;
    this.hasExited = true;
    this.server.closeAllConnections();
    for (const ws of [...this.apps, ...this.extSockets.values()]) ws.terminate();
    this.server.close();
    this.resolveExited(code);
    this.changed();
  }

  private startExtensions(): void {
    for (const ext of this.config.extensions ?? []) {
      const command = extensionCommand(ext, this.appPath);
      if (!command) continue;
      const env = { ...process.env, ...this.options.extensionEnv };
      const input = { nlPort: String(this.port), nlToken: this.token, nlConnectToken: this.connectToken, nlExtensionId: ext.id };
      this.extensions.set(ext.id, new ExtensionProcess(ext.id, command, input, env));
    }
  }

  private get connectToken(): string {
    return this.token.split('.')[1]!;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestPath(req.url ?? '/');
    const route = this.options.routes?.[path];
    let status = 200;
    let contentType: string;
    let body: Buffer;
    if (route) {
      contentType = route.contentType ?? contentTypeOf(path);
      body = Buffer.from(route.body);
    } else if (/__neutralino_globals\.js$/.test(path)) {
      contentType = 'application/javascript';
      body = Buffer.from(this.globals());
    } else {
      const root = this.documentRoot();
      // router.cpp: a file named …neutralino.js gets the globals in front of it.
      const r = await serveFile(root, path, /neutralino\.js$/.test(path) ? this.globals() : '');
      ({ status, contentType, body } = r);
    }
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
  }

  private documentRoot(): string {
    const root = (this.config.documentRoot ?? '/').replace(/\/$/, '');
    return `${this.appPath}${root}`;
  }

  /** auth/authbasic.cpp getToken: with one-time token security, only the first request gets it. */
  private globals(): string {
    const oneTime = (this.config.tokenSecurity ?? 'one-time') === 'one-time';
    const token = oneTime && this.tokenSent ? '' : this.token;
    this.tokenSent = true;
    return globalsScript({
      config: this.config,
      port: this.port,
      token,
      appPath: this.appPath,
      args: [`${this.appPath}/neutralino`, ...(this.options.args ?? [])],
      pid: process.pid,
      extensionsEnabled: this.config.enableExtensions === true,
    });
  }

  /** neuserver.cpp handleValidate, then handleConnect. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '';
    const hostName = (req.headers.host ?? '').replace(/:\d+$/, '');
    const param = (name: string) => new RegExp(`${name}=([\\w.\\-_]+)`).exec(url)?.[1] ?? '';
    const isExtension = /extensionId=/.test(url);
    const extensionId = param('extensionId');
    const valid =
      !this.hasExited &&
      (hostName === 'localhost' || hostName === '127.0.0.1') &&
      /connectToken=/.test(url) &&
      param('connectToken') === this.connectToken &&
      (!isExtension || this.loadedExtensions().includes(extensionId));
    if (!valid) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (isExtension) {
        this.extSockets.set(extensionId, ws);
        this.dispatch('extClientConnect', extensionId);
      } else {
        this.apps.add(ws);
        this.dispatch('appClientConnect', this.apps.size);
      }
      this.dispatch('clientConnect', this.apps.size + this.extSockets.size);
      ws.on('message', (raw) => this.enqueue(ws, raw, isExtension ? extensionId : undefined));
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (isExtension) {
          if (this.extSockets.get(extensionId) === ws) this.extSockets.delete(extensionId);
          if (!this.hasExited) this.dispatch('extClientDisconnect', extensionId);
        } else {
          this.apps.delete(ws);
          if (!this.hasExited) this.dispatch('appClientDisconnect', this.apps.size);
        }
        if (!this.hasExited) this.dispatch('clientDisconnect', this.apps.size + this.extSockets.size);
        this.changed();
      });
      this.changed();
    });
  }

  private enqueue(ws: WebSocket, raw: RawData, extensionId: string | undefined): void {
    this.queue = this.queue
      .then(() => this.handleMessage(ws, raw, extensionId))
      .catch((err: unknown) => {
        this.dropped.push(`host error: ${String((err as Error)?.stack ?? err)}`);
      });
  }

  /** neuserver.cpp handleMessage + router.cpp executeNativeMethod (text and binary frames alike). */
  private async handleMessage(ws: WebSocket, raw: RawData, extensionId: string | undefined): Promise<void> {
    if (this.hasExited) return;
    const text = raw.toString();
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
      // nlohmann::json refuses an escaped lone surrogate, which JSON.parse takes.
      if (hasLoneSurrogate(msg)) throw new SyntaxError('lone surrogate');
    } catch {
      this.dropped.push(text.slice(0, 200));
      return;
    }
    const { id, method, accessToken } = msg ?? {};
    if (typeof id !== 'string' || typeof method !== 'string' || typeof accessToken !== 'string') {
      this.dropped.push(text.slice(0, 200));
      return;
    }
    const data = msg.data ?? null;
    const from = extensionId === undefined ? 'app' : 'extension';
    this.nativeCalls.push({ method, data, from, ...(extensionId === undefined ? {} : { extensionId }), at: Date.now() });
    let output: NativeOutput | typeof NO_RESPONSE;
    if (accessToken !== this.token) output = nativeError('NE_RT_INVTOKN', 'Invalid or expired NL_TOKEN value from client');
    else if (this.config.enableNativeAPI !== true) output = nativeError('NE_RT_APIPRME', 'Missing permission to access Native API');
    else if (!hasMethodAccess(this.config, method)) output = nativeError('NE_RT_NATPRME', `Missing permission to execute the native method: ${method}`);
    else output = await runNativeMethod(method, data, this.context(from));
    if (output !== NO_RESPONSE && ws.readyState === WebSocket.OPEN) {
      this.send(ws, { id, method, data: output }, from, extensionId);
    }
    this.changed();
  }

  private context(from: 'app' | 'extension'): NativeContext {
    return {
      from,
      config: this.config,
      storage: this.storage,
      window: this.window,
      dialogs: this.options.dialogs ?? {},
      dispatch: (e, d) => this.dispatch(e, d),
      dispatchToApps: (e, d) => this.dispatchToApps(e, d),
      dispatchToExtensions: (e, d) => this.dispatchToExtensions(e, d),
      sendToExtension: (id, e, d) => this.sendToExtension(id, e, d),
      loadedExtensions: () => this.loadedExtensions(),
      connectedExtensions: () => this.connectedExtensions(),
      exit: (code) => this.exit(code),
    };
  }

  private send(ws: WebSocket, message: Record<string, unknown>, to: 'app' | 'extension', extensionId?: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    this.sent.push({ to, ...(extensionId === undefined ? {} : { extensionId }), bytes: Buffer.byteLength(text), message });
    ws.send(text);
  }
}
