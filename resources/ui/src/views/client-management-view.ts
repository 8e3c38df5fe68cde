// The server's Client Management tab: the live sessions table, Disconnect Selected and
// Send Warning (which asks for the text).
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../components/session-table';
import '../components/text-prompt';
import type { SessionsController } from '../controllers/sessions-controller';
import { t } from '../i18n/i18n';
import { outcomeBanners } from './outcome-banners';
import { StoreBinding } from './store-binding';
import { tabViewStyles } from './tab-view.styles';
import { icon } from '../icons/icon';
import { isolate } from '../i18n/bidi';

@customElement('pss-client-management-view')
export class PssClientManagementView extends LitElement {
  static override styles = tabViewStyles;

  @state() private asking = false;

  /** The Client Management controller. */
  @property({ attribute: false }) controller?: SessionsController;

  constructor() {
    super();
    new StoreBinding(this, () => this.controller);
  }

  private async sendWarning(text: string): Promise<void> {
    this.asking = false;
    await this.controller?.sendWarning(text);
  }

  override render() {
    const c = this.controller;
    if (!c) return nothing;
    const s = c.state;
    const selected = c.selected;
    return html`<div class="toolbar">
        <button class="danger" data-testid="disconnect-selected" ?disabled=${!selected || s.busy} @click=${() => c.disconnectSelected()}>
          ${t('sessions.disconnect')}
        </button>
        <button data-testid="send-warning" ?disabled=${!selected || s.busy} @click=${() => (this.asking = true)}>${icon('warning')}${t('sessions.warn')}</button>
        <span class="count" data-testid="session-count">${t('sessions.count', { n: s.sessions.length })}</span>
      </div>
      ${outcomeBanners('sessions', s)}
      <pss-session-table
        class="fill"
        .sessions=${s.sessions}
        .selectedId=${s.selectedId}
        @pss-session-select=${(e: CustomEvent<{ id: string }>) => c.select(e.detail.id)}
      ></pss-session-table>
      <pss-text-prompt
        testid="warning-prompt"
        .open=${this.asking}
        .heading=${t('sessions.warnPrompt.heading')}
        .message=${t('sessions.warnPrompt.message', { name: isolate(selected?.name ?? '') })}
        .confirmLabel=${t('sessions.warnPrompt.send')}
        @pss-prompt-submit=${(e: CustomEvent<{ text: string }>) => this.sendWarning(e.detail.text)}
        @pss-prompt-cancel=${() => (this.asking = false)}
      ></pss-text-prompt>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-client-management-view': PssClientManagementView;
  }
}
