// Client Management's live table: one row per desktop or web session with its status,
// current file, progress and speed. Click or arrow keys select a row.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionInfo } from '../../../../extensions/netcore/src/contract';
import { t } from '../i18n/i18n';
import { sessionStatusLabel } from '../i18n/labels';
import { formatPercentValue, formatSpeed } from '../logic/format';
import { emit } from './emit';
import './progress-bar';
import { sessionTableStyles } from './session-table.styles';
import { revealBidiControls } from '../logic/bidi-controls';
import { ltrText, nameText } from './bidi-text';

export interface SessionSelectDetail {
  id: string;
}

@customElement('pss-session-table')
export class PssSessionTable extends LitElement {
  static override styles = sessionTableStyles;

  /** The sessions to list. */
  @property({ attribute: false }) sessions: readonly SessionInfo[] = [];
  /** The selected session's id. */
  @property({ attribute: 'selected-id' }) selectedId: string | null = null;

  private select(id: string): void {
    emit<SessionSelectDetail>(this, 'pss-session-select', { id });
  }

  private onKeydown(e: KeyboardEvent, index: number): void {
    const next = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : -1;
    const target = this.sessions[next];
    if (!target) return;
    e.preventDefault();
    this.select(target.id);
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`tr[data-session-id="${CSS.escape(target.id)}"]`)?.focus());
  }

  override render() {
    const selectedIndex = this.sessions.findIndex((s) => s.id === this.selectedId);
    return html`<table role="grid" aria-label=${t('sessions.table.label')} data-testid="sessions-table">
      <colgroup>
        <col class="c-client" /><col class="c-address" /><col class="c-status" /><col class="c-file" /><col class="c-progress" /><col class="c-speed" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">${t('sessions.col.client')}</th>
          <th scope="col">${t('sessions.col.address')}</th>
          <th scope="col">${t('sessions.col.status')}</th>
          <th scope="col">${t('sessions.col.file')}</th>
          <th scope="col">${t('sessions.col.progress')}</th>
          <th scope="col">${t('sessions.col.speed')}</th>
        </tr>
      </thead>
      <tbody>
        ${
          this.sessions.length === 0
            ? html`<tr>
              <td colspan="6" class="empty">${t('sessions.empty')}</td>
            </tr>`
            : this.sessions.map((s, i) => {
                const selected = s.id === this.selectedId;
                const focusable = selected || (selectedIndex < 0 && i === 0);
                return html`<tr
                data-testid="session-row"
                data-session-id=${s.id}
                aria-selected=${String(selected)}
                tabindex=${focusable ? 0 : -1}
                @click=${() => this.select(s.id)}
                @keydown=${(e: KeyboardEvent) => this.onKeydown(e, i)}
              >
                <td title=${revealBidiControls(s.name)}>${nameText(s.name)}<span class="kind">${s.kind === 'web' ? t('sessions.kind.web') : t('sessions.kind.desktop')}</span></td>
                <td class="mono" data-testid="session-address">${ltrText(s.address)}</td>
                <td class="status" data-testid="session-status">${sessionStatusLabel(s.status)}</td>
                <td data-testid="session-file" title=${revealBidiControls(s.currentFile ?? '')}>${s.currentFile ? nameText(s.currentFile, { ltr: true }) : '—'}</td>
                <td>
                  <div class="progress">
                    <pss-progress-bar compact .value=${s.progress / 100} .label=${t('sessions.col.progress')}></pss-progress-bar>
                    <span class="num">${formatPercentValue(s.progress)}</span>
                  </div>
                </td>
                <td class="num">${s.status === 'downloading' ? formatSpeed(s.bytesPerSecond) : '—'}</td>
              </tr>`;
              })
        }
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-session-table': PssSessionTable;
  }
  interface HTMLElementEventMap {
    'pss-session-select': CustomEvent<SessionSelectDetail>;
  }
}
