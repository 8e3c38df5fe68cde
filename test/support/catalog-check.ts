// Comparing two message catalogs (the desktop app's or the phone page's): every key in one
// is in the other, each message uses the same placeholders, a plural message counts the
// same placeholder and gives every plural form its language needs.

export type CatalogMessage = string | ({ count: string; other: string } & Partial<Record<'zero' | 'one' | 'two' | 'few' | 'many', string>>);

const FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

function placeholders(message: CatalogMessage): string {
  const texts = typeof message === 'string' ? [message] : FORMS.map((f) => message[f]).filter((x): x is string => typeof x === 'string');
  const names = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/\{(\w+)\}/g)) names.add(m[1]!);
  return [...names].sort().join(',');
}

function pluralProblems(key: string, lang: string, message: CatalogMessage): string[] {
  if (typeof message === 'string') return [];
  const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  return needed.filter((form) => typeof message[form] !== 'string').map((form) => `${lang}: ${key}: no "${form}" plural form`);
}

/** Every difference between a reference catalog and a translation, as readable lines. */
export function compareCatalogs(
  reference: { lang: string; messages: Readonly<Record<string, CatalogMessage>> },
  translation: { lang: string; messages: Readonly<Record<string, CatalogMessage>> },
): string[] {
  const problems: string[] = [];
  const a = reference.messages;
  const b = translation.messages;
  for (const key of Object.keys(a)) if (!(key in b)) problems.push(`${translation.lang}: missing key ${key}`);
  for (const key of Object.keys(b)) if (!(key in a)) problems.push(`${translation.lang}: extra key ${key}`);
  for (const key of Object.keys(a)) {
    if (!(key in b)) continue;
    const x = a[key]!;
    const y = b[key]!;
    if (placeholders(x) !== placeholders(y)) problems.push(`${translation.lang}: ${key}: placeholders {${placeholders(y)}} differ from {${placeholders(x)}}`);
    const countX = typeof x === 'string' ? undefined : x.count;
    const countY = typeof y === 'string' ? undefined : y.count;
    if (countX !== countY) problems.push(`${translation.lang}: ${key}: counted by ${countY ?? 'nothing'} instead of ${countX ?? 'nothing'}`);
    if (countX !== undefined && !placeholders(x).split(',').includes(countX))
      problems.push(`${reference.lang}: ${key}: counts {${countX}}, which it never shows`);
    problems.push(...pluralProblems(key, reference.lang, x), ...pluralProblems(key, translation.lang, y));
  }
  return problems;
}
