// The server screen's tabs. Arrow keys move between tabs (and select them), Home/End jump;
// a tab can carry the 🔴 marker.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { emit } from './emit';
import { tabBarStyles } from './tab-bar.styles';
import { icon } from '../icons/icon';

export interface TabInfo {
  id: string;
  label: string;
  /** Shows 🔴 with this accessible text, e.g. "unread messages". */
  marker?: string;
}

export interface TabSelectDetail {
  id: string;
}

@customElement('pss-tab-bar')
export class PssTabBar extends LitElement {
  static override styles = tabBarStyles;

  /** The tabs, in order. */
  @property({ attribute: false }) tabs: readonly TabInfo[] = [];
  /** The id of the selected tab. */
  @property() selected = '';
  /** Accessible name of the tab list. */
  @property() label = '';

  private select(id: string, focus: boolean): void {
    emit<TabSelectDetail>(this, 'pss-tab-select', { id });
    if (focus) this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${CSS.escape(id)}`)?.focus());
  }

  private onKeydown(e: KeyboardEvent): void {
    const index = this.tabs.findIndex((tab) => tab.id === this.selected);
    const rtl = getComputedStyle(this).direction === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    let next = -1;
    if (e.key === forward) next = (index + 1) % this.tabs.length;
    else if (e.key === back) next = (index - 1 + this.tabs.length) % this.tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    this.select(this.tabs[next]!.id, true);
  }

  override render() {
    return html`<div role="tablist" aria-label=${this.label} @keydown=${this.onKeydown}>
      ${this.tabs.map(
        (tab) => html`<button
          id="tab-${tab.id}"
          role="tab"
          data-testid="tab-${tab.id}"
          aria-selected=${String(tab.id === this.selected)}
          tabindex=${tab.id === this.selected ? 0 : -1}
          @click=${() => this.select(tab.id, false)}
        >
          ${tab.label}${tab.marker ? html`<span class="marker unread-dot" role="img" aria-label=${tab.marker} data-testid="tab-${tab.id}-marker">${icon('dot')}</span>` : nothing}
        </button>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-tab-bar': PssTabBar;
  }
  interface HTMLElementEventMap {
    'pss-tab-select': CustomEvent<TabSelectDetail>;
  }
}
