import { css } from 'lit';
import { controls } from '../styles/theme';

export const passwordFieldStyles = [
  controls,
  css`
    :host {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
    }
    input:not([type='checkbox']) {
      flex: 1 1 auto;
      min-inline-size: 8rem;
    }
  `,
];
