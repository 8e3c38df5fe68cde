import { css } from 'lit';
import { controls } from '../styles/theme';

export const launcherViewStyles = [
  controls,
  css`
    :host {
      display: flex;
      align-items: center;
      justify-content: center;
      block-size: 100%;
      padding: 1.5rem;
    }
    .card {
      display: flex;
      flex-direction: column;
      align-items: stretch;
      gap: 1rem;
      inline-size: min(26rem, 100%);
      padding: 2rem;
      background: var(--pss-surface);
      border: 1px solid var(--pss-border);
      border-radius: calc(var(--pss-radius) * 2);
      text-align: center;
    }
    h1 {
      margin: 0;
      font-size: 1.6rem;
    }
    .lock {
      font-size: 2.6rem;
      color: var(--pss-accent-strong);
    }
    p {
      margin: 0;
      color: var(--pss-muted);
    }
    button.big {
      font-size: 1.1rem;
      padding-block: 0.8rem;
    }
    .languages {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      color: var(--pss-muted);
    }
    .languages button[aria-pressed='true'] {
      border-color: var(--pss-accent-strong);
      color: var(--pss-accent-text);
      background: var(--pss-selected);
      font-weight: 600;
    }
    .running {
      color: var(--pss-success);
      font-size: 0.9rem;
    }
  `,
];
