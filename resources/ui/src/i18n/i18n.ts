// The catalog in use, and the one function every user-facing string goes through. English
// and Persian (right to left) have the same keys; `dir` mirrors the layout, `lang` gives
// the digits, the plural rules and, for Persian, the Persian calendar.
import { fill, selectForm, type Message, type MessageParams } from './message-format';
import { english, type MessageKey } from './messages';
import { persian } from './messages-fa';

export type { MessageKey, MessageParams };

export type Language = 'en' | 'fa';

export interface Catalog {
  /** BCP 47 language tag, for `lang`, number and date formatting and plural rules. */
  lang: Language;
  dir: 'ltr' | 'rtl';
  /** The language's own name, for the language switch. */
  name: string;
  messages: Readonly<Record<MessageKey, Message>>;
}

export const englishCatalog: Catalog = { lang: 'en', dir: 'ltr', name: 'English', messages: english };
export const persianCatalog: Catalog = { lang: 'fa', dir: 'rtl', name: 'فارسی', messages: persian };

export const CATALOGS: Readonly<Record<Language, Catalog>> = { en: englishCatalog, fa: persianCatalog };
export const LANGUAGES = Object.keys(CATALOGS) as Language[];

/** The language for a list of preferred tags (the system's, e.g. navigator.languages): the first we have, else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'fa' || base === 'en') return base;
  }
  return 'en';
}

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

/** The message for `key`, its plural form chosen by its count, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
  return fill(selectForm(current.lang, current.messages[key], params), params, (n) => numbers.format(n));
}

/** A number in the catalog's digits and grouping (Persian digits in the Persian catalog). */
export function formatNumber(value: number, fractionDigits = 0, minimumIntegerDigits = 1): string {
  if (fractionDigits === 0 && minimumIntegerDigits === 1) return numbers.format(value);
  return new Intl.NumberFormat(current.lang, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits, minimumIntegerDigits }).format(
    value,
  );
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The date and time parts of an instant in local time, in the catalog's calendar and
 * digits: the Gregorian calendar for English, the Persian (solar hijri) one for Persian.
 */
export function dateParts(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  let format = dateFormats.get(current.lang);
  if (!format) {
    format = new Intl.DateTimeFormat(current.lang === 'fa' ? 'fa-IR-u-ca-persian-nu-arabext' : 'en-CA-u-ca-gregory-nu-latn', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateFormats.set(current.lang, format);
  }
  const out = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const part of format.formatToParts(date)) if (part.type in out) out[part.type as keyof typeof out] = part.value;
  return out;
}
