import { css } from 'lit';
import { listOwnerStyles } from './virtual-list.styles';

export const fileTreeStyles = [
  ...listOwnerStyles,
  css`
    pss-virtual-list {
      flex: 1 1 auto;
      min-block-size: 8rem;
      background: var(--pss-input);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
    }
    .item {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      inline-size: 100%;
      padding-inline-end: 0.6rem;
      white-space: nowrap;
    }
    .twisty {
      inline-size: 1.3rem;
      block-size: 1.3rem;
      padding: 0;
      border: none;
      background: none;
      color: var(--pss-muted);
      flex: none;
    }
    .twisty svg.icon {
      margin: 0;
    }
    .kind {
      display: inline-flex;
      color: var(--pss-muted);
      flex: none;
    }
    .twisty.leaf {
      visibility: hidden;
    }
    .name {
      flex: 1 1 auto;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .size {
      color: var(--pss-muted);
      font-variant-numeric: tabular-nums;
      flex: none;
    }
    .outcome {
      flex: none;
      display: inline-flex;
      align-items: center;
      gap: 0.2rem;
      font-size: 0.85rem;
    }
    .outcome.failed {
      color: var(--pss-danger);
    }
    .outcome.done {
      color: var(--pss-success);
    }
  `,
];
