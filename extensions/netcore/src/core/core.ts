// The core: one object that owns the server and the client of this process. It takes
// contract commands and emits contract events, and is driven the same way by the
// Neutralino bridge, by tests and by anything else (DESIGN §1). It knows nothing of the UI.
import { join } from 'node:path';
import { shortFingerprint } from '../certs/certificate';
import { KnownServers } from '../certs/known-servers';
import { DEFAULT_MAX_CLIENTS } from '../constants';
import { ensureDataDir } from '../data-dir';
import type { CommandName, CommandPayload, CommandResult, Commands, EventSink, ServerState, ServerStatus } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { exportLogs, LOG_EXPORT_FORMATS } from '../logs/export';
import { isLogCategory, LogCategory, makeEntry } from '../logs/log-entry';
import { LOG_DIR_NAME } from '../logs/log-limits';
import { LogStore, type LogQuery } from '../logs/log-store';
import { lanAddresses } from '../serving/lan-addresses';
import { startServer, type RunningServer } from '../host/start-server';
import { WorkerPool, workbookInOwnWorker } from '../workers/pool';
import { ClientController } from './client-controller';
import { check } from './payload-checks';

export interface CoreOptions {
  dataDir: string;
  emit: EventSink;
  /** Keeps the log in memory only (tests); by default it is also written to dataDir/logs. */
  memoryLogOnly?: boolean;
}

type Handler<N extends CommandName> = (payload: CommandPayload<N>) => Promise<CommandResult<N>> | CommandResult<N>;

export class Core {
  readonly logs: LogStore;
  private server: RunningServer | undefined;
  private serverState: ServerState = 'stopped';
  private lastSettings: { maxClients: number } = { maxClients: DEFAULT_MAX_CLIENTS };
  private readonly pool = new WorkerPool();
  private readonly client: ClientController;
  private readonly handlers: { [N in CommandName]: Handler<N> };
  private closed = false;

  constructor(private readonly options: CoreOptions) {
    this.logs = new LogStore(options.memoryLogOnly ? {} : { dir: join(options.dataDir, LOG_DIR_NAME) });
    this.logs.subscribe((entry) => options.emit('log.entry', entry));
    this.client = new ClientController(new KnownServers(options.dataDir), this.pool, options.emit);
    const c = this.client;
    this.handlers = {
      'server.start': (p) => this.start(check.serverSettings(p)),
      'server.stop': () => this.stop(),
      'server.pause': () => (this.running().pause(), this.setState('paused')),
      'server.resume': () => (this.running().resume(), this.setState('running')),
      'server.status': () => this.status(),
      'server.sessions': () => this.server?.sessions() ?? [],
      'session.disconnect': (p) => this.running().disconnect(check.id(p.sessionId), check.optionalText(p.reason)),
      'session.warn': (p) => this.running().warn(check.id(p.sessionId), check.text(p.text)),
      'chat.send': (p) => this.running().chatSend(check.id(p.sessionId), check.text(p.text)),
      'chat.history': (p) => this.running().chatHistory(check.id(p.sessionId)),
      'chat.markRead': (p) => this.running().markRead(check.id(p.sessionId)),
      'logs.query': (p) => this.logs.query(this.logQuery(p)),
      'logs.export': async (p) => {
        if (!LOG_EXPORT_FORMATS.includes(p.format)) throw new PssError(ErrorCode.BAD_ARGUMENT, 'the format must be xlsx, txt or csv');
        // Every matching entry, not one page of them.
        const { limit: _page, ...everything } = this.logQuery(p.query ?? {});
        const entries = this.logs.query(everything).reverse();
        return exportLogs(entries, p.format, check.text(p.filePath), workbookInOwnWorker);
      },
      'client.connect': (p) => c.connect(check.host(p.host), check.port(p.port), p.displayName === undefined ? undefined : check.text(p.displayName)),
      'client.trust': (p) => c.trust(p.accept === true),
      'client.login': (p) => c.login(check.text(p.password)),
      'client.list': () => c.list(),
      'client.download': (p) => c.startDownload(check.downloadRequest(p)),
      'client.cancel': () => c.cancel(),
      'client.retry': () => c.retry(),
      'client.disconnect': () => c.disconnect(),
      'client.chat.send': (p) => c.sendChat(check.text(p.text)),
    };
  }

