// A message across the view: notices, errors, the server's warnings, and the alarm for a
// changed certificate. Errors, warnings and alarms are announced at once (role=alert).
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t } from '../i18n/i18n';
import { bannerStyles } from './banner.styles';
import { emit } from './emit';
import { icon } from '../icons/icon';

export type BannerKind = 'info' | 'success' | 'warning' | 'error' | 'alarm';

@customElement('pss-banner')
export class PssBanner extends LitElement {
  static override styles = bannerStyles;

  /** How loud: `info`, `success`, `warning`, `error` or `alarm`. */
  @property({ reflect: true }) kind: BannerKind = 'info';
  /** Offer a close button that reports `pss-banner-dismiss`. */
  @property({ type: Boolean }) dismissible = false;

  override render() {
    const urgent = this.kind === 'error' || this.kind === 'warning' || this.kind === 'alarm';
    return html`<div class="banner" role=${urgent ? 'alert' : 'status'}>
      <div class="text"><slot></slot></div>
      ${
        this.dismissible
          ? html`<button class="icon-only" data-testid="banner-dismiss" aria-label=${t('common.dismiss')} title=${t('common.dismiss')} @click=${() => emit<null>(this, 'pss-banner-dismiss', null)}>${icon('close')}</button>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-banner': PssBanner;
  }
  interface HTMLElementEventMap {
    'pss-banner-dismiss': CustomEvent<null>;
  }
}
