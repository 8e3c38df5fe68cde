// Bidi control characters in names. A file called "report\u202Efdp.exe" displays as
// "reportexe.pdf": the right-to-left override hides what the name really ends with. Names
// are shown with these characters made visible and marked, never obeyed (DESIGN §6).

const NAMES: Readonly<Record<string, string>> = {
  '\u061C': 'ALM',
  '\u200E': 'LRM',
  '\u200F': 'RLM',
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
};

const CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export interface NamePart {
  /** Plain text, drawn as is. */
  text: string;
  /** Set when this part is one control character: its code point, `U+202E`. */
  code?: string;
  /** Its short Unicode name, `RLO`. */
  abbreviation?: string;
}

function codeOf(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function countBidiControls(name: string): number {
  return name.match(CONTROLS)?.length ?? 0;
}

/** The name cut into plain runs and single control characters, in order. */
export function splitBidiControls(name: string): NamePart[] {
  const parts: NamePart[] = [];
  let last = 0;
  for (const m of name.matchAll(CONTROLS)) {
    if (m.index! > last) parts.push({ text: name.slice(last, m.index) });
    parts.push({ text: m[0], code: codeOf(m[0]), abbreviation: NAMES[m[0]] ?? '' });
    last = m.index! + m[0].length;
  }
  if (last < name.length) parts.push({ text: name.slice(last) });
  return parts;
}

/** The name as plain text with each control shown as `[U+202E RLO]`, for titles and labels. */
export function revealBidiControls(name: string): string {
  return name.replace(CONTROLS, (ch) => `[${codeOf(ch)} ${NAMES[ch] ?? ''}]`);
}
