// Text that keeps its own direction inside a mirrored layout. `ltrText` for addresses,
// ports, fingerprints, paths and URLs (always left to right); `nameText` for file and
// client names, isolated with their own direction and with any bidi control character
// shown as a red `U+202E` mark instead of being obeyed.
import { html, nothing } from 'lit';
import { t } from '../i18n/i18n';
import { icon } from '../icons/icon';
import { countBidiControls, splitBidiControls } from '../logic/bidi-controls';

export function ltrText(value: string) {
  return html`<bdi dir="ltr">${value}</bdi>`;
}

/** A name, isolated; a name with bidi controls also gets a warning sign that says why. */
export function nameText(name: string, options: { ltr?: boolean } = {}) {
  const controls = countBidiControls(name);
  const parts =
    controls === 0
      ? name
      : splitBidiControls(name).map((p) =>
          p.code ? html`<span class="bidi-control" data-testid="bidi-control" title=${t('bidi.control', { code: p.code })}>${p.code}</span>` : p.text,
        );
  return html`${
    controls > 0
      ? html`<span class="bidi-warning" role="img" data-testid="bidi-warning" aria-label=${t('bidi.warning', { n: controls })} title=${t('bidi.warning', { n: controls })}
          >${icon('warning')}</span
        >`
      : nothing
  }<bdi dir=${options.ltr ? 'ltr' : 'auto'} data-spoofed=${controls > 0 ? 'true' : nothing}>${parts}</bdi>`;
}
