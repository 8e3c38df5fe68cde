// The Client screen.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import '../components/banner';
import '../components/chat-window';
import type { PssChatWindow } from '../components/chat-window';
import { emit } from '../components/emit';
import '../components/file-tree';
import '../components/not-shared-note';
import '../components/ip-input';
import '../components/password-field';
import '../components/progress-bar';
import '../components/saved-as-list';
import '../components/trust-dialog';
import type { ClientController } from '../controllers/client-controller';
import { t } from '../i18n/i18n';
import { phaseLabel } from '../i18n/labels';
import { formatBytes, formatEta, formatPercent, formatSpeed, fraction } from '../logic/format';
import { clientViewStyles } from './client-view.styles';
import type { NavigateDetail } from './launcher-view';
import { outcomeBanners } from './outcome-banners';
import { StoreBinding, type Subscribable } from './store-binding';
import { viewStyles } from './view.styles';
import { icon } from '../icons/icon';
import { isolate, ltr } from '../i18n/bidi';
import { nameText } from '../components/bidi-text';
import { revealBidiControls } from '../logic/bidi-controls';

@customElement('pss-client-view')
export class PssClientView extends LitElement {
  static override styles = [viewStyles, clientViewStyles];

  /** Typed into the password box; never leaves this element except to Login. */
  @state() private password = '';

  /** The Client screen's controller. */
  @property({ attribute: false }) controller?: ClientController;

  constructor() {
    super();
    // One binding per part of the screen: a change in any of them re-renders the view.
    const parts: ((c: ClientController) => Subscribable)[] = [
      (c) => c.outcome,
      (c) => c.connection,
      (c) => c.files,
      (c) => c.destination,
      (c) => c.downloads,
      (c) => c.chat,
    ];
    for (const part of parts) new StoreBinding(this, () => this.controller && part(this.controller));
  }

  private async login(): Promise<void> {
    if (await this.controller!.connection.login(this.password)) this.password = '';
  }

  private async sendChat(text: string, window: PssChatWindow): Promise<void> {
    if (await this.controller!.chat.sendChat(text)) window.clearDraft();
  }

  private connectPanel({ connection: c, downloads, chat }: ClientController) {
    const s = c.state;
    const phase = c.phase;
    const downloading = downloads.state.downloading;
    const busy = phase === 'connecting' || phase === 'awaiting-trust' || phase === 'downloading' || downloading;
    const awaitingPassword = phase === 'awaiting-password';
    const connected = phase === 'connected' || phase === 'downloading' || phase === 'awaiting-password';
    const chatReady = s.connection?.chatReady ?? false;
    const { unread, chatOpen } = chat.state;
    return html`<section class="panel" aria-labelledby="server-h">
      <h2 id="server-h">${t('client.server.heading')}</h2>
      <form
        class="connect"
        @submit=${(e: Event) => {
          e.preventDefault();
          if (!busy) void c.connect();
        }}
      >
        <label class="field"
          ><span class="caption">${t('client.server.ip')}</span
          ><pss-ip-input
            testid="client-host"
            .label=${t('client.server.ip')}
            .value=${s.host}
            ?disabled=${busy}
            @pss-ip-change=${(e: CustomEvent<{ value: string }>) => c.setHost(e.detail.value)}
          ></pss-ip-input
        ></label>
        <label class="field"
          ><span class="caption">${t('client.server.port')}</span
          ><input
            type="text"
            inputmode="numeric"
            class="mono"
            dir="ltr"
            data-testid="client-port"
            .value=${s.port}
            ?disabled=${busy}
            @input=${(e: Event) => c.setPort((e.target as HTMLInputElement).value)}
        /></label>
        <button type="submit" class="primary" data-testid="client-connect" ?disabled=${busy}>${icon('connect')}${t('client.server.connect')}</button>
        <div class="login">
          <label class="field grow"
            ><span class="caption">${t('client.server.password')}</span
            ><pss-password-field
              show-toggle
              testid="client-password"
              .label=${t('client.server.password')}
              .value=${this.password}
              ?disabled=${!awaitingPassword}
              @pss-password-change=${(e: CustomEvent<{ value: string }>) => (this.password = e.detail.value)}
              @pss-password-submit=${() => this.login()}
            ></pss-password-field
          ></label>
          <button type="button" data-testid="client-login" ?disabled=${!awaitingPassword} @click=${() => this.login()}>${icon('login')}${t('client.server.login')}</button>
        </div>
        <div class="actions">
          <button type="button" class="chat-button" data-testid="chat-with-server" ?disabled=${!chatReady && chat.state.chat.length === 0} @click=${() => chat.openChat()}>
            ${icon('chat')}${t('client.chat.button')}${
              unread > 0 && !chatOpen
                ? html`<span class="chat-marker unread-dot" role="img" aria-label=${t('client.chat.unread', { n: unread })} data-testid="chat-marker">${icon('dot')}</span>`
                : nothing
            }
          </button>
          <button type="button" data-testid="client-disconnect" ?disabled=${!connected && !downloading} @click=${() => c.disconnect()}>${t('client.server.disconnect')}</button>
        </div>
      </form>
    </section>`;
  }

