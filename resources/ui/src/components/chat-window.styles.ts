import { css } from 'lit';
import { controls } from '../styles/theme';

export const chatWindowStyles = [
  controls,
  css`
    :host {
      display: flex;
      flex-direction: column;
      inline-size: 22rem;
      max-inline-size: 100%;
      block-size: 24rem;
      background: var(--pss-surface);
      border: 1px solid var(--pss-accent);
      border-radius: var(--pss-radius);
      box-shadow: 0 6px 24px rgb(0 0 0 / 45%);
    }
    section {
      display: flex;
      flex-direction: column;
      block-size: 100%;
      min-block-size: 0;
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding-block: 0.4rem;
      padding-inline: 0.75rem 0.4rem;
      background: var(--pss-surface-raised);
      border-block-end: 1px solid var(--pss-border);
      border-start-start-radius: var(--pss-radius);
      border-start-end-radius: var(--pss-radius);
    }
    h2 {
      flex: 1 1 auto;
      margin: 0;
      font-size: 0.95rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .close {
      padding-block: 0.1rem;
      padding-inline: 0.5rem;
    }
    ol {
      flex: 1 1 auto;
      overflow: auto;
      margin: 0;
      padding: 0.6rem;
      list-style: none;
      display: flex;
      flex-direction: column;
      gap: 0.45rem;
    }
    li {
      max-inline-size: 85%;
      padding-block: 0.35rem;
      padding-inline: 0.6rem;
      border-radius: var(--pss-radius);
      background: var(--pss-surface-raised);
    }
    li .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      unicode-bidi: plaintext;
    }
    li.mine {
      align-self: flex-end;
      background: var(--pss-selected);
    }
    li .meta {
      display: block;
      font-size: 0.75rem;
      color: var(--pss-muted);
    }
    .empty {
      color: var(--pss-muted);
      align-self: center;
      background: none;
    }
    form {
      display: flex;
      gap: 0.4rem;
      padding: 0.5rem;
      border-block-start: 1px solid var(--pss-border);
    }
    textarea {
      flex: 1 1 auto;
      resize: none;
      block-size: 2.4rem;
      unicode-bidi: plaintext;
    }
    .closed {
      padding-inline: 0.6rem;
      color: var(--pss-warning);
      font-size: 0.85rem;
    }
  `,
];
