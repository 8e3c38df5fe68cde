import { css } from 'lit';
import { listOwnerStyles } from './virtual-list.styles';

export const logTableStyles = [
  ...listOwnerStyles,
  css`
    :host {
      background: var(--pss-input);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
      overflow: hidden;
    }
    .cols {
      display: grid;
      grid-template-columns: 11.5rem 9.5rem 9rem minmax(0, 1fr);
      align-items: center;
      inline-size: 100%;
      gap: 0.6rem;
      padding-inline: 0.6rem;
    }
    .head {
      block-size: 2rem;
      font-weight: 600;
      background: var(--pss-surface-raised);
      border-block-end: 1px solid var(--pss-border);
    }
    pss-virtual-list {
      flex: 1 1 auto;
      min-block-size: 6rem;
    }
    .cell {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .time {
      font-variant-numeric: tabular-nums;
      color: var(--pss-muted);
    }
    .cat {
      font-weight: 600;
    }
    .cat[data-category='Security Alert'],
    .cat[data-category='Error'] {
      color: var(--pss-danger);
    }
    .cat[data-category='Security'],
    .cat[data-category='Authentication'] {
      color: var(--pss-warning);
    }
    .cat[data-category='File Transfer'],
    .cat[data-category='Web'] {
      color: var(--pss-accent-strong);
    }
    .cat[data-category='Chat'],
    .cat[data-category='Connection'] {
      color: var(--pss-success);
    }
  `,
];
