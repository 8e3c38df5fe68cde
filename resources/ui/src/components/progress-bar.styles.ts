import { css } from 'lit';

export const progressBarStyles = css`
  :host {
    display: block;
  }
  .track {
    block-size: 0.7rem;
    background: var(--pss-input);
    border: 1px solid var(--pss-border);
    border-radius: 999px;
    overflow: hidden;
  }
  .fill {
    block-size: 100%;
    background: var(--pss-accent-strong);
  }
  :host([tone='success']) .fill {
    background: var(--pss-success);
  }
  :host([compact]) .track {
    block-size: 0.5rem;
  }
`;
