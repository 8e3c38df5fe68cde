// The UI's side of the netcore IPC: typed requests that resolve with the command's result,
// typed event subscriptions, reassembly of chunked messages, and timeouts. Pure: it talks to
// a NetcoreTransport (Neutralino in the app, see neutralino-transport.ts; anything in tests).
//
//   const netcore = createNetcoreClient(neutralinoTransport());
//   const status = await netcore.request('server.status', {});
//   const off = netcore.on('session.changed', (session) => …);
//
// A failed command rejects with a NetcoreError carrying netcore's `code` (errors.ts).
// Besides netcore's own codes: TIMEOUT when no answer came in time, DISCONNECTED when the
// message could not be delivered, SHUTTING_DOWN after close().
import type {
  CommandName,
  CommandPayload,
  CommandResult,
  Envelope,
  ErrorCode,
  EventName,
  Events,
  NetcoreApi,
} from '../../../../extensions/netcore/src/contract';
import { ChunkAssembler, IPC_MESSAGE_MAX_BYTES, IpcEvent, isEnvelope, toIpcMessages } from '../../../../extensions/netcore/src/ipc';

export interface NetcoreTransport {
  /** Delivers one message to netcore; rejects when it cannot. */
  send(event: string, data: unknown): Promise<void>;
  /** Subscribes to one message name from netcore; returns the function that unsubscribes. */
  listen(event: string, handler: (data: unknown) => void): () => void;
}

export interface NetcoreClientOptions {
  /** Default answer timeout for commands without one of their own (COMMAND_TIMEOUTS_MS). */
  timeoutMs?: number;
  /** Largest message sent in one piece (tests make it small). */
  maxMessageBytes?: number;
  /** Something was dropped or a handler threw; the client carries on. */
  onProblem?: (message: string) => void;
}

export interface RequestOptions {
  /** Overrides the command's timeout; 0 waits as long as it takes. */
  timeoutMs?: number;
}

export interface NetcoreClient extends NetcoreApi {
  request<N extends CommandName>(command: N, payload: CommandPayload<N>, options?: RequestOptions): Promise<CommandResult<N>>;
  /** Every event, whatever its name (for a log view or diagnostics). */
  onAny(handler: (event: EventName, payload: unknown) => void): () => void;
  /** Requests sent and not yet answered. */
  readonly pendingCount: number;
  /** Idempotent: stops listening and rejects what is pending with SHUTTING_DOWN. */
  close(): void;
}

export class NetcoreError extends Error {
  override name = 'NetcoreError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Commands that take as long as the work does: a download ends when its files are in. */
const COMMAND_TIMEOUTS_MS: Partial<Record<CommandName, number>> = {
  'client.download': 0,
  'client.retry': 0,
  'logs.export': 10 * 60_000,
};

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: NetcoreError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createNetcoreClient(transport: NetcoreTransport, options: NetcoreClientOptions = {}): NetcoreClient {
  const problem = (message: string) => options.onProblem?.(message);
  const pending = new Map<number, Pending>();
  const handlers = new Map<string, Set<(payload: never) => void>>();
  const anyHandlers = new Set<(event: EventName, payload: unknown) => void>();
  const assembler = new ChunkAssembler({ onDrop: (reason) => problem(`dropped a chunked message: ${reason}`) });
  // Answers go to every page of the app; ids that start at random keep two pages apart.
  let nextId = 1 + Math.floor(Math.random() * 2 ** 40);
  const chunkPrefix = `ui-${Math.floor(Math.random() * 2 ** 40).toString(36)}`;
  let nextChunk = 1;
  let closed = false;

  const settle = (id: number, outcome: { ok: true; value: unknown } | { ok: false; error: NetcoreError }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (p.timer !== undefined) clearTimeout(p.timer);
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(outcome.error);
  };

  const receive = (envelope: Envelope) => {
    if (envelope.kind === 'response') {
      if (envelope.ok) settle(envelope.id, { ok: true, value: envelope.result });
      else {
        const e = envelope.error as { code: ErrorCode; message: string; retryAfterMs?: number };
        settle(envelope.id, { ok: false, error: new NetcoreError(e.code, e.message, typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined) });
      }
    } else if (envelope.kind === 'event') {
      for (const handler of [...(handlers.get(envelope.event) ?? [])]) call(() => handler(envelope.payload as never), envelope.event);
      for (const handler of [...anyHandlers]) call(() => handler(envelope.event, envelope.payload), envelope.event);
    }
  };

  const call = (fn: () => void, event: string) => {
    try {
      fn();
    } catch (err) {
      problem(`a handler of ${event} threw: ${String((err as Error)?.message ?? err)}`);
    }
  };

  const unlisten = [
    transport.listen(IpcEvent.response, (data) => (isEnvelope(data) && data.kind === 'response' ? receive(data) : problem('dropped a malformed response'))),
    transport.listen(IpcEvent.event, (data) => (isEnvelope(data) && data.kind === 'event' ? receive(data) : problem('dropped a malformed event'))),
    transport.listen(IpcEvent.chunk, (data) => {
      const envelope = assembler.accept(data);
      if (envelope) receive(envelope);
    }),
  ];

  const request = <N extends CommandName>(command: N, payload: CommandPayload<N>, requestOptions: RequestOptions = {}): Promise<CommandResult<N>> => {
    if (closed) return Promise.reject(new NetcoreError('SHUTTING_DOWN', 'the connection to netcore is closed'));
    const id = nextId++;
    const timeoutMs = requestOptions.timeoutMs ?? COMMAND_TIMEOUTS_MS[command] ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const result = new Promise<CommandResult<N>>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(
              () => settle(id, { ok: false, error: new NetcoreError('TIMEOUT', `netcore did not answer ${command} within ${timeoutMs} ms`) }),
              timeoutMs,
            )
          : undefined;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
    });
    const messages = toIpcMessages(
      { kind: 'request', id, command, payload },
      () => `${chunkPrefix}-${nextChunk++}`,
      options.maxMessageBytes ?? IPC_MESSAGE_MAX_BYTES,
    );
    void (async () => {
      for (const m of messages) await transport.send(m.event, m.data);
    })().catch((err: unknown) => {
      const reason = (err as { message?: unknown } | null)?.message;
      settle(id, { ok: false, error: new NetcoreError('DISCONNECTED', `netcore is not reachable: ${typeof reason === 'string' ? reason : String(err)}`) });
    });
    return result;
  };

  return {
    request,
    on<E extends EventName>(event: E, handler: (payload: Events[E]) => void): () => void {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (payload: never) => void;
      set.add(h);
      return () => void set.delete(h);
    },
    onAny(handler) {
      anyHandlers.add(handler);
      return () => void anyHandlers.delete(handler);
    },
    get pendingCount() {
      return pending.size;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const off of unlisten) off();
      for (const id of [...pending.keys()]) settle(id, { ok: false, error: new NetcoreError('SHUTTING_DOWN', 'the connection to netcore is closed') });
      handlers.clear();
      anyHandlers.clear();
      assembler.clear();
    },
  };
}
