// Putting a language on the page: the catalog every string comes from, and the document's
// `lang` and `dir`, which mirror the whole layout (the styles use logical properties only).
import { CATALOGS, pickLanguage, setCatalog, type Language } from '../i18n/i18n';
import type { LanguageSetting } from '../logic/settings';

/** The remembered choice, or on first run the first of the system's languages we have. */
export function startLanguage(setting: LanguageSetting, system: readonly string[]): Language {
  return setting ?? pickLanguage(system);
}

export function applyLanguage(language: Language): void {
  const catalog = CATALOGS[language];
  setCatalog(catalog);
  // Controllers are also tested outside a page, where there is no document to mark.
  if (typeof document === 'undefined') return;
  document.documentElement.lang = catalog.lang;
  document.documentElement.dir = catalog.dir;
}
