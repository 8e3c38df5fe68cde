// A list that draws only the rows in view (logic/virtual-window.ts): the file tree and the
// log table hold up to 100,000 rows. Keyboard: arrows, Page Up/Down, Home/End move the
// active row (announced with aria-activedescendant); other keys are reported to the owner.
// It renders without a shadow root of its own, so the rows its owner draws sit in the
// owner's shadow root: the owner's styles reach them (it includes virtualListStyles) and
// aria-activedescendant finds them.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { moveActive, rowWindow, scrollToReveal } from '../logic/virtual-window';
import { emit } from './emit';

/** ARIA state of one row, as its owner describes it. */
export interface RowAria {
  level?: number;
  expanded?: boolean;
  checked?: 'true' | 'false' | 'mixed';
  selected?: boolean;
  rowIndex?: number;
  label?: string;
}

export interface ListIndexDetail {
  index: number;
}

export interface ListKeyDetail {
  index: number;
  key: string;
}

@customElement('pss-virtual-list')
export class PssVirtualList extends LitElement {
  private resizeObserver: ResizeObserver | undefined;

  @query(':scope > .vl-viewport') private viewport!: HTMLElement;

  @state() private scrollOffset = 0;
  @state() private viewportHeight = 0;

  /** How many rows there are. */
  @property({ type: Number }) count = 0;
  /** Every row's height in pixels. */
  @property({ type: Number, attribute: 'row-height' }) rowHeight = 30;
  /** Draws row `index`; the owner passes a new function whenever its rows may have changed. */
  @property({ attribute: false }) renderRow: (index: number) => TemplateResult | typeof nothing = () => nothing;
  /** ARIA state of row `index`. */
  @property({ attribute: false }) rowAria: (index: number) => RowAria = () => ({});
  /** The active (keyboard) row, or -1. */
  @property({ type: Number, attribute: 'active-index' }) activeIndex = -1;
  /** Role of the list: `tree`, `table`, `listbox`. */
  @property({ attribute: 'list-role' }) listRole = 'list';
  /** Role of each row: `treeitem`, `row`, `option`. */
  @property({ attribute: 'row-role' }) rowRole = 'listitem';
  /** Accessible name of the list. */
  @property() label = '';
  /** Shown when there are no rows. */
  @property({ attribute: 'empty-text' }) emptyText = '';
  /** Test hook of the scrolling element. */
  @property() testid = 'virtual-list';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.measure());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  protected override firstUpdated(): void {
    this.resizeObserver?.observe(this.viewport);
    this.measure();
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('count') && this.scrollOffset > this.count * this.rowHeight) {
      this.viewport.scrollTop = 0;
      this.scrollOffset = 0;
    }
  }

  /** Scrolls so that row `index` is in view. */
  reveal(index: number): void {
    const target = scrollToReveal(index, this.viewport.scrollTop, this.viewport.clientHeight, this.rowHeight);
    if (target !== null) {
      this.viewport.scrollTop = target;
      this.scrollOffset = this.viewport.scrollTop;
    }
  }

  override focus(): void {
    this.viewport?.focus();
  }

  private measure(): void {
    this.viewportHeight = this.viewport.clientHeight;
    this.scrollOffset = this.viewport.scrollTop;
  }

  private onScroll(): void {
    this.scrollOffset = this.viewport.scrollTop;
  }

  private onKeydown(e: KeyboardEvent): void {
    const pageRows = Math.max(1, Math.floor(this.viewport.clientHeight / this.rowHeight) - 1);
    const next = moveActive(e.key, this.activeIndex, this.count, pageRows);
    if (next !== null) {
      e.preventDefault();
      this.reveal(next);
      emit<ListIndexDetail>(this, 'pss-list-active', { index: next });
      return;
    }
    if (this.activeIndex < 0 || this.activeIndex >= this.count) return;
    if (e.key === ' ' || e.key === 'Enter' || e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      emit<ListKeyDetail>(this, 'pss-list-key', { index: this.activeIndex, key: e.key });
    }
  }

  private onRowClick(index: number): void {
    emit<ListIndexDetail>(this, 'pss-list-active', { index });
  }

  private row(index: number) {
    const aria = this.rowAria(index);
    const active = index === this.activeIndex;
    return html`<div
      id="row-${index}"
      class="vl-row ${active ? 'vl-active' : ''}"
      role=${this.rowRole}
      aria-level=${aria.level ?? nothing}
      aria-expanded=${aria.expanded === undefined ? nothing : String(aria.expanded)}
      aria-checked=${aria.checked ?? nothing}
      aria-selected=${aria.selected === undefined ? (this.rowRole === 'row' ? nothing : String(active)) : String(aria.selected)}
      aria-rowindex=${aria.rowIndex ?? nothing}
      aria-label=${aria.label ?? nothing}
      style=${styleMap({ insetBlockStart: `${index * this.rowHeight}px`, blockSize: `${this.rowHeight}px` })}
      @click=${() => this.onRowClick(index)}
    >
      ${this.renderRow(index)}
    </div>`;
  }

  override render() {
    const { start, end } = rowWindow(this.scrollOffset, this.viewportHeight, this.rowHeight, this.count);
    const indexes: number[] = [];
    for (let i = start; i < end; i++) indexes.push(i);
    const active = this.activeIndex >= 0 && this.activeIndex < this.count ? `row-${this.activeIndex}` : nothing;
    return html`<div
      class="vl-viewport"
      tabindex="0"
      role=${this.listRole}
      aria-label=${this.label}
      aria-rowcount=${this.listRole === 'table' || this.listRole === 'grid' ? this.count + 1 : nothing}
      aria-activedescendant=${active}
      data-testid=${this.testid}
      data-count=${this.count}
      @scroll=${this.onScroll}
      @keydown=${this.onKeydown}
    >
      ${this.count === 0 && this.emptyText ? html`<div class="vl-empty" role="presentation">${this.emptyText}</div>` : nothing}
      <div class="vl-spacer" role="presentation" style=${styleMap({ blockSize: `${this.count * this.rowHeight}px` })}>
        ${repeat(
          indexes,
          (i) => i,
          (i) => this.row(i),
        )}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-virtual-list': PssVirtualList;
  }
  interface HTMLElementEventMap {
    'pss-list-active': CustomEvent<ListIndexDetail>;
    'pss-list-key': CustomEvent<ListKeyDetail>;
  }
}
