// The server's Logs tab: category and text filters, the table (newest first) and Export
// Logs… to .xlsx, .txt or .csv.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../components/log-table';
import type { LogsController } from '../controllers/logs-controller';
import { t } from '../i18n/i18n';
import { categoryLabel, LOG_CATEGORY_ORDER } from '../i18n/labels';
import { outcomeBanners } from './outcome-banners';
import { StoreBinding } from './store-binding';
import { tabViewStyles } from './tab-view.styles';
import { icon } from '../icons/icon';

@customElement('pss-logs-view')
export class PssLogsView extends LitElement {
  static override styles = tabViewStyles;

  /** The Logs controller. */
  @property({ attribute: false }) controller?: LogsController;

  constructor() {
    super();
    new StoreBinding(this, () => this.controller);
  }

  override render() {
    const c = this.controller;
    if (!c) return nothing;
    const s = c.state;
    const chosen = s.filter.categories;
    return html`<div class="toolbar">
        <input
          type="search"
          class="grow"
          data-testid="log-filter-text"
          aria-label=${t('logs.filter.text')}
          placeholder=${t('logs.filter.placeholder')}
          .value=${s.filter.text}
          @input=${(e: Event) => c.setText((e.target as HTMLInputElement).value)}
        />
        <button class="primary" data-testid="export-logs" ?disabled=${s.exporting} @click=${() => c.exportLogs()}>${icon('save')}${t('logs.export.button')}</button>
      </div>
      <div class="categories" role="group" aria-label=${t('logs.filter.categories')}>
        <label class="chip"
          ><input type="checkbox" data-testid="log-categories-all" .checked=${chosen.size === 0} @change=${() => c.showAllCategories()} />${t(
            'logs.filter.all',
          )}</label
        >
        ${LOG_CATEGORY_ORDER.map(
          (category) => html`<label class="chip"
            ><input
              type="checkbox"
              data-testid="log-category"
              data-category=${category}
              .checked=${chosen.has(category)}
              @change=${() => c.toggleCategory(category)}
            />${categoryLabel(category)}</label
          >`,
        )}
        <span class="count" data-testid="log-count">${t('logs.count', { shown: s.visible.length, total: s.all.length })}</span>
      </div>
      ${outcomeBanners('logs', s)}
      <pss-log-table class="fill" .entries=${s.visible}></pss-log-table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-logs-view': PssLogsView;
  }
}
