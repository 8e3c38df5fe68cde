// The server's Chats tab: the clients one can chat with, their unread counts, and Open
// Chat Window. The windows themselves float over every tab (see server-view.ts).
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ChatsController } from '../controllers/chats-controller';
import { t } from '../i18n/i18n';
import { unreadFor } from '../logic/unread';
import { outcomeBanners } from './outcome-banners';
import { StoreBinding } from './store-binding';
import { tabViewStyles } from './tab-view.styles';
import { icon } from '../icons/icon';
import { ltrText, nameText } from '../components/bidi-text';

@customElement('pss-chats-view')
export class PssChatsView extends LitElement {
  static override styles = tabViewStyles;

  /** The Chats controller. */
  @property({ attribute: false }) controller?: ChatsController;

  constructor() {
    super();
    new StoreBinding(this, () => this.controller);
  }

  private onKeydown(e: KeyboardEvent, index: number): void {
    const c = this.controller!;
    const clients = c.state.clients;
    if (e.key === 'Enter') {
      e.preventDefault();
      void c.openChat(clients[index]!.id);
      return;
    }
    const next = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : -1;
    const target = clients[next];
    if (!target) return;
    e.preventDefault();
    c.select(target.id);
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`li[data-session-id="${CSS.escape(target.id)}"]`)?.focus());
  }

  override render() {
    const c = this.controller;
    if (!c) return nothing;
    const s = c.state;
    const selected = s.selectedId === null ? undefined : c.client(s.selectedId);
    const selectedIndex = s.clients.findIndex((x) => x.id === s.selectedId);
    return html`<div class="toolbar">
        <button class="primary" data-testid="open-chat-window" ?disabled=${!selected} @click=${() => selected && c.openChat(selected.id)}>
          ${icon('chat')}${t('chats.open')}
        </button>
        <span class="count">${t('chats.hint')}</span>
      </div>
      ${outcomeBanners('chats', { error: s.error })}
      <ul class="clients fill" role="listbox" aria-label=${t('chats.list.label')} data-testid="chat-clients">
        ${s.clients.length === 0 ? html`<li class="empty" role="presentation">${t('chats.empty')}</li>` : nothing}
        ${s.clients.map((client, i) => {
          const unread = unreadFor(s.unread, client.id);
          const isSelected = client.id === s.selectedId;
          return html`<li
            role="option"
            data-testid="chat-client"
            data-session-id=${client.id}
            aria-selected=${String(isSelected)}
            tabindex=${isSelected || (selectedIndex < 0 && i === 0) ? 0 : -1}
            @click=${() => c.select(client.id)}
            @dblclick=${() => c.openChat(client.id)}
            @keydown=${(e: KeyboardEvent) => this.onKeydown(e, i)}
          >
            <span class="presence ${client.chatReady ? 'ready' : ''}">${icon('dot')}</span>
            <span class="name">${nameText(client.name)} <span class="muted mono">${ltrText(client.address)}</span></span>
            ${s.openIds.includes(client.id) ? html`<span class="muted">${t('chats.isOpen')}</span>` : nothing}
            ${unread > 0 ? html`<span class="unread" data-testid="chat-unread" aria-label=${t('chats.unreadCount', { n: unread })}>${unread}</span>` : nothing}
          </li>`;
        })}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-chats-view': PssChatsView;
  }
}
