import { css } from 'lit';

export const notSharedNoteStyles = css`
  :host {
    display: block;
  }
  p {
    margin-block: 0.4rem 0;
    margin-inline: 0;
    color: var(--pss-muted);
    font-size: 0.9em;
    text-align: start;
  }
`;
