// How a catalog entry becomes text: `{name}` placeholders, and plural entries whose form is
// chosen with Intl.PluralRules for the catalog's language (English and Persian both have
// "one" and "other", other languages have more, and a catalog must give each one).

/** A message that depends on a count: `count` names the placeholder whose number picks the form. */
export interface PluralMessage {
  readonly count: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly zero?: string;
  readonly other: string;
}

export type Message = string | PluralMessage;

export type MessageParams = Readonly<Record<string, string | number>>;

const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

const rulesByLang = new Map<string, Intl.PluralRules>();

function pluralRules(lang: string): Intl.PluralRules {
  let rules = rulesByLang.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    rulesByLang.set(lang, rules);
  }
  return rules;
}

/** The template for these parameters: a plain string, or the plural form their count selects. */
export function selectForm(lang: string, message: Message, params?: MessageParams): string {
  if (typeof message === 'string') return message;
  const raw = params?.[message.count];
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n)) return message.other;
  const form = pluralRules(lang).select(n) as (typeof PLURAL_FORMS)[number];
  return message[form] ?? message.other;
}

/** Fills `{name}` from params; numbers go through `formatNumber` (the language's digits). */
export function fill(template: string, params: MessageParams | undefined, formatNumber: (n: number) => string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}
