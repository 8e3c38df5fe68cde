// The server's Control Panel tab.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../components/not-shared-note';
import '../components/password-field';
import '../components/qr-image';
import type { ServerControlController } from '../controllers/server-control-controller';
import { t } from '../i18n/i18n';
import { serverStateLabel } from '../i18n/labels';
import { serverControlViewStyles } from './server-control-view.styles';
import { outcomeBanners } from './outcome-banners';
import { StoreBinding } from './store-binding';
import { icon } from '../icons/icon';
import { ltr } from '../i18n/bidi';
import { ltrText, nameText } from '../components/bidi-text';

@customElement('pss-server-control-view')
export class PssServerControlView extends LitElement {
  static override styles = serverControlViewStyles;

  /** The Control Panel's controller. */
  @property({ attribute: false }) controller?: ServerControlController;

  constructor() {
    super();
    new StoreBinding(this, () => this.controller);
  }

  private shareSection(c: ServerControlController) {
    const s = c.state;
    const locked = s.status.state !== 'stopped' || s.busy;
    return html`<section class="panel" aria-labelledby="share-h">
      <h2 id="share-h">${t('server.share.heading')}</h2>
      <fieldset ?disabled=${locked}>
        <legend>${t('server.share.what')}</legend>
        <div class="row">
          <label
            ><input type="radio" name="mode" data-testid="share-mode-directory" .checked=${s.shareMode === 'directory'} @change=${() => c.setShareMode('directory')} />${t(
              'server.share.directory',
            )}</label
          >
          <label
            ><input type="radio" name="mode" data-testid="share-mode-file" .checked=${s.shareMode === 'file'} @change=${() => c.setShareMode('file')} />${t(
              'server.share.file',
            )}</label
          >
        </div>
        <div class="row">
          <input
            type="text"
            class="path grow"
            dir="ltr"
            data-testid="share-path"
            aria-label=${s.shareMode === 'directory' ? t('server.share.folderPath') : t('server.share.filePath')}
            placeholder=${s.shareMode === 'directory' ? t('server.share.folderPlaceholder') : t('server.share.filePlaceholder')}
            .value=${s.sharePath}
            @change=${(e: Event) => c.setSharePath((e.target as HTMLInputElement).value)}
          />
          <button data-testid="share-browse" @click=${() => c.browse()}>${t('server.share.browse')}</button>
        </div>
      </fieldset>
    </section>`;
  }

  private settingsSection(c: ServerControlController) {
    const s = c.state;
    const locked = s.status.state !== 'stopped' || s.busy;
    return html`<section class="panel" aria-labelledby="settings-h">
      <h2 id="settings-h">${t('server.settings.heading')}</h2>
      <fieldset ?disabled=${locked}>
        <div class="numbers">
          <label class="field"
            ><span class="caption">${t('server.settings.port')}</span
            ><input type="number" dir="ltr" min="0" max="65535" data-testid="server-port" .value=${s.port} @input=${(e: Event) => c.setPort((e.target as HTMLInputElement).value)}
          /></label>
          <label class="field"
            ><span class="caption">${t('server.settings.maxClients')}</span
            ><input
              type="number"
              dir="ltr"
              min="1"
              max="1000"
              data-testid="server-max-clients"
              .value=${s.maxClients}
              @input=${(e: Event) => c.setMaxClients((e.target as HTMLInputElement).value)}
          /></label>
        </div>
        <label
          ><input
            type="checkbox"
            data-testid="require-password"
            .checked=${s.requirePassword}
            @change=${(e: Event) => c.setRequirePassword((e.target as HTMLInputElement).checked)}
          />${t('server.settings.requirePassword')}</label
        >
        ${
          s.requirePassword
            ? html`<div class="password">
              <pss-password-field
                show-toggle
                testid="server-password"
                .label=${t('server.settings.password')}
                .value=${s.password}
                ?disabled=${locked}
                @pss-password-change=${(e: CustomEvent<{ value: string }>) => c.setPassword(e.detail.value)}
              ></pss-password-field>
              <pss-password-field
                testid="server-password-confirm"
                .label=${t('server.settings.confirmField')}
                .value=${s.confirm}
                ?disabled=${locked}
                @pss-password-change=${(e: CustomEvent<{ value: string }>) => c.setConfirm(e.detail.value)}
                @pss-password-submit=${() => c.confirmPassword()}
              ></pss-password-field>
              <div class="row">
                <button data-testid="confirm-password" @click=${() => c.confirmPassword()}>${t('server.settings.confirmPassword')}</button>
                ${s.passwordConfirmed ? html`<span class="muted" data-testid="password-confirmed">${icon('check')}${t('server.password.confirmed')}</span>` : nothing}
              </div>
            </div>`
            : nothing
        }
      </fieldset>
    </section>`;
  }

