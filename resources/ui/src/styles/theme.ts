// The original's dark theme as custom properties on the document (they reach into every
// shadow root), and the control styles components share. Logical properties only, so a
// right-to-left catalog mirrors the layout without touching a component.
import { css } from 'lit';

export const themeTokens = css`
  :root {
    color-scheme: dark;
    --pss-bg: #1e1e1e;
    --pss-surface: #252526;
    --pss-surface-raised: #2d2d30;
    --pss-input: #333337;
    --pss-border: #4a4a4f;
    --pss-text: #e8e8e8;
    --pss-muted: #a6a6ad;
    --pss-accent: #0e639c;
    --pss-accent-strong: #1a85d1;
    --pss-accent-text: #ffffff;
    --pss-success: #3fb950;
    --pss-danger: #e5534b;
    --pss-danger-bg: #4a1f1d;
    --pss-warning: #e3b341;
    --pss-warning-bg: #4a3b12;
    --pss-info-bg: #163049;
    --pss-focus: #4fc1ff;
    --pss-selected: #094771;
    --pss-radius: 6px;
    --pss-gap: 0.75rem;
    --pss-font: 'Vazirmatn', system-ui, 'Segoe UI', 'Noto Sans', sans-serif;
    --pss-mono: ui-monospace, 'Cascadia Mono', 'DejaVu Sans Mono', 'Consolas', 'Vazirmatn', monospace;
    --pss-row-height: 30px;
  }
  html,
  body {
    margin: 0;
    block-size: 100%;
    background: var(--pss-bg);
    color: var(--pss-text);
    font-family: var(--pss-font);
    font-size: 14px;
  }
`;

/** Buttons, fields and small layout helpers every component uses. */
export const controls = css`
  :host {
    font-family: var(--pss-font);
    color: var(--pss-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button {
    font: inherit;
    color: var(--pss-text);
    background: var(--pss-surface-raised);
    border: 1px solid var(--pss-border);
    border-radius: var(--pss-radius);
    padding-block: 0.4rem;
    padding-inline: 0.85rem;
    cursor: pointer;
    white-space: nowrap;
  }
  button:hover:not(:disabled) {
    border-color: var(--pss-accent-strong);
  }
  button.primary {
    background: var(--pss-accent);
    border-color: var(--pss-accent);
    color: var(--pss-accent-text);
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    background: var(--pss-accent-strong);
  }
  button.danger {
    background: var(--pss-danger-bg);
    border-color: var(--pss-danger);
  }
  button.big {
    font-size: 1.05rem;
    padding-block: 0.6rem;
    padding-inline: 1.3rem;
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  input[type='text'],
  input[type='password'],
  input[type='number'],
  input[type='search'],
  textarea {
    font: inherit;
    color: var(--pss-text);
    background: var(--pss-input);
    border: 1px solid var(--pss-border);
    border-radius: var(--pss-radius);
    padding-block: 0.4rem;
    padding-inline: 0.55rem;
    min-inline-size: 0;
  }
  input:disabled,
  textarea:disabled {
    opacity: 0.5;
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--pss-accent-strong);
    inline-size: 1rem;
    block-size: 1rem;
    margin: 0;
  }
  :focus-visible {
    outline: 2px solid var(--pss-focus);
    outline-offset: 1px;
  }
  label {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
  }
  .field {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 0.3rem;
  }
  .field > .caption {
    color: var(--pss-muted);
    font-size: 0.85rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pss-gap);
  }
  .grow {
    flex: 1 1 auto;
    min-inline-size: 0;
  }
  .muted {
    color: var(--pss-muted);
  }
  .mono {
    font-family: var(--pss-mono);
  }
  .panel {
    background: var(--pss-surface);
    border: 1px solid var(--pss-border);
    border-radius: var(--pss-radius);
    padding: 1rem;
  }
  .panel > h2,
  .panel > h3 {
    margin-block: 0 0.75rem;
    font-size: 1rem;
    font-weight: 600;
  }
  svg.icon {
    inline-size: 1.15em;
    block-size: 1.15em;
    flex: none;
    vertical-align: -0.2em;
    margin-inline-end: 0.35em;
  }
  .icon-only svg.icon,
  .unread-dot svg.icon,
  .twisty svg.icon,
  .kind svg.icon,
  .presence svg.icon,
  .lock svg.icon {
    margin-inline-end: 0;
  }
  svg.icon.mirrored {
    transform: scaleX(-1);
  }
  .unread-dot {
    display: inline-flex;
    color: var(--pss-danger);
  }
  .unread-dot svg.icon {
    inline-size: 0.75em;
    block-size: 0.75em;
    margin: 0;
  }
  .bidi-control {
    display: inline-block;
    direction: ltr;
    unicode-bidi: isolate;
    margin-inline: 0.1em;
    padding-inline: 0.2em;
    border: 1px solid var(--pss-danger);
    border-radius: 3px;
    color: var(--pss-danger);
    font-family: var(--pss-mono);
    font-size: 0.75em;
    line-height: 1.2;
  }
  .bidi-warning {
    display: inline-flex;
    color: var(--pss-danger);
  }
  .bidi-warning svg.icon {
    margin-inline-end: 0.2em;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
