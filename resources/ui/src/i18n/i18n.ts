// The message catalog in use, and the one function every user-facing string goes through.
// A translation is another `Catalog` with the same keys; `dir` makes it right-to-left.
import { english, type MessageKey } from './messages';

export type { MessageKey };

export interface Catalog {
  /** BCP 47 language tag, for `lang` and number formatting. */
  lang: string;
  dir: 'ltr' | 'rtl';
  messages: Readonly<Record<MessageKey, string>>;
}

export const englishCatalog: Catalog = { lang: 'en', dir: 'ltr', messages: english };

let current: Catalog = englishCatalog;
let numbers = new Intl.NumberFormat(current.lang);

/** Switches the catalog; the app re-renders afterwards. */
export function setCatalog(catalog: Catalog): void {
  current = catalog;
  numbers = new Intl.NumberFormat(catalog.lang);
}

export function catalog(): Catalog {
  return current;
}

export type MessageParams = Readonly<Record<string, string | number>>;

/** The message for `key`, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
  const template = current.messages[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

/** A number in the catalog's digits and grouping. */
export function formatNumber(value: number, fractionDigits = 0): string {
  if (fractionDigits === 0) return numbers.format(value);
  return new Intl.NumberFormat(current.lang, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);
}
