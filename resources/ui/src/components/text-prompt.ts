// A modal that asks for one piece of text (Send Warning asks for the warning). Escape or
// Cancel dismisses it; the text goes up only on Send.
import { LitElement, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { t } from '../i18n/i18n';
import { dialogStyles } from './dialog.styles';
import { emit } from './emit';

export interface PromptSubmitDetail {
  text: string;
}

@customElement('pss-text-prompt')
export class PssTextPrompt extends LitElement {
  static override styles = dialogStyles;

  @query('dialog') private dialog!: HTMLDialogElement;

  @state() private text = '';

  /** Shown while true. */
  @property({ type: Boolean }) open = false;
  @property() heading = '';
  /** The question above the box. */
  @property() message = '';
  /** The label of the confirming button. */
  @property({ attribute: 'confirm-label' }) confirmLabel = '';
  /** Test hook prefix for the box and buttons. */
  @property() testid = 'prompt';

  protected override updated(changed: Map<string, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) {
      this.text = '';
      this.dialog.showModal();
    } else if (!this.open && this.dialog.open) {
      this.dialog.close();
    }
  }

  private submit(e: Event): void {
    e.preventDefault();
    const text = this.text.trim();
    if (text === '') return;
    emit<PromptSubmitDetail>(this, 'pss-prompt-submit', { text });
  }

  private cancel(e?: Event): void {
    e?.preventDefault();
    emit<null>(this, 'pss-prompt-cancel', null);
  }

  override render() {
    return html`<dialog aria-labelledby="heading" data-testid=${this.testid} @cancel=${this.cancel}>
      <form @submit=${this.submit}>
        <h2 id="heading">${this.heading}</h2>
        <p>${this.message}</p>
        <textarea
          data-testid="${this.testid}-input"
          aria-label=${this.message}
          .value=${this.text}
          @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <div class="actions">
          <button type="button" data-testid="${this.testid}-cancel" @click=${this.cancel}>${t('common.cancel')}</button>
          <button type="submit" class="primary" data-testid="${this.testid}-submit" ?disabled=${this.text.trim() === ''}>${this.confirmLabel}</button>
        </div>
      </form>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-text-prompt': PssTextPrompt;
  }
  interface HTMLElementEventMap {
    'pss-prompt-submit': CustomEvent<PromptSubmitDetail>;
    'pss-prompt-cancel': CustomEvent<null>;
  }
}
