// The files this system saved under another name because it cannot store theirs
// (PROTOCOL.md §5.2): each server name beside the name it was saved as. Names are
// isolated (<bdi>, dir=ltr) so they read the same inside right-to-left text.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FileOutcomeInfo } from '../../../../extensions/netcore/src/contract';
import { t } from '../i18n/i18n';
import { savedAsListStyles } from './saved-as-list.styles';

@customElement('pss-saved-as-list')
export class PssSavedAsList extends LitElement {
  static override styles = savedAsListStyles;

  /** Outcomes of files saved under a mapped name (those with `savedAs`). */
  @property({ attribute: false }) files: readonly FileOutcomeInfo[] = [];

  override render() {
    const renamed = this.files.filter((f) => f.savedAs !== undefined);
    if (renamed.length === 0) return nothing;
    return html`<p>${t('client.savedAs.heading', { n: renamed.length })}</p>
      <ul data-testid="saved-as-list">
        ${renamed.map(
          (f) =>
            html`<li>
              <bdi dir="ltr" class="mono">${f.path}</bdi> → ${t('client.savedAs.as')} <bdi dir="ltr" class="mono" data-testid="saved-as-name">${f.savedAs}</bdi>
            </li>`,
        )}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-saved-as-list': PssSavedAsList;
  }
}
