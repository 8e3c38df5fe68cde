// A NetcoreApi for controller tests: each command is answered by a handler the test sets
// (or rejects as unknown), every request is recorded, and the test emits events at will.
import type { CommandName, CommandPayload, CommandResult, EventName, Events, NetcoreApi } from '../../../extensions/netcore/src/contract';

type Handler<N extends CommandName> = (payload: CommandPayload<N>) => CommandResult<N> | Promise<CommandResult<N>>;

export interface RecordedRequest {
  command: CommandName;
  payload: unknown;
}

export class FakeNetcore implements NetcoreApi {
  readonly requests: RecordedRequest[] = [];
  private readonly handlers = new Map<CommandName, Handler<never>>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  /** Answers `command` with `handler` from now on. */
  handle<N extends CommandName>(command: N, handler: Handler<N>): this {
    this.handlers.set(command, handler as unknown as Handler<never>);
    return this;
  }

  /** Rejects `command` the way the IPC client does: an error with `code` and `message`. */
  fail(command: CommandName, code: string, message: string): this {
    this.handlers.set(command, (() => {
      throw Object.assign(new Error(message), { code });
    }) as Handler<never>);
    return this;
  }

  async request<N extends CommandName>(command: N, payload: CommandPayload<N>): Promise<CommandResult<N>> {
    this.requests.push({ command, payload });
    const handler = this.handlers.get(command) as Handler<N> | undefined;
    if (!handler) throw Object.assign(new Error(`no handler for ${command}`), { code: 'BAD_MESSAGE' });
    return handler(payload);
  }

  on<E extends EventName>(event: E, handler: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const handler of [...(this.listeners.get(event) ?? [])]) (handler as (p: Events[E]) => void)(payload);
  }

  listenerCount(event?: EventName): number {
    if (event) return this.listeners.get(event)?.size ?? 0;
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** The payloads sent with `command`, in order. */
  sent<N extends CommandName>(command: N): CommandPayload<N>[] {
    return this.requests.filter((r) => r.command === command).map((r) => r.payload as CommandPayload<N>);
  }
}

/** Lets pending promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
