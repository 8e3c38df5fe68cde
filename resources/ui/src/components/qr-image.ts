// The web-access QR code. The SVG comes from the engine; it is drawn as an image from a
// data: URL, so no markup of it ever enters the page's DOM and no script in it can run.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('pss-qr-image')
export class PssQrImage extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
    }
    img {
      display: block;
      inline-size: var(--pss-qr-size, 9rem);
      block-size: var(--pss-qr-size, 9rem);
      background: #ffffff;
      padding: 0.4rem;
      border-radius: var(--pss-radius);
      image-rendering: pixelated;
    }
  `;

  /** SVG markup of the QR code. */
  @property() svg = '';
  /** What the code holds, for the alt text. */
  @property() label = '';

  override render() {
    if (!this.svg.trimStart().startsWith('<')) return html``;
    const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(this.svg)}`;
    return html`<img src=${src} alt=${this.label} data-testid="web-access-qr" />`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-qr-image': PssQrImage;
  }
}
