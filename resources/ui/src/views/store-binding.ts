// Re-renders a view whenever its controller's state changes, follows the view to a new
// controller, and stops listening when the view leaves the page.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface Subscribable {
  subscribe(listener: () => void): () => void;
}

export class StoreBinding implements ReactiveController {
  private bound: Subscribable | undefined;
  private off: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: () => Subscribable | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.rebind();
  }

  hostUpdate(): void {
    this.rebind();
  }

  hostDisconnected(): void {
    this.off?.();
    this.off = undefined;
    this.bound = undefined;
  }

  private rebind(): void {
    const store = this.store();
    if (store === this.bound && (this.off || !store)) return;
    this.off?.();
    this.off = store?.subscribe(() => this.host.requestUpdate());
    this.bound = store;
  }
}
