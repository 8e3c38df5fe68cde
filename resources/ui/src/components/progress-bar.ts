// A progress bar without animation (screenshots and tests see exactly the value given).
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { progressBarStyles } from './progress-bar.styles';

@customElement('pss-progress-bar')
export class PssProgressBar extends LitElement {
  static override styles = progressBarStyles;

  /** Done, from 0 to 1. */
  @property({ type: Number }) value = 0;
  /** The accessible name. */
  @property() label = '';
  /** Text for screen readers, e.g. "42 %, 1.2 GiB of 3 GiB". */
  @property({ attribute: 'value-text' }) valueText = '';
  /** A colour variant: `success` when complete. */
  @property({ reflect: true }) tone = '';
  /** A thinner bar for table cells. */
  @property({ type: Boolean, reflect: true }) compact = false;

  override render() {
    const percent = Math.round(Math.min(1, Math.max(0, this.value)) * 1000) / 10;
    return html`<div
      class="track"
      role="progressbar"
      aria-label=${this.label}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent}
      aria-valuetext=${this.valueText || `${percent}%`}
    >
      <div class="fill" style=${styleMap({ inlineSize: `${percent}%` })}></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-progress-bar': PssProgressBar;
  }
}
