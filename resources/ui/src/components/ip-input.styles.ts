import { css } from 'lit';
import { controls } from '../styles/theme';

export const ipInputStyles = [
  controls,
  css`
    :host {
      display: inline-flex;
    }
    input {
      font-family: var(--pss-mono);
      letter-spacing: 0.03em;
      inline-size: 100%;
      /* Addresses read left to right in every language. */
      direction: ltr;
      text-align: start;
    }
  `,
];
