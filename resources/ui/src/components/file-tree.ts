// Available Files: the tree with check boxes. It draws a TreeSelection (logic/file-tree.ts)
// and reports what the user did; the owner changes the selection and bumps `version`.
// Keyboard: arrows move, Space checks, Right/Left open and close folders, Enter does both.
// A click lets the box change, then the selection decides: the boxes are bound live, so
// whatever the browser did to a box, the next render shows the selection's state.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { styleMap } from 'lit/directives/style-map.js';
import { t } from '../i18n/i18n';
import type { TreeSelection, VisibleRow } from '../logic/file-tree';
import { formatBytes } from '../logic/format';
import { emit } from './emit';
import { fileTreeStyles } from './file-tree.styles';
import './virtual-list';
import type { PssVirtualList, RowAria } from './virtual-list';
import { icon } from '../icons/icon';
import { revealBidiControls } from '../logic/bidi-controls';
import { nameText } from './bidi-text';

export interface TreeIndexDetail {
  index: number;
}

export interface TreeExpandDetail {
  index: number;
  open: boolean;
}

const INDENT_REM = 1.2;

@customElement('pss-file-tree')
export class PssFileTree extends LitElement {
  static override styles = fileTreeStyles;

  @query('pss-virtual-list') private list!: PssVirtualList;

  @state() private activeRow = -1;

  /** The tree and what is checked, open and filtered. */
  @property({ attribute: false }) selection: TreeSelection | null = null;
  /** Changes with every change to `selection`. */
  @property({ type: Number }) version = 0;
  /** Outcome of the last download per path (`done`, `failed`), shown beside the file. */
  @property({ attribute: false }) outcomes: ReadonlyMap<string, 'done' | 'failed'> = new Map();
  @property({ type: Boolean }) disabled = false;

  private get rows(): readonly VisibleRow[] {
    return this.selection?.rows() ?? [];
  }

  private toggle(index: number): void {
    if (!this.disabled) emit<TreeIndexDetail>(this, 'pss-tree-toggle', { index });
  }

  private expand(index: number, open: boolean): void {
    emit<TreeExpandDetail>(this, 'pss-tree-expand', { index, open });
  }

  private onKey(e: CustomEvent<{ index: number; key: string }>): void {
    const row = this.rows[e.detail.index];
    if (!row) return;
    const { node } = row;
    // Opening goes toward the line's end: → in a left-to-right layout, ← in right-to-left.
    const rtl = getComputedStyle(this).direction === 'rtl';
    const key = rtl && e.detail.key === 'ArrowLeft' ? 'ArrowRight' : rtl && e.detail.key === 'ArrowRight' ? 'ArrowLeft' : e.detail.key;
    switch (key) {
      case ' ':
        this.toggle(row.index);
        break;
      case 'Enter':
        if (node.isDir) this.expand(row.index, !row.expanded);
        else this.toggle(row.index);
        break;
      case 'ArrowRight':
        if (node.isDir && !row.expanded) this.expand(row.index, true);
        else if (node.isDir) this.moveTo(e.detail.index + 1);
        break;
      case 'ArrowLeft':
        if (node.isDir && row.expanded) this.expand(row.index, false);
        else this.moveTo(this.rows.findIndex((r) => r.index === node.parent));
        break;
    }
  }

  private moveTo(rowIndex: number): void {
    if (rowIndex < 0 || rowIndex >= this.rows.length) return;
    this.activeRow = rowIndex;
    this.list.reveal(rowIndex);
  }

  private renderRow = (i: number) => {
    const row = this.rows[i];
    if (!row) return nothing;
    const { node } = row;
    const outcome = this.outcomes.get(node.path);
    return html`<div
      class="item"
      data-testid="file-row"
      data-path=${node.path}
      style=${styleMap({ paddingInlineStart: `${(row.level - 1) * INDENT_REM + 0.3}rem` })}
      @dblclick=${() => node.isDir && this.expand(row.index, !row.expanded)}
    >
      <button
        class="twisty ${node.isDir ? '' : 'leaf'}"
        tabindex="-1"
        aria-hidden="true"
        data-testid="file-expand"
        @click=${(e: Event) => {
          e.stopPropagation();
          if (node.isDir) this.expand(row.index, !row.expanded);
        }}
      >
        ${node.isDir ? icon(row.expanded ? 'collapse' : 'expand') : nothing}
      </button>
      <input
        type="checkbox"
        tabindex="-1"
        aria-hidden="true"
        data-testid="file-check"
        .checked=${live(row.check === 'checked')}
        .indeterminate=${live(row.check === 'mixed')}
        ?disabled=${this.disabled}
        @change=${() => this.toggle(row.index)}
      />
      <span class="kind">${icon(node.isDir ? 'folder' : 'file')}</span>
      <span class="name" title=${revealBidiControls(node.name)}>${nameText(node.name)}</span>
      ${outcome ? html`<span class="outcome ${outcome}">${icon(outcome === 'done' ? 'check' : 'close')}${outcome === 'done' ? t('tree.done') : t('tree.failed')}</span>` : nothing}
      <span class="size">${node.isDir ? t('tree.folderSize', { files: node.fileCount, size: formatBytes(node.size) }) : formatBytes(node.size)}</span>
    </div>`;
  };

  private rowAria = (i: number): RowAria => {
    const row = this.rows[i];
    if (!row) return {};
    const aria: RowAria = {
      level: row.level,
      checked: row.check === 'mixed' ? 'mixed' : row.check === 'checked' ? 'true' : 'false',
      label: revealBidiControls(row.node.name),
    };
    if (row.node.isDir) aria.expanded = row.expanded;
    return aria;
  };

  override render() {
    const rows = this.rows;
    return html`<pss-virtual-list
      list-role="tree"
      row-role="treeitem"
      testid="file-tree"
      .label=${t('client.files.label')}
      .emptyText=${this.selection ? t('tree.noMatch') : t('tree.empty')}
      .count=${rows.length}
      .activeIndex=${Math.min(this.activeRow, rows.length - 1)}
      .renderRow=${(i: number) => this.renderRow(i)}
      .rowAria=${this.rowAria}
      @pss-list-active=${(e: CustomEvent<{ index: number }>) => {
        e.stopPropagation();
        this.activeRow = e.detail.index;
      }}
      @pss-list-key=${(e: CustomEvent<{ index: number; key: string }>) => {
        e.stopPropagation();
        this.onKey(e);
      }}
    ></pss-virtual-list>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-file-tree': PssFileTree;
  }
  interface HTMLElementEventMap {
    'pss-tree-toggle': CustomEvent<TreeIndexDetail>;
    'pss-tree-expand': CustomEvent<TreeExpandDetail>;
  }
}
