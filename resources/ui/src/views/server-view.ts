// The Server screen: Back to Launcher, the four tabs (Control Panel, Client Management,
// Chats with its 🔴, Logs), and the open chat windows, which float over every tab like the
// original's per-client windows.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../components/chat-window';
import type { PssChatWindow } from '../components/chat-window';
import { emit } from '../components/emit';
import '../components/tab-bar';
import type { TabInfo } from '../components/tab-bar';
import type { ChatsController } from '../controllers/chats-controller';
import type { LogsController } from '../controllers/logs-controller';
import type { ServerControlController } from '../controllers/server-control-controller';
import type { SessionsController } from '../controllers/sessions-controller';
import { t } from '../i18n/i18n';
import { serverStateLabel } from '../i18n/labels';
import './chats-view';
import './client-management-view';
import type { NavigateDetail } from './launcher-view';
import './logs-view';
import './server-control-view';
import { StoreBinding } from './store-binding';
import { viewStyles } from './view.styles';
import { icon } from '../icons/icon';
import { isolate } from '../i18n/bidi';

export type ServerTab = 'control' | 'clients' | 'chats' | 'logs';

export interface ServerControllers {
  control: ServerControlController;
  sessions: SessionsController;
  chats: ChatsController;
  logs: LogsController;
}

@customElement('pss-server-view')
export class PssServerView extends LitElement {
  static override styles = [
    viewStyles,
    css`
      .panel-body {
        flex: 1 1 0;
        min-block-size: 0;
        overflow: auto;
        padding: 1rem;
      }
      .panel-body[hidden] {
        display: none;
      }
      .tabs {
        background: var(--pss-bg);
        padding-block-start: 0.5rem;
      }
    `,
  ];

  @state() private tab: ServerTab = 'control';

  /** The controllers of the four tabs. */
  @property({ attribute: false }) controllers?: ServerControllers;

  constructor() {
    super();
    new StoreBinding(this, () => this.controllers?.control);
    new StoreBinding(this, () => this.controllers?.chats);
  }

  /** Shows a tab, e.g. for a test or a notification that leads to it. */
  showTab(tab: ServerTab): void {
    this.tab = tab;
  }

  private async send(sessionId: string, text: string, window: PssChatWindow): Promise<void> {
    if (await this.controllers!.chats.send(sessionId, text)) window.clearDraft();
  }

  private chatDock(chats: ChatsController) {
    const s = chats.state;
    if (s.openIds.length === 0) return nothing;
    return html`<div class="dock">
      ${s.openIds.map((id) => {
        const client = chats.client(id);
        const name = client?.name ?? id;
        return html`<pss-chat-window
          data-session-id=${id}
          me="server"
          .heading=${t('chats.windowTitle', { name: isolate(name) })}
          .peerName=${name}
          .messages=${s.messages.get(id) ?? []}
          ?unavailable=${!client?.chatReady}
          @pss-chat-send=${(e: CustomEvent<{ text: string }>) => this.send(id, e.detail.text, e.target as PssChatWindow)}
          @pss-chat-close=${() => chats.closeChat(id)}
        ></pss-chat-window>`;
      })}
    </div>`;
  }

  override render() {
    const c = this.controllers;
    if (!c) return nothing;
    const status = c.control.state.status;
    const tabs: TabInfo[] = [
      { id: 'control', label: t('server.tab.control') },
      { id: 'clients', label: t('server.tab.clients') },
      { id: 'chats', label: t('server.tab.chats'), ...(c.chats.state.marker ? { marker: t('chats.marker') } : {}) },
      { id: 'logs', label: t('server.tab.logs') },
    ];
    const panel = (id: ServerTab, body: unknown) =>
      html`<div class="panel-body" role="tabpanel" id="panel-${id}" aria-label=${tabs.find((x) => x.id === id)!.label} ?hidden=${this.tab !== id}>${body}</div>`;
    return html`<header class="topbar">
        <button data-testid="back-to-launcher" @click=${() => emit<NavigateDetail>(this, 'pss-navigate', { screen: 'launcher' })}>
          ${icon('back')}${t('common.backToLauncher')}
        </button>
        <h1>${icon('server')}${t('server.heading')}</h1>
        <span class="badge" data-state=${status.state} data-testid="server-badge">${serverStateLabel(status.state)}</span>
      </header>
      <pss-tab-bar class="tabs" .label=${t('server.heading')} .tabs=${tabs} .selected=${this.tab} @pss-tab-select=${(e: CustomEvent<{ id: string }>) => (this.tab = e.detail.id as ServerTab)}></pss-tab-bar>
      ${panel('control', html`<pss-server-control-view .controller=${c.control}></pss-server-control-view>`)}
      ${panel('clients', html`<pss-client-management-view .controller=${c.sessions}></pss-client-management-view>`)}
      ${panel('chats', html`<pss-chats-view .controller=${c.chats}></pss-chats-view>`)}
      ${panel('logs', html`<pss-logs-view .controller=${c.logs}></pss-logs-view>`)}
      <div class="statusline" data-testid="server-statusline">
        ${t('server.statusline', { state: serverStateLabel(status.state), clients: status.sessions })}
      </div>
      ${this.chatDock(c.chats)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-server-view': PssServerView;
  }
}
