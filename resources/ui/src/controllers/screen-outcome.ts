// What a screen's last action came to, for its error and success banners: one error or
// one notice at a time, whichever part of the screen the action belonged to. The parts
// get the ScreenOutcome interface; the view reads the store.
import { Store } from './store';

export interface OutcomeState {
  error: string | null;
  notice: string | null;
}

export interface ScreenOutcome {
  /** Shows an error; a notice from before stays until the next action clears it. */
  fail(error: string): void;
  /** Shows a notice in place of any error. */
  succeed(notice: string): void;
  clearError(): void;
  clear(): void;
}

export class OutcomeStore extends Store<OutcomeState> implements ScreenOutcome {
  constructor() {
    super({ error: null, notice: null });
  }

  fail(error: string): void {
    this.set({ error });
  }

  succeed(notice: string): void {
    this.set({ error: null, notice });
  }

  clearError(): void {
    if (this.state.error !== null) this.set({ error: null });
  }

  clear(): void {
    if (this.state.error !== null || this.state.notice !== null) this.set({ error: null, notice: null });
  }
}
