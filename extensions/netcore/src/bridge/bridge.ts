// Moves messages between Neutralino and the core, and nothing else (DESIGN §1): requests the
// UI dispatches become Core commands, their answers and the core's events go back to every
// page with app.broadcast. Event names and the chunking of large envelopes are in ../ipc.ts.
import type { Envelope, EventName, Events } from '../contract';
import { ErrorCode, isErrorCode } from '../errors';
import { ChunkAssembler, IPC_MESSAGE_MAX_BYTES, IpcEvent, isEnvelope, toIpcMessages } from '../ipc';
import type { NeutralinoEvent } from './neutralino-socket';

/** What the bridge needs from the core. */
export interface CommandTarget {
  handle(command: never, payload: never): Promise<unknown>;
}

export interface BridgeLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface BridgeOptions {
  /** Sends one app.broadcast to every page. */
  broadcast: (event: string, data: unknown) => void;
  target: CommandTarget;
  log: BridgeLogger;
  /** Neutralino asked the app to close its window. */
  onWindowClose: () => void;
  maxMessageBytes?: number;
}

/** Neutralino's own events, which say nothing to netcore but windowClose. */
const FRAMEWORK_EVENTS = new Set([
  'ready',
  'serverOffline',
  'clientConnect',
  'clientDisconnect',
  'extClientConnect',
  'extClientDisconnect',
  'extensionReady',
  'windowFocus',
  'windowBlur',
  'windowMinimize',
  'windowRestore',
  'trayMenuItemClicked',
  'spawnedProcess',
  'openedFile',
  'watchFile',
]);
/** Unknown event names are logged once each, up to this many. */
const MAX_LOGGED_UNKNOWN = 50;

export class Bridge {
  private readonly assembler: ChunkAssembler;
  private readonly unknownLogged = new Set<string>();
  private nextChunk = 1;
  private readonly maxMessageBytes: number;

  constructor(private readonly options: BridgeOptions) {
    this.maxMessageBytes = options.maxMessageBytes ?? IPC_MESSAGE_MAX_BYTES;
    this.assembler = new ChunkAssembler({ onDrop: (reason) => options.log.warn('dropped a chunked request', { reason }) });
  }

  /** The core's event sink. */
  readonly emit = <E extends EventName>(event: E, payload: Events[E]): void => {
    this.send({ kind: 'event', event, payload });
  };

  /** Routes one event Neutralino delivered to the extension. */
  receive(e: NeutralinoEvent): void {
    switch (e.event) {
      case IpcEvent.request:
        return this.request(e.data);
      case IpcEvent.chunk: {
        const envelope = this.assembler.accept(e.data);
        if (envelope) this.request(envelope);
        return;
      }
      case 'windowClose':
        return this.options.onWindowClose();
      // Pages coming and going say whether the UI is there: worth a line when diagnosing.
      case 'appClientConnect':
      case 'appClientDisconnect':
        this.options.log.info(e.event === 'appClientConnect' ? 'a page connected' : 'a page disconnected', { pages: e.data });
        return;
      default:
        if (FRAMEWORK_EVENTS.has(e.event) || this.unknownLogged.size >= MAX_LOGGED_UNKNOWN || this.unknownLogged.has(e.event)) return;
        this.unknownLogged.add(e.event);
        this.options.log.info('ignored an event netcore does not know', { event: e.event.slice(0, 100) });
    }
  }

  private request(data: unknown): void {
    if (!isEnvelope(data) || data.kind !== 'request') {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) {
        this.send({ kind: 'response', id, ok: false, error: { code: ErrorCode.BAD_MESSAGE, message: 'the request is not a contract request' } });
      } else {
        this.options.log.warn('dropped a request without an id');
      }
      return;
    }
    const { id, command, payload } = data;
    let pending: Promise<unknown>;
    try {
      pending = this.options.target.handle(command as never, payload as never);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (result) => this.send({ kind: 'response', id, ok: true, result: result === undefined ? null : result }),
      (err: unknown) => this.send({ kind: 'response', id, ok: false, error: this.serialize(err, command) }),
    );
  }

  private serialize(err: unknown, command: string): { code: ErrorCode; message: string } {
    const e = err as { code?: unknown; message?: unknown; retryAfterMs?: unknown; stack?: unknown } | null;
    if (e && isErrorCode(e.code)) {
      const out: { code: ErrorCode; message: string; retryAfterMs?: number } = { code: e.code, message: String(e.message) };
      if (typeof e.retryAfterMs === 'number') out.retryAfterMs = e.retryAfterMs;
      return out;
    }
    this.options.log.warn('a command failed unexpectedly', { command: command.slice(0, 60), error: String(e?.stack ?? e) });
    return { code: ErrorCode.INTERNAL, message: typeof e?.message === 'string' ? e.message : String(err) };
  }

  private send(envelope: Envelope): void {
    for (const message of toIpcMessages(envelope, () => `${process.pid}-${this.nextChunk++}`, this.maxMessageBytes)) {
      this.options.broadcast(message.event, message.data);
    }
  }
}
