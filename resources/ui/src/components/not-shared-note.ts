// What a share leaves out, as one quiet line (PROTOCOL.md §5.1): under a client's file
// tree ("not offered") and in the server's status ("not shared"). Nothing when nothing is.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NotSharedCounts } from '../../../../extensions/netcore/src/contract';
import { notSharedText } from '../logic/not-shared';
import { notSharedNoteStyles } from './not-shared-note.styles';

@customElement('pss-not-shared-note')
export class PssNotSharedNote extends LitElement {
  static override styles = notSharedNoteStyles;

  /** Items left out, by reason. */
  @property({ attribute: false }) counts: NotSharedCounts = {};
  /** Whose words: a client's "not offered by the server" or the administrator's "not shared". */
  @property() audience: 'client' | 'server' = 'client';

  override render() {
    const text = notSharedText(this.counts, this.audience);
    return text ? html`<p role="note" data-testid="not-shared-note">${text}</p>` : nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pss-not-shared-note': PssNotSharedNote;
  }
}
