import { css } from 'lit';
import { controls } from '../styles/theme';

export const sessionTableStyles = [
  controls,
  css`
    :host {
      display: block;
      overflow: auto;
      background: var(--pss-input);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
    }
    table {
      inline-size: 100%;
      border-collapse: collapse;
      table-layout: fixed;
    }
    th,
    td {
      text-align: start;
      padding-block: 0.45rem;
      padding-inline: 0.6rem;
      border-block-end: 1px solid color-mix(in srgb, var(--pss-border) 50%, transparent);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    th {
      background: var(--pss-surface-raised);
      font-weight: 600;
      position: sticky;
      inset-block-start: 0;
    }
    tbody tr {
      cursor: pointer;
    }
    tbody tr:hover {
      background: color-mix(in srgb, var(--pss-surface-raised) 70%, transparent);
    }
    tbody tr[aria-selected='true'] {
      background: var(--pss-selected);
    }
    tbody tr:focus-visible {
      outline: 2px solid var(--pss-focus);
      outline-offset: -2px;
    }
    .kind {
      font-size: 0.8rem;
      color: var(--pss-muted);
      margin-inline-start: 0.4rem;
    }
    .progress {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .progress pss-progress-bar {
      flex: 1 1 auto;
    }
    .num {
      font-variant-numeric: tabular-nums;
    }
    /* Words, not names: they wrap rather than hide (Persian units are longer). */
    td.num,
    td.status,
    th {
      white-space: normal;
    }
    .empty {
      padding: 1.2rem;
      color: var(--pss-muted);
      text-align: center;
    }
    col.c-client { inline-size: 18%; }
    col.c-address { inline-size: 14%; }
    col.c-status { inline-size: 11%; }
    col.c-file { inline-size: 25%; }
    col.c-progress { inline-size: 20%; }
    col.c-speed { inline-size: 12%; }
  `,
];
