// One chat window (the original's per-client Toplevel): the messages in order, a box to
// type in, Send, and close. Enter sends, Shift+Enter starts a new line, Escape closes.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ChatMessage } from '../../../../extensions/netcore/src/contract';
import { t } from '../i18n/i18n';
import { formatClock } from '../logic/format';
import { chatWindowStyles } from './chat-window.styles';
import { emit } from './emit';
import { icon } from '../icons/icon';

export interface ChatSendDetail {
  text: string;
}

@customElement('pss-chat-window')
export class PssChatWindow extends LitElement {
  static override styles = chatWindowStyles;

  @query('ol') private list!: HTMLOListElement;
  @query('textarea') private box!: HTMLTextAreaElement;

  @state() private draft = '';

  /** The window's title: whom the chat is with. */
  @property() heading = '';
  /** The messages, oldest first. */
  @property({ attribute: false }) messages: readonly ChatMessage[] = [];
  /** Which side `from` is "me": `server` on the server, `client` on the client. */
  @property() me: 'server' | 'client' = 'server';
  /** The other side's name, shown on its messages. */
  @property({ attribute: 'peer-name' }) peerName = '';
  /** Chat is not available (the other side has no chat connection). */
  @property({ type: Boolean }) unavailable = false;

  /** Clears the typing box; the owner calls it once a message is sent. */
  clearDraft(): void {
    this.draft = '';
  }

  override focus(): void {
    this.box?.focus();
  }

  protected override firstUpdated(): void {
    this.box.focus();
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('messages')) this.list.scrollTop = this.list.scrollHeight;
  }

  private send(e?: Event): void {
    e?.preventDefault();
    const text = this.draft.trim();
    if (text === '' || this.unavailable) return;
    emit<ChatSendDetail>(this, 'pss-chat-send', { text });
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.send(e);
  }

  private onHostKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      emit<null>(this, 'pss-chat-close', null);
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onHostKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onHostKeydown);
  }

  override render() {
    return html`<section role="dialog" aria-modal="false" aria-label=${this.heading} data-testid="chat-window">
      <header>
        <h2>${icon('chat')}${this.heading}</h2>
        <button class="close icon-only" data-testid="chat-close" aria-label=${t('chat.close')} title=${t('chat.close')} @click=${() => emit<null>(this, 'pss-chat-close', null)}>${icon('close')}</button>
      </header>
      <ol aria-live="polite" aria-label=${t('chat.messages')}>
        ${this.messages.length === 0 ? html`<li class="empty">${t('chat.empty')}</li>` : nothing}
        ${this.messages.map(
          (m) =>
            html`<li class=${m.from === this.me ? 'mine' : ''} data-testid="chat-message" data-from=${m.from}><span class="meta"
                >${m.from === this.me ? t('chat.you') : this.peerName} · ${formatClock(m.time)}</span
              ><span class="text" dir="auto">${m.text}</span></li
            >`,
        )}
      </ol>
      ${this.unavailable ? html`<div class="closed" role="status">${t('chat.unavailable')}</div>` : nothing}
      <form @submit=${this.send}>
        <textarea
          data-testid="chat-input"
          aria-label=${t('chat.input')}
          placeholder=${t('chat.placeholder')}
          .value=${this.draft}
          ?disabled=${this.unavailable}
          @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
          @keydown=${this.onKeydown}
        ></textarea>
        <button class="primary" type="submit" data-testid="chat-send" ?disabled=${this.unavailable || this.draft.trim() === ''}>${t('chat.send')}</button>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-chat-window': PssChatWindow;
  }
  interface HTMLElementEventMap {
    'pss-chat-send': CustomEvent<ChatSendDetail>;
    'pss-chat-close': CustomEvent<null>;
  }
}
