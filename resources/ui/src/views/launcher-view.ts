// The Launcher: Launch Server, Launch Client, the language switch (English / فارسی), EXIT.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ServerState } from '../../../../extensions/netcore/src/contract';
import { emit } from '../components/emit';
import type { Screen } from '../controllers/app-controller';
import { CATALOGS, LANGUAGES, t, type Language } from '../i18n/i18n';
import { serverStateLabel } from '../i18n/labels';
import { launcherViewStyles } from './launcher-view.styles';
import { icon } from '../icons/icon';

export interface NavigateDetail {
  screen: Screen;
}

export interface LanguageDetail {
  language: Language;
}

@customElement('pss-launcher-view')
export class PssLauncherView extends LitElement {
  static override styles = launcherViewStyles;

  /** The server's state, to say when it is still sharing. */
  @property({ attribute: 'server-state' }) serverState: ServerState = 'stopped';
  /** The language in use; its button shows pressed. */
  @property() language: Language = 'en';

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>('[data-testid="launcher-server"]')?.focus();
  }

  override render() {
    return html`<main class="card" aria-labelledby="title">
      <div class="lock">${icon('lock')}</div>
      <h1 id="title">${t('app.name')}</h1>
      <p>${t('launcher.tagline')}</p>
      <button class="primary big" data-testid="launcher-server" @click=${() => emit<NavigateDetail>(this, 'pss-navigate', { screen: 'server' })}>
        ${icon('server')}${t('launcher.server')}
      </button>
      <button class="primary big" data-testid="launcher-client" @click=${() => emit<NavigateDetail>(this, 'pss-navigate', { screen: 'client' })}>
        ${icon('client')}${t('launcher.client')}
      </button>
      ${
        this.serverState !== 'stopped'
          ? html`<div class="running" role="status" data-testid="launcher-server-state">${t('launcher.serverState', { state: serverStateLabel(this.serverState) })}</div>`
          : nothing
      }
      <div class="languages" role="group" aria-label=${t('launcher.language')} data-testid="language-switch">
        ${icon('language')}
        ${LANGUAGES.map(
          (language) => html`<button
            lang=${language}
            dir=${CATALOGS[language].dir}
            aria-pressed=${String(language === this.language)}
            data-testid="language-${language}"
            @click=${() => emit<LanguageDetail>(this, 'pss-language', { language })}
          >
            ${CATALOGS[language].name}
          </button>`,
        )}
      </div>
      <button class="danger" data-testid="launcher-exit" @click=${() => emit<null>(this, 'pss-exit', null)}>${t('launcher.exit')}</button>
    </main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-launcher-view': PssLauncherView;
  }
  interface HTMLElementEventMap {
    'pss-navigate': CustomEvent<NavigateDetail>;
    'pss-exit': CustomEvent<null>;
    'pss-language': CustomEvent<LanguageDetail>;
  }
}