  private filesPanel({ files: c, downloads }: ClientController) {
    const s = c.state;
    const tree = s.tree;
    const selection = tree?.selectedPaths();
    const all = tree?.allState ?? 'unchecked';
    const downloading = downloads.state.downloading;
    const outcomes = new Map<string, 'done' | 'failed'>(downloads.state.failures.map((f) => [f.path, 'failed']));
    return html`<section class="panel files" aria-labelledby="files-h">
      <h2 id="files-h">${t('client.files.heading')}${s.share ? html` <span class="muted">— ${nameText(s.share.name)}</span>` : nothing}</h2>
      <div class="row">
        <label
          ><input
            type="checkbox"
            data-testid="select-all"
            .checked=${live(all === 'checked')}
            .indeterminate=${live(all === 'mixed')}
            ?disabled=${!tree || downloading}
            @change=${() => c.toggleAll()}
          />${t('client.files.selectAll')}</label
        >
        <input
          type="search"
          class="grow"
          data-testid="file-filter"
          aria-label=${t('client.files.filter')}
          placeholder=${t('client.files.filterPlaceholder')}
          .value=${tree?.filter ?? ''}
          ?disabled=${!tree}
          @input=${(e: Event) => c.setFilter((e.target as HTMLInputElement).value)}
        />
      </div>
      <pss-file-tree
        .selection=${tree}
        .version=${s.treeVersion}
        .outcomes=${outcomes}
        ?disabled=${downloading}
        @pss-tree-toggle=${(e: CustomEvent<{ index: number }>) => c.toggle(e.detail.index)}
        @pss-tree-expand=${(e: CustomEvent<{ index: number; open: boolean }>) => c.setExpanded(e.detail.index, e.detail.open)}
      ></pss-file-tree>
      <div class="muted" data-testid="selection-summary">
        ${
          s.loadingList
            ? t('client.files.loading')
            : tree && selection
              ? t('client.files.summary', { files: selection.files, size: formatBytes(selection.bytes), total: tree.tree.root.fileCount })
              : t('client.files.none')
        }
      </div>
      <pss-not-shared-note audience="client" .counts=${s.notShared}></pss-not-shared-note>
    </section>`;
  }

