// The page's language: chosen by ?lang= (the switch on every page, a plain link that
// works without JavaScript), then the language cookie that link leaves, then the
// browser's Accept-Language, then English. Each language's text comes from its catalog
// in messages.ts, with plurals picked by Intl.PluralRules and numbers and dates in the
// language's digits and calendar (Persian digits and the Persian calendar for fa).
import type { NotSharedReason } from '../protocol/not-shared';
import { formatBytes, type ByteUnit, type UnitStyle } from '../units';
import { readCookie } from './cookies';
import { WEB_MESSAGES_EN, WEB_MESSAGES_FA, type WebMessage, type WebMessageKey } from './messages';

export type WebLanguage = 'en' | 'fa';

export const WEB_LANGUAGES: readonly WebLanguage[] = ['en', 'fa'];

/** Each language's name in itself, for the switch. */
export const WEB_LANGUAGE_NAMES: Readonly<Record<WebLanguage, string>> = { en: 'English', fa: 'فارسی' };

const LANGUAGE_COOKIE = 'pss_lang';
const LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

const CATALOGS: Readonly<Record<WebLanguage, Readonly<Record<WebMessageKey, WebMessage>>>> = { en: WEB_MESSAGES_EN, fa: WEB_MESSAGES_FA };

function known(tag: string | undefined): WebLanguage | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return base === 'en' || base === 'fa' ? base : undefined;
}

/** The first language of an Accept-Language header we have, by quality (RFC 9110 §12.5.4). */
export function languageFromAcceptLanguage(header: string | undefined): WebLanguage | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 32)
    .map((part, order) => {
      const [tag, ...params] = part.split(';');
      const qParam = params.find((p) => /^\s*q\s*=/i.test(p));
      // A malformed weight makes the range unusable rather than preferred.
      const q = qParam === undefined ? 1 : /^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.test(qParam) ? Number(qParam.split('=')[1]) : NaN;
      return { tag: tag!.trim(), q, order };
    })
    .filter((x) => x.q > 0 && Number.isFinite(x.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranked) {
    const lang = known(tag);
    if (lang) return lang;
  }
  return undefined;
}

/** The `lang` value of a raw query string, when it names a language we have. */
function languageFromQuery(query: string): WebLanguage | undefined {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq) === 'lang') return known(part.slice(eq + 1));
  }
  return undefined;
}

export interface LanguageChoice {
  lang: WebLanguage;
  /** Set when ?lang= chose it: the cookie that keeps the choice for the next pages. */
  setCookie?: string;
}

export function chooseLanguage(query: string, cookieHeader: string | undefined, acceptLanguage: string | undefined): LanguageChoice {
  const asked = languageFromQuery(query);
  if (asked) return { lang: asked, setCookie: `${LANGUAGE_COOKIE}=${asked}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${LANGUAGE_COOKIE_MAX_AGE_S}` };
  return { lang: known(readCookie(cookieHeader, LANGUAGE_COOKIE)) ?? languageFromAcceptLanguage(acceptLanguage) ?? 'en' };
}

/** The address of the same page in another language: the query kept, its `lang` replaced. */
export function languageHref(pathname: string, query: string, lang: WebLanguage): string {
  const kept = query.split('&').filter((p) => p !== '' && !p.startsWith('lang=') && p !== 'lang');
  return `${pathname}?${[...kept, `lang=${lang}`].join('&')}`;
}

type Params = Readonly<Record<string, string | number>>;

function formatter(lang: WebLanguage) {
  const numbers = new Intl.NumberFormat(lang);
  const plural = new Intl.PluralRules(lang);
  const messages = CATALOGS[lang];
  return (key: WebMessageKey, params?: Params): string => {
    const message = messages[key];
    let template: string;
    if (typeof message === 'string') template = message;
    else {
      const n = Number(params?.[message.count]);
      template = Number.isFinite(n) && plural.select(n) === 'one' ? message.one : message.other;
    }
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}

const SIZE_KEYS: Readonly<Record<ByteUnit, WebMessageKey>> = { B: 'sizeBytes', KiB: 'sizeKiB', MiB: 'sizeMiB', GiB: 'sizeGiB', TiB: 'sizeTiB' };

const NOT_OFFERED_KEYS: Record<NotSharedReason, WebMessageKey> = {
  link: 'notOfferedLink',
  special: 'notOfferedSpecial',
  unreadable: 'notOfferedUnreadable',
  dataDir: 'notOfferedDataDir',
  badName: 'notOfferedBadName',
  other: 'notOfferedOther',
};

function makeText(lang: WebLanguage) {
  const format = formatter(lang);
  const plain = Object.fromEntries(Object.keys(WEB_MESSAGES_EN).map((k) => [k, format(k as WebMessageKey)])) as Record<WebMessageKey, string>;
  const fixed = [0, 1, 2].map((digits) => new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const sizeStyle: UnitStyle = {
    number: (value, digits) => fixed[digits]!.format(value),
    bytes: (n, unit) => format(SIZE_KEYS[unit], { n }),
  };
  const dates = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-persian-nu-arabext' : 'en-CA-u-ca-gregory-nu-latn', {
    timeZone: 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return {
    ...plain,
    lang,
    dir: (lang === 'fa' ? 'rtl' : 'ltr') as 'ltr' | 'rtl',
    lockedOut: (seconds: number) => format('lockedOut', { seconds }),
    loginBusy: (seconds: number) => format('loginBusy', { seconds }),
    selectItem: (name: string) => format('selectItem', { name }),
    counted: (folders: number, files: number) =>
      format('counted', { folders: format('countedFolders', { n: folders }), files: format('countedFiles', { n: files }) }),
    serverFull: (max: number) => format('serverFull', { max }),
    notOffered: (total: number, reasons: string) => format('notOffered', { total, reasons }),
    notOfferedReason: (reason: NotSharedReason, n: number) => format(NOT_OFFERED_KEYS[reason], { n }),
    disconnected: (reason: string) => format('disconnected', { reason }),
    bidiControl: (code: string) => format('bidiControl', { code }),
    bidiWarning: (n: number) => format('bidiWarning', { n }),
    /** 1,023 B, 1.50 KiB, 15.3 MiB: units.ts's rules, in the language's digits and words. */
    size: (bytes: number): string => formatBytes(bytes, sizeStyle),
    /** A modification time in UTC: `2024-06-01 12:30 UTC`, in Persian `۱۴۰۳/۰۳/۱۲ ۱۲:۳۰ UTC`. */
    date(ms: number): { iso: string; text: string } {
      const d = new Date(ms);
      const parts: Record<string, string> = {};
      for (const p of dates.formatToParts(d)) parts[p.type] = p.value;
      const sep = lang === 'fa' ? '/' : '-';
      return { iso: d.toISOString(), text: `${parts.year}${sep}${parts.month}${sep}${parts.day} ${parts.hour}:${parts.minute} UTC` };
    },
  };
}

export type WebText = ReturnType<typeof makeText>;

const TEXTS: Readonly<Record<WebLanguage, WebText>> = { en: makeText('en'), fa: makeText('fa') };

export function webText(lang: WebLanguage = 'en'): WebText {
  return TEXTS[lang];
}
