// The small observable every controller is: a state object replaced on each change, and
// listeners told afterwards. Views re-render from `state`; tests read it directly.

export type Listener = () => void;

export class Store<S extends object> {
  private current: S;
  private readonly listeners = new Set<Listener>();

  constructor(initial: S) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Listens for changes; returns the function that stops listening. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected set(patch: Partial<S>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
