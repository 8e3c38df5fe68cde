// A password box with a Show toggle. The value lives with whoever owns the field; this
// element only reports edits and Enter.
import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { t } from '../i18n/i18n';
import { emit } from './emit';
import { passwordFieldStyles } from './password-field.styles';

export interface PasswordChangeDetail {
  value: string;
}

@customElement('pss-password-field')
export class PssPasswordField extends LitElement {
  static override styles = passwordFieldStyles;

  @query('input') private input!: HTMLInputElement;

  @state() private shown = false;

  /** The password typed so far. */
  @property() value = '';
  /** The accessible name of the box. */
  @property() label = '';
  @property({ type: Boolean }) disabled = false;
  /** Offer the Show toggle. */
  @property({ type: Boolean, attribute: 'show-toggle' }) showToggle = false;
  /** Test hook prefix: `<testid>` on the box, `<testid>-show` on the toggle. */
  @property() testid = 'password';

  override focus(): void {
    this.input?.focus();
  }

  private onInput(e: Event): void {
    this.value = (e.target as HTMLInputElement).value;
    emit<PasswordChangeDetail>(this, 'pss-password-change', { value: this.value });
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter') emit<PasswordChangeDetail>(this, 'pss-password-submit', { value: this.value });
  }

  override render() {
    return html`<input
        type=${this.shown ? 'text' : 'password'}
        autocomplete="off"
        spellcheck="false"
        aria-label=${this.label}
        data-testid=${this.testid}
        .value=${this.value}
        ?disabled=${this.disabled}
        @input=${this.onInput}
        @keydown=${this.onKeydown}
      />${this.showToggle
        ? html`<label
            ><input
              type="checkbox"
              data-testid="${this.testid}-show"
              .checked=${this.shown}
              ?disabled=${this.disabled}
              @change=${(e: Event) => (this.shown = (e.target as HTMLInputElement).checked)}
            />${t('common.show')}</label
          >`
        : null}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-password-field': PssPasswordField;
  }
  interface HTMLElementEventMap {
    'pss-password-change': CustomEvent<PasswordChangeDetail>;
    'pss-password-submit': CustomEvent<PasswordChangeDetail>;
  }
}
