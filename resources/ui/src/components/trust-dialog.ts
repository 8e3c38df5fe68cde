// First contact with a server: its certificate fingerprint, to compare with the one the
// server shows, before anything is sent. Trust pins it; Cancel sends nothing.
import { LitElement, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { t } from '../i18n/i18n';
import { dialogStyles } from './dialog.styles';
import { emit } from './emit';
import { icon } from '../icons/icon';
import { ltr } from '../i18n/bidi';
import { ltrText } from './bidi-text';

export interface TrustDecisionDetail {
  accept: boolean;
}

@customElement('pss-trust-dialog')
export class PssTrustDialog extends LitElement {
  static override styles = dialogStyles;

  @query('dialog') private dialog!: HTMLDialogElement;

  /** Shown while true. */
  @property({ type: Boolean }) open = false;
  /** `host:port` of the server. */
  @property() server = '';
  /** The full SHA-256 fingerprint, `AB:CD:…`. */
  @property() fingerprint = '';
  /** The short grouped form the server's window also shows. */
  @property({ attribute: 'short-fingerprint' }) shortFingerprint = '';

  protected override updated(changed: Map<string, unknown>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) this.dialog.showModal();
    else if (!this.open && this.dialog.open) this.dialog.close();
  }

  private decide(accept: boolean, e?: Event): void {
    e?.preventDefault();
    emit<TrustDecisionDetail>(this, 'pss-trust-decision', { accept });
  }

  override render() {
    return html`<dialog aria-labelledby="heading" aria-describedby="why" data-testid="trust-dialog" @cancel=${(e: Event) => this.decide(false, e)}>
      <h2 id="heading">${icon('lock')}${t('trust.heading')}</h2>
      <p id="why">${t('trust.explain', { server: ltr(this.server) })}</p>
      <div class="short" data-testid="trust-short-fingerprint">${ltrText(this.shortFingerprint)}</div>
      <div class="fingerprint" data-testid="trust-fingerprint">${ltrText(this.fingerprint)}</div>
      <p class="warn">${t('trust.compare')}</p>
      <div class="actions">
        <button data-testid="trust-reject" @click=${() => this.decide(false)}>${t('trust.reject')}</button>
        <button class="primary" data-testid="trust-accept" @click=${() => this.decide(true)}>${t('trust.accept')}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-trust-dialog': PssTrustDialog;
  }
  interface HTMLElementEventMap {
    'pss-trust-decision': CustomEvent<TrustDecisionDetail>;
  }
}
