// Layout shared by the screens: a header with Back to Launcher, and a scrolling body.
import { css } from 'lit';
import { controls } from '../styles/theme';

export const viewStyles = [
  controls,
  css`
    :host {
      display: flex;
      flex-direction: column;
      block-size: 100%;
      min-block-size: 0;
    }
    .topbar,
    .statusline,
    pss-tab-bar {
      flex: none;
    }
    .topbar {
      display: flex;
      align-items: center;
      gap: var(--pss-gap);
      padding-block: 0.6rem;
      padding-inline: 1rem;
      background: var(--pss-surface);
      border-block-end: 1px solid var(--pss-border);
    }
    .topbar h1 {
      margin: 0;
      font-size: 1.15rem;
      flex: 1 1 auto;
    }
    .body {
      flex: 1 1 0;
      min-block-size: 0;
      overflow: auto;
      padding: 1rem;
      display: flex;
      flex-direction: column;
      gap: 1rem;
    }
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 0.35rem;
      padding-block: 0.2rem;
      padding-inline: 0.65rem;
      border-radius: 999px;
      border: 1px solid var(--pss-border);
      font-weight: 600;
      font-size: 0.9rem;
    }
    .badge[data-state='running'],
    .badge[data-state='connected'] {
      border-color: var(--pss-success);
      color: var(--pss-success);
    }
    .badge[data-state='paused'],
    .badge[data-state='awaiting-password'],
    .badge[data-state='awaiting-trust'] {
      border-color: var(--pss-warning);
      color: var(--pss-warning);
    }
    .badge[data-state='downloading'] {
      border-color: var(--pss-accent-strong);
      color: var(--pss-accent-strong);
    }
    .statusline {
      padding-block: 0.4rem;
      padding-inline: 1rem;
      background: var(--pss-surface);
      border-block-start: 1px solid var(--pss-border);
      color: var(--pss-muted);
      font-size: 0.9rem;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .dock {
      position: fixed;
      inset-block-end: 2.6rem;
      inset-inline-end: 1rem;
      display: flex;
      flex-direction: row-reverse;
      flex-wrap: wrap-reverse;
      align-items: flex-end;
      gap: 0.75rem;
      max-inline-size: calc(100vw - 2rem);
      pointer-events: none;
      z-index: 5;
    }
    .dock > * {
      pointer-events: auto;
    }
  `,
];
