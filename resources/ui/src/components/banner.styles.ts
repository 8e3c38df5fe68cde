import { css } from 'lit';
import { controls } from '../styles/theme';

export const bannerStyles = [
  controls,
  css`
    :host {
      display: block;
    }
    .banner {
      display: flex;
      align-items: flex-start;
      gap: 0.75rem;
      padding-block: 0.6rem;
      padding-inline: 0.85rem;
      border-radius: var(--pss-radius);
      border: 1px solid var(--pss-border);
      border-inline-start-width: 5px;
      background: var(--pss-info-bg);
      line-height: 1.4;
    }
    .text {
      flex: 1 1 auto;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    :host([kind='error']) .banner {
      background: var(--pss-danger-bg);
      border-color: var(--pss-danger);
    }
    :host([kind='warning']) .banner {
      background: var(--pss-warning-bg);
      border-color: var(--pss-warning);
    }
    :host([kind='alarm']) .banner {
      background: var(--pss-danger-bg);
      border-color: var(--pss-danger);
      border-width: 3px;
      border-inline-start-width: 8px;
      font-size: 1.05rem;
      font-weight: 600;
    }
    :host([kind='success']) .banner {
      border-color: var(--pss-success);
    }
    button {
      padding-block: 0.1rem;
      padding-inline: 0.5rem;
    }
  `,
];
