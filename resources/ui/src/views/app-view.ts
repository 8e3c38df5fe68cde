// The app's root element: shows the screen the AppController names. A screen's
// controllers are built the first time it opens and live as long as the app, so a download
// or a chat goes on (and its 🔴 keeps counting) while the user is on another screen.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Services } from '../app/services';
import type { AppController, Screen } from '../controllers/app-controller';
import { ChatsController } from '../controllers/chats-controller';
import { ClientController } from '../controllers/client-controller';
import { LogsController } from '../controllers/logs-controller';
import { ServerControlController } from '../controllers/server-control-controller';
import { SessionsController } from '../controllers/sessions-controller';
import './client-view';
import './launcher-view';
import type { LanguageDetail, NavigateDetail } from './launcher-view';
import './server-view';
import type { ServerControllers } from './server-view';
import { StoreBinding } from './store-binding';

@customElement('pss-app')
export class PssApp extends LitElement {
  static override styles = css`
    :host {
      display: block;
      block-size: 100vh;
      overflow: hidden;
    }
  `;

  private server: ServerControllers | undefined;
  private client: ClientController | undefined;

  /** The engine, the shell and the settings. */
  @property({ attribute: false }) services?: Services;
  /** The app frame's controller. */
  @property({ attribute: false }) app?: AppController;

  constructor() {
    super();
    new StoreBinding(this, () => this.app);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.server) for (const c of Object.values(this.server)) c.dispose();
    this.client?.dispose();
    this.server = undefined;
    this.client = undefined;
  }

  protected override willUpdate(): void {
    const screen = this.app?.state.screen;
    if (screen) this.prepare(screen);
  }

  private prepare(screen: Screen): void {
    if (!this.services) return;
    const { api, shell, settings } = this.services;
    if (screen === 'server' && !this.server) {
      this.server = {
        control: new ServerControlController(api, shell, settings),
        sessions: new SessionsController(api, shell),
        chats: new ChatsController(api, shell),
        logs: new LogsController(api, shell),
      };
      for (const c of Object.values(this.server)) void c.start();
    } else if (screen === 'client' && !this.client) {
      this.client = new ClientController(api, shell, settings);
    }
  }

  private navigate(e: CustomEvent<NavigateDetail>): void {
    this.app?.show(e.detail.screen);
  }

  override render() {
    const app = this.app;
    if (!app) return nothing;
    switch (app.state.screen) {
      case 'launcher':
        return html`<pss-launcher-view
          .serverState=${app.state.serverState}
          .language=${app.state.language}
          @pss-navigate=${this.navigate}
          @pss-language=${(e: CustomEvent<LanguageDetail>) => app.setLanguage(e.detail.language)}
          @pss-exit=${() => app.exit()}
        ></pss-launcher-view>`;
      case 'server':
        return html`<pss-server-view .controllers=${this.server} @pss-navigate=${this.navigate}></pss-server-view>`;
      case 'client':
        return html`<pss-client-view .controller=${this.client} @pss-navigate=${this.navigate}></pss-client-view>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-app': PssApp;
  }
}
