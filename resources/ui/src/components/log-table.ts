// The server's log as a table: date-time, category, who, details; newest first. Only the
// rows in view are drawn, so the 50,000 entries the engine keeps scroll smoothly.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { LogEntry } from '../../../../extensions/netcore/src/contract';
import { t } from '../i18n/i18n';
import { categoryLabel } from '../i18n/labels';
import { formatDateTime } from '../logic/format';
import { logTableStyles } from './log-table.styles';
import './virtual-list';
import type { RowAria } from './virtual-list';
import { revealBidiControls } from '../logic/bidi-controls';
import { ltrText, nameText } from './bidi-text';

@customElement('pss-log-table')
export class PssLogTable extends LitElement {
  static override styles = logTableStyles;

  @state() private activeRow = -1;

  /** The entries to show, newest first. */
  @property({ attribute: false }) entries: readonly LogEntry[] = [];

  private renderRow = (i: number) => {
    const e = this.entries[i];
    if (!e) return nothing;
    return html`<div class="cols" role="presentation" data-testid="log-row" data-category=${e.category}>
      <span class="cell time" role="cell">${formatDateTime(e.time)}</span>
      <span class="cell cat" role="cell" data-category=${e.category}>${categoryLabel(e.category)}</span>
      <span class="cell mono" role="cell">${e.address ? ltrText(e.address) : ''}</span>
      <span class="cell" role="cell" title=${revealBidiControls(e.message)}>${nameText(e.message)}</span>
    </div>`;
  };

  private rowAria = (i: number): RowAria => ({ rowIndex: i + 2, selected: i === this.activeRow });

  override render() {
    return html`<div class="cols head" role="row" aria-rowindex="1">
        <span role="columnheader">${t('logs.col.time')}</span>
        <span role="columnheader">${t('logs.col.category')}</span>
        <span role="columnheader">${t('logs.col.address')}</span>
        <span role="columnheader">${t('logs.col.details')}</span>
      </div>
      <pss-virtual-list
        list-role="table"
        row-role="row"
        testid="logs-table"
        .label=${t('logs.table.label')}
        .emptyText=${t('logs.empty')}
        .count=${this.entries.length}
        .activeIndex=${Math.min(this.activeRow, this.entries.length - 1)}
        .renderRow=${(i: number) => this.renderRow(i)}
        .rowAria=${this.rowAria}
        @pss-list-active=${(e: CustomEvent<{ index: number }>) => {
          e.stopPropagation();
          this.activeRow = e.detail.index;
        }}
        @pss-list-key=${(e: Event) => e.stopPropagation()}
      ></pss-virtual-list>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-log-table': PssLogTable;
  }
}
