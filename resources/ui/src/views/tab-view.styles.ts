// Layout of the server's Client Management, Chats and Logs tabs.
import { css } from 'lit';
import { controls } from '../styles/theme';

export const tabViewStyles = [
  controls,
  css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 0.75rem;
      block-size: 100%;
      min-block-size: 0;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.6rem;
    }
    .fill {
      flex: 1 1 auto;
      min-block-size: 12rem;
    }
    .categories {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
      padding-block: 0.2rem;
      padding-inline: 0.6rem;
      border: 1px solid var(--pss-border);
      border-radius: 999px;
      font-size: 0.85rem;
      cursor: pointer;
    }
    .chip:has(input:checked) {
      border-color: var(--pss-accent-strong);
      background: var(--pss-selected);
    }
    .clients {
      list-style: none;
      margin: 0;
      padding: 0;
      background: var(--pss-input);
      border: 1px solid var(--pss-border);
      border-radius: var(--pss-radius);
      overflow: auto;
    }
    .presence {
      display: inline-flex;
      color: var(--pss-muted);
    }
    .presence.ready {
      color: var(--pss-success);
    }
    .presence svg.icon {
      inline-size: 0.7em;
      block-size: 0.7em;
    }
    .clients li {
      display: flex;
      align-items: center;
      gap: 0.6rem;
      padding-block: 0.55rem;
      padding-inline: 0.75rem;
      border-block-end: 1px solid color-mix(in srgb, var(--pss-border) 50%, transparent);
      cursor: pointer;
    }
    .clients li[aria-selected='true'] {
      background: var(--pss-selected);
    }
    .clients li:focus-visible {
      outline: 2px solid var(--pss-focus);
      outline-offset: -2px;
    }
    .clients .name {
      flex: 1 1 auto;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .unread {
      min-inline-size: 1.5rem;
      padding-inline: 0.4rem;
      border-radius: 999px;
      background: var(--pss-danger);
      color: #fff;
      font-size: 0.8rem;
      font-weight: 700;
      text-align: center;
    }
    .empty {
      padding: 1.2rem;
      color: var(--pss-muted);
      text-align: center;
    }
    .count {
      color: var(--pss-muted);
      font-size: 0.9rem;
      margin-inline-start: auto;
    }
  `,
];
