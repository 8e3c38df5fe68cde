import { css } from 'lit';

export const savedAsListStyles = css`
  :host {
    display: block;
  }
  p {
    margin-block: 0.6rem 0.2rem;
    margin-inline: 0;
    color: var(--pss-muted);
  }
  ul {
    margin: 0;
    padding-inline-start: 1.2rem;
    max-block-size: 8rem;
    overflow-y: auto;
  }
  li {
    overflow-wrap: anywhere;
  }
  .mono {
    font-family: var(--pss-mono, monospace);
  }
`;