  private controlSection(c: ServerControlController) {
    const s = c.state;
    const st = s.status;
    const running = st.state === 'running' || st.state === 'paused';
    return html`<section class="panel" aria-labelledby="control-h">
      <h2 id="control-h">${t('server.control.heading')}</h2>
      <div class="controls">
        ${
          running || st.state === 'stopping'
            ? html`<button class="danger big" data-testid="server-stop" ?disabled=${s.busy || st.state === 'stopping'} @click=${() => c.stopServer()}>${icon('stop')}${t('server.control.stop')}</button>`
            : html`<button class="primary big" data-testid="server-start" ?disabled=${s.busy || st.state === 'starting'} @click=${() => c.startServer()}>${icon('start')}${t('server.control.start')}</button>`
        }
        ${
          st.state === 'paused'
            ? html`<button data-testid="server-resume" ?disabled=${s.busy} @click=${() => c.resume()}>${icon('start')}${t('server.control.resume')}</button>`
            : html`<button data-testid="server-pause" ?disabled=${s.busy || st.state !== 'running'} @click=${() => c.pause()}>${icon('pause')}${t('server.control.pause')}</button>`
        }
        <span class="state" role="status"
          >${t('server.control.status')}
          <strong data-testid="server-state" data-state=${st.state}>${serverStateLabel(st.state)}</strong></span
        >
      </div>
      ${outcomeBanners('server', s)}
      ${running ? this.addresses(c) : html`<p class="muted">${t('server.control.idleHint')}</p>`}
    </section>`;
  }

  private addresses(c: ServerControlController) {
    const st = c.state.status;
    return html`<dl>
      <dt>${t('server.control.sharing')}</dt>
      <dd class="addr" data-testid="server-share">
        ${nameText(st.share?.path ?? '', { ltr: true })}
        <pss-not-shared-note audience="server" .counts=${st.notShared}></pss-not-shared-note>
      </dd>
      <dt>${t('server.control.serverIp')}</dt>
      <dd>
        <ul data-testid="server-addresses">
          ${st.addresses.map((a) => html`<li class="addr" data-testid="server-address">${ltrText(`${a.includes(':') ? `[${a}]` : a}:${st.mainPort}`)}</li>`)}
        </ul>
      </dd>
      <dt>${t('server.control.password')}</dt>
      <dd data-testid="server-password-required">${st.passwordRequired ? t('server.control.passwordOn') : t('server.control.passwordOff')}</dd>
      <dt>${t('server.control.clients')}</dt>
      <dd data-testid="server-session-count">${t('server.control.clientsValue', { n: st.sessions, max: st.maxClients })}</dd>
      <dt>${t('server.control.fingerprint')}</dt>
      <dd>
        <div class="short" data-testid="server-short-fingerprint">${ltrText(st.shortFingerprint ?? '')}</div>
        <div class="fingerprint" data-testid="server-fingerprint">${ltrText(st.fingerprint ?? '')}</div>
      </dd>
      <dt>${t('server.control.webAccess')}</dt>
      <dd>
        ${
          st.webAccess.length === 0
            ? html`<span class="muted" data-testid="web-access-none">${t('server.control.webNone')}</span>`
            : html`<div class="web">
              ${st.webAccess.map(
                (w) => html`<figure data-testid="web-access">
                  <pss-qr-image .svg=${w.qrSvg} .label=${t('server.control.qrAlt', { url: ltr(w.url) })}></pss-qr-image>
                  <figcaption data-testid="web-access-url">${ltrText(w.url)}</figcaption>
                </figure>`,
              )}
            </div>`
        }
      </dd>
    </dl>`;
  }

  override render() {
    const c = this.controller;
    if (!c) return nothing;
    return html`<div class="column">${this.shareSection(c)} ${this.settingsSection(c)}</div>
      <div class="column">${this.controlSection(c)}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-server-control-view': PssServerControlView;
  }
}