  /** Runs one command. Failures are PssErrors with a code from errors.ts. */
  async handle<N extends CommandName>(command: N, payload: CommandPayload<N>): Promise<CommandResult<N>> {
    if (this.closed) throw new PssError(ErrorCode.SHUTTING_DOWN, 'netcore is shutting down');
    // Own names only: "toString" or "__proto__" are not commands.
    const handler = this.isCommand(command) ? (this.handlers[command] as Handler<N>) : undefined;
    if (!handler) throw new PssError(ErrorCode.BAD_MESSAGE, `unknown command ${JSON.stringify(String(command)).slice(0, 60)}`);
    if (typeof payload !== 'object' || payload === null) throw new PssError(ErrorCode.BAD_MESSAGE, 'the payload must be an object');
    return handler(payload);
  }

  isCommand(name: unknown): name is keyof Commands {
    return typeof name === 'string' && Object.hasOwn(this.handlers, name);
  }

  /** Idempotent: stops the server, the client and the workers, and flushes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.disconnect();
    await this.server?.close();
    await this.pool.close();
    await this.logs.close();
  }

  private log(category: LogCategory, message: string): void {
    this.logs.add(makeEntry(category, message));
  }

  private async start(settings: ReturnType<typeof check.serverSettings>): Promise<ServerStatus> {
    if (this.serverState !== 'stopped') throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'the server is already running');
    this.setState('starting');
    this.lastSettings = { maxClients: settings.maxClients };
    let countShown = 0;
    try {
      this.server = await startServer({
        ...settings,
        dataDir: await ensureDataDir(this.options.dataDir),
        log: this.logs.sink,
        events: (event, payload) => {
          this.options.emit(event, payload);
          // The status counts the sessions that hold a client place: a UI showing it learns of
          // each arrival, login and departure (while stopping, the final 'stopped' status says
          // there are none).
          if (!event.startsWith('session.') || (this.serverState !== 'running' && this.serverState !== 'paused')) return;
          const count = this.server?.sessionCount ?? 0;
          if (event === 'session.added' || event === 'session.removed' || count !== countShown) this.options.emit('server.status', this.status());
          countShown = count;
        },
      });
    } catch (err) {
      const e = err as PssError;
      this.log(LogCategory.ERROR, `the server could not start: ${e.message}`);
      this.setState('stopped');
      throw e;
    }
    const server = this.server;
    server.share.notShared.onChange(() => {
      if (this.server === server && (this.serverState === 'running' || this.serverState === 'paused')) this.options.emit('server.status', this.status());
    });
    return this.setState('running');
  }

  private async stop(): Promise<ServerStatus> {
    const server = this.server;
    if (!server) return this.status();
    this.setState('stopping');
    await server.close();
    this.server = undefined;
    return this.setState('stopped');
  }

  private running(): RunningServer {
    if (!this.server) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'the server is not running');
    return this.server;
  }

  private setState(state: ServerState): ServerStatus {
    this.serverState = state;
    const status = this.status();
    this.options.emit('server.status', status);
    return status;
  }

  private status(): ServerStatus {
    const s = this.server;
    return {
      state: this.serverState,
      mainPort: s?.mainPort ?? null,
      chatPort: s?.chatPort ?? null,
      webPort: s?.webPort ?? null,
      addresses: s ? lanAddresses(s.bind) : [],
      fingerprint: s?.fingerprint256 ?? null,
      shortFingerprint: s ? shortFingerprint(s.fingerprint256) : null,
      share: s ? { path: s.share.root, kind: s.share.kind } : null,
      passwordRequired: s?.passwordRequired ?? false,
      maxClients: s?.maxClients ?? this.lastSettings.maxClients,
      sessions: s?.sessionCount ?? 0,
      webAccess: s?.webAccess ?? [],
      notShared: s?.share.notShared.counts ?? {},
    };
  }

  private logQuery(q: { categories?: unknown; text?: unknown; from?: unknown; to?: unknown; limit?: unknown }): LogQuery {
    const out: LogQuery = {};
    if (Array.isArray(q.categories)) out.categories = q.categories.filter(isLogCategory);
    if (typeof q.text === 'string' && q.text !== '') out.text = q.text;
    if (typeof q.from === 'string') out.from = q.from;
    if (typeof q.to === 'string') out.to = q.to;
    if (typeof q.limit === 'number' && Number.isSafeInteger(q.limit) && q.limit > 0) out.limit = q.limit;
    return out;
  }
}
