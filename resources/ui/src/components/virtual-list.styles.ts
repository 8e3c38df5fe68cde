// Styles of pss-virtual-list, included by each owner (the list has no shadow root).
import { css } from 'lit';
import { controls } from '../styles/theme';

const virtualListStyles = css`
    pss-virtual-list {
      display: block;
      min-block-size: 0;
    }
    .vl-viewport {
      block-size: 100%;
      min-block-size: inherit;
      overflow: auto;
      position: relative;
      contain: layout paint;
    }
    .vl-viewport:focus-visible {
      outline: 2px solid var(--pss-focus);
      outline-offset: -2px;
    }
    .vl-spacer {
      position: relative;
      inline-size: 100%;
    }
    .vl-row {
      position: absolute;
      inset-inline: 0;
      display: flex;
      align-items: center;
      overflow: hidden;
      border-block-end: 1px solid color-mix(in srgb, var(--pss-border) 40%, transparent);
    }
    .vl-row:hover {
      background: color-mix(in srgb, var(--pss-surface-raised) 70%, transparent);
    }
    .vl-row.vl-active {
      background: var(--pss-selected);
    }
    .vl-empty {
      padding: 1rem;
      color: var(--pss-muted);
    }
  `;

/**
 * Where an owner's styles start: the shared controls, the list's styles, and a host that
 * stacks its parts in a column that may shrink.
 */
export const listOwnerStyles = [
  controls,
  virtualListStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      min-block-size: 0;
    }
  `,
];
