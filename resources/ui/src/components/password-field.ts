// A password box with a Show toggle. The value lives with whoever owns the field; this
// element only reports edits and Enter.
import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { t } from '../i18n/i18n';
import { emit } from './emit';
import { passwordFieldStyles } from './password-field.styles';
import { PssTextBoxElement } from './text-box-element';

export interface PasswordChangeDetail {
  value: string;
}

@customElement('pss-password-field')
export class PssPasswordField extends PssTextBoxElement {
  static override styles = passwordFieldStyles;

  @state() private shown = false;

  /** Offer the Show toggle. */
  @property({ type: Boolean, attribute: 'show-toggle' }) showToggle = false;
  /** Test hook prefix: `<testid>` on the box, `<testid>-show` on the toggle. */
  @property() testid = 'password';

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
      />${
        this.showToggle
          ? html`<label
            ><input
              type="checkbox"
              data-testid="${this.testid}-show"
              .checked=${this.shown}
              ?disabled=${this.disabled}
              @change=${(e: Event) => (this.shown = (e.target as HTMLInputElement).checked)}
            />${t('common.show')}</label
          >`
          : null
      }`;
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
