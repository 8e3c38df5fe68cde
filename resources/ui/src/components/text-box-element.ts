// What the one-line boxes (pss-ip-input, pss-password-field) have in common: the value,
// an accessible name, a disabled flag, and focus passed on to the inner input. Not an
// element of its own; each box adds its input, its events and its test hook.
import { LitElement } from 'lit';
import { property, query } from 'lit/decorators.js';

export class PssTextBoxElement extends LitElement {
  @query('input') protected input!: HTMLInputElement;

  /** The text in the box. */
  @property() value = '';
  /** The accessible name of the box. */
  @property() label = '';
  @property({ type: Boolean }) disabled = false;

  override focus(): void {
    this.input?.focus();
  }
}
