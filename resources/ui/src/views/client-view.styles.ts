import { css } from 'lit';

export const clientViewStyles = css`
  .connect {
    display: grid;
    grid-template-columns: minmax(12rem, 16rem) 6.5rem auto minmax(12rem, 1fr) auto;
    align-items: end;
    gap: 0.75rem;
  }
  .connect .actions {
    display: flex;
    gap: 0.5rem;
    justify-self: end;
  }
  .login {
    display: flex;
    gap: 0.5rem;
    align-items: end;
  }
  .login pss-password-field {
    flex: 1 1 auto;
  }
  .main {
    display: grid;
    grid-template-columns: minmax(0, 1.6fr) minmax(20rem, 1fr);
    gap: 1rem;
    flex: 1 1 auto;
    min-block-size: 22rem;
  }
  .files {
    display: flex;
    flex-direction: column;
    gap: 0.6rem;
    min-block-size: 0;
  }
  .files pss-file-tree {
    flex: 1 1 auto;
    min-block-size: 12rem;
  }
  .side {
    display: flex;
    flex-direction: column;
    gap: 1rem;
    min-inline-size: 0;
  }
  .path {
    font-family: var(--pss-mono);
    direction: ltr;
    text-align: start;
  }
  .spaced {
    margin-block: 0.75rem 0;
  }
  .where {
    font-size: 0.85rem;
    overflow-wrap: anywhere;
  }
  .stats {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: 0.3rem 0.8rem;
    margin-inline: 0;
    font-variant-numeric: tabular-nums;
  }
  .stats dt {
    color: var(--pss-muted);
  }
  .stats dd {
    margin: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .stats dd.wrap {
    white-space: normal;
  }
  .failures {
    margin: 0;
    padding-inline-start: 1.2rem;
    color: var(--pss-danger);
    font-size: 0.85rem;
    max-block-size: 7rem;
    overflow: auto;
  }
  .chat-button {
    position: relative;
  }
  .chat-marker {
    margin-inline-start: 0.3rem;
    font-size: 0.7rem;
  }
  .download-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6rem;
    align-items: center;
  }
  .warnings {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  @media (max-width: 1000px) {
    .connect {
      grid-template-columns: 1fr 6.5rem auto;
    }
    .connect .login,
    .connect .actions {
      grid-column: 1 / -1;
      justify-self: stretch;
    }
    /* One column: the panels stack at their own height and the body scrolls, so the file
       list keeps room for its rows instead of being squeezed under the save panel. */
    .main {
      grid-template-columns: minmax(0, 1fr);
      flex: none;
    }
    .files {
      min-block-size: 26rem;
    }
  }
`;
