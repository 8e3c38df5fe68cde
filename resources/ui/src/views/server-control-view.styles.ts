import { css } from 'lit';
import { controls } from '../styles/theme';

export const serverControlViewStyles = [
  controls,
  css`
    :host {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr));
      gap: 1rem;
      align-items: start;
    }
    .column {
      display: flex;
      flex-direction: column;
      gap: 1rem;
      min-inline-size: 0;
    }
    fieldset {
      border: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
    }
    legend {
      padding: 0;
      margin-block-end: 0.4rem;
      color: var(--pss-muted);
      font-size: 0.85rem;
    }
    .path {
      font-family: var(--pss-mono);
      direction: ltr;
      text-align: start;
    }
    .numbers {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0.75rem;
    }
    .password {
      display: flex;
      flex-direction: column;
      gap: 0.6rem;
      padding-inline-start: 1.4rem;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem;
      align-items: center;
    }
    .state {
      font-size: 1.05rem;
    }
    .state strong[data-state='running'] {
      color: var(--pss-success);
    }
    .state strong[data-state='paused'] {
      color: var(--pss-warning);
    }
    .state strong[data-state='stopped'] {
      color: var(--pss-muted);
    }
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.5rem 1rem;
      margin: 0.9rem 0 0;
    }
    dt {
      color: var(--pss-muted);
    }
    dd {
      margin: 0;
      min-inline-size: 0;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
    /* Addresses and fingerprints sit where the layout starts (right in Persian); the
       <bdi dir="ltr"> inside keeps their characters left to right. */
    .addr {
      font-family: var(--pss-mono);
      user-select: all;
    }
    .fingerprint {
      font-family: var(--pss-mono);
      overflow-wrap: anywhere;
      font-size: 0.85rem;
      user-select: all;
    }
    .short {
      font-family: var(--pss-mono);
      font-size: 1.05rem;
      letter-spacing: 0.06em;
    }
    .web {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem;
    }
    .web figure {
      margin: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.4rem;
    }
    .web figcaption {
      font-family: var(--pss-mono);
      font-size: 0.85rem;
      user-select: all;
    }
  `,
];
