// The error and success banners a screen shows for what its controller last did, with the
// test hooks `<prefix>-error` and `<prefix>-notice`.
import { html, nothing } from 'lit';
import '../components/banner';

export interface Outcome {
  error: string | null;
  notice?: string | null;
}

export function outcomeBanners(prefix: string, { error, notice }: Outcome) {
  return html`${error ? html`<pss-banner kind="error" data-testid="${prefix}-error">${error}</pss-banner>` : nothing}
    ${notice ? html`<pss-banner kind="success" data-testid="${prefix}-notice">${notice}</pss-banner>` : nothing}`;
}