  private savePanel({ destination: c, downloads }: ClientController) {
    const s = c.state;
    const downloading = downloads.state.downloading;
    return html`<section class="panel" aria-labelledby="save-h">
      <h2 id="save-h">${t('client.save.heading')}</h2>
      <div class="field">
        <span class="caption" id="dest-caption">${t('client.save.base')}</span>
        <div class="row">
          <input
            type="text"
            class="path grow"
            dir="ltr"
            readonly
            data-testid="destination-path"
            aria-labelledby="dest-caption"
            placeholder=${t('client.save.choose')}
            .value=${s.destination}
          />
          <button class="icon-only" data-testid="choose-destination" aria-label=${t('client.save.chooseButton')} title=${t('client.save.chooseButton')} ?disabled=${downloading} @click=${() => c.chooseDestination()}>
            ${icon('chooseFolder')}
          </button>
        </div>
      </div>
      <label class="spaced"
        ><input
          type="checkbox"
          data-testid="subfolder-enabled"
          .checked=${s.subfolderEnabled}
          ?disabled=${downloading}
          @change=${(e: Event) => c.setSubfolderEnabled((e.target as HTMLInputElement).checked)}
        />${t('client.subfolder.toggle')}</label
      >
      ${
        s.subfolderEnabled
          ? html`<div class="row spaced">
            <input
              type="text"
              class="grow"
              data-testid="subfolder-name"
              aria-label=${t('client.subfolder.name')}
              placeholder=${t('client.subfolder.name')}
              .value=${s.subfolderDraft}
              ?disabled=${downloading}
              @input=${(e: Event) => c.setSubfolderDraft((e.target as HTMLInputElement).value)}
              @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && c.createSubfolder()}
            />
            <button data-testid="subfolder-create" ?disabled=${downloading} @click=${() => c.createSubfolder()}>${t('client.subfolder.create')}</button>
          </div>`
          : nothing
      }
      <p class="where muted" data-testid="effective-destination">
        ${s.destination ? t('client.save.into', { path: ltr(c.effectiveDestination) }) : t('client.save.none')}
      </p>
    </section>`;
  }

  private downloadPanel({ downloads: c }: ClientController) {
    const s = c.state;
    const p = s.progress;
    const retry = c.retryMode;
    const problem = c.downloadProblem();
    return html`<section class="panel" aria-labelledby="download-h">
      <h2 id="download-h">${t('client.download.heading')}</h2>
      <div class="download-actions">
        <button class="primary big" data-testid="download-button" ?disabled=${problem !== null} title=${problem ?? ''} @click=${() => c.download()}>
          ${retry ? html`${icon('retry')}${t('client.download.retry')}` : html`${icon('download')}${t('client.download.selected')}`}
        </button>
        ${s.downloading ? html`<button data-testid="download-cancel" @click=${() => c.cancel()}>${t('common.cancel')}</button>` : nothing}
      </div>
      ${
        p || s.downloading
          ? html`<dl class="stats spaced">
            <dt>${t('client.download.file')}</dt>
            <dd class="mono" data-testid="progress-current" title=${revealBidiControls(p?.currentPath ?? '')}>${p?.currentPath ? nameText(p.currentPath, { ltr: true }) : '—'}</dd>
            <dt></dt>
            <dd>
              <pss-progress-bar
                data-testid="progress-file"
                .label=${t('client.download.fileProgress')}
                .value=${p ? fraction(p.fileBytes, p.fileSize) : 0}
                .valueText=${p ? formatPercent(p.fileBytes, p.fileSize) : ''}
              ></pss-progress-bar>
            </dd>
            <dt>${t('client.download.overall')}</dt>
            <dd>
              <pss-progress-bar
                data-testid="progress-overall"
                .label=${t('client.download.overallProgress')}
                .value=${p ? fraction(p.doneBytes, p.totalBytes) : 0}
                .valueText=${p ? formatPercent(p.doneBytes, p.totalBytes) : ''}
                tone=${p && p.doneBytes >= p.totalBytes && p.totalBytes > 0 ? 'success' : ''}
              ></pss-progress-bar>
            </dd>
            <dt></dt>
            <dd class="wrap" data-testid="progress-amount">
              ${
                p
                  ? t('client.download.amount', {
                      percent: formatPercent(p.doneBytes, p.totalBytes),
                      done: formatBytes(p.doneBytes),
                      total: formatBytes(p.totalBytes),
                      files: p.filesDone,
                      filesTotal: p.filesTotal,
                    })
                  : t('client.status.starting')
              }
            </dd>
            <dt>${t('client.download.speed')}</dt>
            <dd data-testid="progress-speed">${p ? formatSpeed(p.bytesPerSecond) : '—'}</dd>
            <dt>${t('client.download.eta')}</dt>
            <dd data-testid="progress-eta">${p ? formatEta(p.etaSeconds) : '—'}</dd>
          </dl>`
          : nothing
      }
      ${
        s.failures.length > 0
          ? html`<p class="muted spaced">${t('client.download.failures', { n: s.failures.length })}</p>
            <ul class="failures" data-testid="download-failures">
              ${s.failures.map((f) => html`<li><span class="mono">${nameText(f.path, { ltr: true })}</span> — ${nameText(f.message ?? f.code ?? '')}</li>`)}
            </ul>`
          : nothing
      }
      <pss-saved-as-list .files=${s.renamed}></pss-saved-as-list>
    </section>`;
  }

  private banners({ connection, chat, outcome }: ClientController) {
    const pinAlert = connection.state.pinAlert;
    const warnings = chat.state.warnings;
    return html`${
      pinAlert
        ? html`<pss-banner kind="alarm" dismissible data-testid="pin-alert" @pss-banner-dismiss=${() => connection.dismissPinAlert()}
          >${icon('alarm')}${t('client.pinAlert.heading')}\n<bdi>${pinAlert}</bdi></pss-banner
        >`
        : nothing
    }
    ${
      warnings.length > 0
        ? html`<div class="warnings">
          ${warnings.map(
            (w, i) => html`<pss-banner kind="warning" dismissible data-testid="server-warning" @pss-banner-dismiss=${() => chat.dismissWarning(i)}
              >${icon('warning')}${t('client.warning.banner', { text: isolate(w.text) })}</pss-banner
            >`,
          )}
        </div>`
        : nothing
    }
    ${outcomeBanners('client', outcome.state)}`;
  }

  override render() {
    const c = this.controller;
    if (!c) return nothing;
    const connection = c.connection.state.connection;
    const phase = c.connection.phase;
    const chat = c.chat;
    return html`<header class="topbar">
        <button data-testid="back-to-launcher" @click=${() => emit<NavigateDetail>(this, 'pss-navigate', { screen: 'launcher' })}>${icon('back')}${t('common.backToLauncher')}</button>
        <h1>${icon('client')}${t('client.heading')}</h1>
        <span class="badge" data-state=${phase} data-testid="client-phase">${phaseLabel(phase)}</span>
      </header>
      <div class="body">
        ${this.banners(c)} ${this.connectPanel(c)}
        <div class="main">
          ${this.filesPanel(c)}
          <div class="side">${this.savePanel(c)} ${this.downloadPanel(c)}</div>
        </div>
      </div>
      <div class="statusline" role="status" data-testid="client-status">${c.statusLine()}</div>
      ${
        chat.state.chatOpen
          ? html`<div class="dock">
            <pss-chat-window
              me="client"
              .heading=${t('client.chat.windowTitle', { server: ltr(c.connection.server) })}
              .peerName=${t('client.chat.peer')}
              .messages=${chat.state.chat}
              ?unavailable=${!(connection?.chatReady ?? false)}
              @pss-chat-send=${(e: CustomEvent<{ text: string }>) => this.sendChat(e.detail.text, e.target as PssChatWindow)}
              @pss-chat-close=${() => chat.closeChat()}
            ></pss-chat-window>
          </div>`
          : nothing
      }
      <pss-trust-dialog
        .open=${phase === 'awaiting-trust'}
        .server=${connection?.server ?? ''}
        .fingerprint=${connection?.fingerprint ?? ''}
        .shortFingerprint=${connection?.shortFingerprint ?? ''}
        @pss-trust-decision=${(e: CustomEvent<{ accept: boolean }>) => c.connection.trust(e.detail.accept)}
      ></pss-trust-dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-client-view': PssClientView;
  }
}
