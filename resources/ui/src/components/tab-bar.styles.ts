import { css } from 'lit';
import { controls } from '../styles/theme';

export const tabBarStyles = [
  controls,
  css`
    :host {
      display: block;
      border-block-end: 1px solid var(--pss-border);
    }
    [role='tablist'] {
      display: flex;
      gap: 0.25rem;
      padding-inline: 0.75rem;
    }
    button {
      border: 1px solid transparent;
      border-block-end: none;
      border-end-start-radius: 0;
      border-end-end-radius: 0;
      background: transparent;
      color: var(--pss-muted);
      padding-block: 0.55rem;
      padding-inline: 1.1rem;
    }
    button[aria-selected='true'] {
      background: var(--pss-surface);
      border-color: var(--pss-border);
      color: var(--pss-text);
      font-weight: 600;
      margin-block-end: -1px;
      padding-block-end: calc(0.55rem + 1px);
    }
    .marker {
      margin-inline-start: 0.35rem;
      font-size: 0.7rem;
      vertical-align: middle;
    }
  `,
];
