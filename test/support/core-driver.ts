// Drives a Core the way the desktop UI does: commands through handle(), every emitted
// event recorded with the time it arrived, and bounded waits for the event a step needs.
// One driver plays the server, others play clients; each has a data folder of its own.
import { Core } from '../../extensions/netcore/src/core/core';
import type {
  ClientState,
  CommandName,
  CommandPayload,
  CommandResult,
  EventName,
  Events,
  ServerSettings,
  ServerStatus,
  SessionInfo,
} from '../../extensions/netcore/src/contract';
import { makeTempDir, removeDir } from './temp-dir';
import { waitUntil, within } from './wait';

export interface Recorded<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
  /** Date.now() when it was emitted. */
  at: number;
}

export interface WaitOptions {
  /** Only events recorded at or after this position (see mark()). */
  since?: number;
  timeoutMs?: number;
  /** Gives up quietly (the promise never settles) once aborted. */
  signal?: AbortSignal;
}

export interface ConnectOptions {
  displayName: string;
  password?: string;
  /** Waits until the client's chat is open as well. */
  chat?: boolean;
}

export class CoreDriver {
  readonly core: Core;
  readonly events: Recorded[] = [];
  private readonly listeners = new Set<() => void>();
  private closing: Promise<void> | undefined;

  private constructor(
    readonly dataDir: string,
    readonly label: string,
  ) {
    this.core = new Core({
      dataDir,
      memoryLogOnly: true,
      emit: (event, payload) => {
        this.events.push({ event, payload, at: Date.now() } as Recorded);
        for (const listener of [...this.listeners]) listener();
      },
    });
  }

  /** A core with a fresh data folder, removed again by close(). */
  static async create(label: string): Promise<CoreDriver> {
    return new CoreDriver(await makeTempDir(`core-${label}`), label);
  }

  handle<N extends CommandName>(command: N, payload: CommandPayload<N>): Promise<CommandResult<N>> {
    return this.core.handle(command, payload);
  }

  /** The position of the next event, for `since`. */
  mark(): number {
    return this.events.length;
  }

  recorded<E extends EventName>(event: E, since = 0): Recorded<E>[] {
    return this.events.slice(since).filter((r) => r.event === event) as unknown as Recorded<E>[];
  }

  payloads<E extends EventName>(event: E, since = 0): Events[E][] {
    return this.recorded(event, since).map((r) => r.payload);
  }

  /** The first event `event` at or after `since` that passes `test`, now or when it comes. */
  waitFor<E extends EventName>(event: E, test: (payload: Events[E]) => boolean = () => true, options: WaitOptions = {}): Promise<Events[E]> {
    const { since = 0, timeoutMs = 10_000, signal } = options;
    let checked = since;
    const find = (): Events[E] | undefined => {
      for (; checked < this.events.length; checked++) {
        const r = this.events[checked]!;
        if (r.event === event && test(r.payload as Events[E])) return r.payload as Events[E];
      }
      return undefined;
    };
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<Events[E]>((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        signal?.removeEventListener('abort', stop);
      };
      const listener = () => {
        const found = find();
        if (found === undefined) return;
        stop();
        resolve(found);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${this.label}: no ${event} event passing the test within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
      signal?.addEventListener('abort', stop);
    });
  }

  /** Starts the server on 127.0.0.1 and a free port. */
  startServer(sharePath: string, settings: Partial<ServerSettings> = {}): Promise<ServerStatus> {
    return this.handle('server.start', { sharePath, port: 0, bind: '127.0.0.1', maxClients: 10, ...settings });
  }

  /**
   * Connects to 127.0.0.1:`port` as the UI would: answers the first-contact trust prompt
   * with "trust", logs in when a password is asked for, and optionally waits for chat.
   * Fails with the error client.connect (or client.login) failed with.
   */
  async connect(port: number, options: ConnectOptions): Promise<ClientState> {
    const since = this.mark();
    const connecting = this.handle('client.connect', { host: '127.0.0.1', port, displayName: options.displayName });
    connecting.catch(() => undefined);
    const abort = new AbortController();
    const prompt = this.waitFor('client.state', (s) => s.phase === 'awaiting-trust', { since, timeoutMs: 15_000, signal: abort.signal });
    prompt.catch(() => undefined);
    let asked: boolean;
    try {
      asked = await within(Promise.race([connecting.then(() => false), prompt.then(() => true)]), 15_000, `${this.label}: client.connect`);
    } finally {
      abort.abort();
    }
    if (asked) await this.handle('client.trust', { accept: true });
    let state = await within(connecting, 15_000, `${this.label}: client.connect after trusting`);
    if (state.phase === 'awaiting-password' && options.password !== undefined) {
      state = await within(this.handle('client.login', { password: options.password }), 15_000, `${this.label}: client.login`);
    }
    if (options.chat) await this.waitFor('client.state', (s) => s.chatReady, { since, timeoutMs: 10_000 });
    return state;
  }

  /** Each session as the session events last described it (what a UI's list shows). */
  sessionView(): Map<string, SessionInfo> {
    const view = new Map<string, SessionInfo>();
    for (const r of this.events) {
      if (r.event === 'session.added' || r.event === 'session.changed') {
        const s = r.payload as SessionInfo;
        view.set(s.id, s);
      } else if (r.event === 'session.removed') {
        view.delete((r.payload as Events['session.removed']).id);
      }
    }
    return view;
  }

  /** The server's session whose display name is `name`, once it exists. */
  async session(name: string, test: (s: SessionInfo) => boolean = () => true): Promise<SessionInfo> {
    let found: SessionInfo | undefined;
    await waitUntil(
      async () => {
        found = (await this.handle('server.sessions', {})).find((s) => s.name === name && test(s));
        return found !== undefined;
      },
      `${this.label}: a session named ${name}`,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    return found!;
  }

  /** Idempotent: closes the core (server, client, workers) and removes the data folder. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        // A chat still opening in the background is let finish first: closing in that
        // moment is a case of its own (client-chat-lifecycle.test.ts), not every test's.
        const last = this.payloads('client.state').at(-1);
        if (last && (last.phase === 'connected' || last.phase === 'downloading') && !last.chatReady) {
          await this.waitFor('client.state', (s) => s.chatReady || s.phase === 'disconnected', { since: this.mark(), timeoutMs: 2_000 }).catch(() => undefined);
        }
        await within(this.core.close(), 15_000, `${this.label}: core.close()`);
      } finally {
        this.listeners.clear();
        await removeDir(this.dataDir);
      }
    })();
    return this.closing;
  }
}

/** Closes every driver given, whatever fails (undefined ones are skipped). */
export async function closeAll(...drivers: (CoreDriver | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(drivers.map((d) => d?.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The most events within any window of `windowMs`, given their arrival times. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
