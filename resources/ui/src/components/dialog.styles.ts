import { css } from 'lit';
import { controls } from '../styles/theme';

export const dialogStyles = [
  controls,
  css`
    :host {
      display: contents;
    }
    dialog {
      color: var(--pss-text);
      background: var(--pss-surface);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
      padding: 1.25rem;
      inline-size: min(34rem, 92vw);
      box-shadow: 0 12px 40px rgb(0 0 0 / 60%);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 55%);
    }
    h2 {
      margin-block: 0 0.75rem;
      font-size: 1.1rem;
    }
    p {
      margin-block: 0 0.75rem;
      line-height: 1.45;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.6rem;
      margin-block-start: 1rem;
    }
    textarea {
      inline-size: 100%;
      min-block-size: 5rem;
      resize: vertical;
      unicode-bidi: plaintext;
    }
    .fingerprint {
      font-family: var(--pss-mono);
      text-align: start;
      background: var(--pss-input);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
      padding: 0.6rem;
      overflow-wrap: anywhere;
      user-select: all;
    }
    .short {
      font-family: var(--pss-mono);
      font-size: 1.25rem;
      letter-spacing: 0.08em;
      margin-block: 0.5rem;
    }
    .warn {
      color: var(--pss-warning);
    }
  `,
];
