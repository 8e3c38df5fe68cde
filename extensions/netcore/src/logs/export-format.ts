// How one log entry becomes a row of an export, and the text rules of the .txt and .csv
// formats. Pure functions: no I/O.
//
// Every format shows times in local time, to the second (a fraction is dropped).
//
// Both text formats are written so that every field can be read back exactly:
// - txt: one line per entry, fields separated by a tab. Inside a field a backslash is
//   written `\\`, a tab `\t`, a line feed `\n` and a carriage return `\r`, so a row is
//   always one line with exactly five fields.
// - csv: RFC 4180. A field holding a comma, a double quote, CR or LF is quoted, with its
//   double quotes doubled; lines end with CRLF; the file starts with a UTF-8 byte order
//   mark so that Excel reads Persian (and any non-Latin) text correctly.
// - both: a spreadsheet treats a field that starts with `=`, `+`, `-` or `@` as a formula,
//   and messages can start with text a client chose (a requested path). Such a field, and
//   one that already starts with apostrophes followed by one of those characters, gets one
//   more leading apostrophe. To read a field back, remove one apostrophe from a field
//   matching /^'+[=+\-@]/.
import type { LogEntry } from './log-entry';

export const EXPORT_COLUMNS = ['Date/Time', 'Category', 'Session', 'Client Address', 'Details'] as const;

/** The date-time shape of every format: local time, to the second. */
export const EXPORT_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

export const UTF8_BOM = '\uFEFF';

const MS_PER_DAY = 86_400_000;
/** Days from Excel's day 0 (1899-12-30, in its 1900 date system) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET_DAYS = 25_569;
const FORMULA_START = /^'*[=+\-@]/;

/** The text fields of an entry, in column order, after the date-time. */
export function entryFields(entry: LogEntry): [category: string, session: string, address: string, details: string] {
  return [entry.category, entry.sessionId ?? '', entry.address ?? '', entry.message];
}

/** `yyyy-mm-dd hh:mm:ss` in local time; the original text when it is not a valid time. */
export function formatLocalTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return time;
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const year = String(d.getFullYear()).padStart(4, '0');
  return `${year}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * The spreadsheet serial number (days since 1899-12-30, fraction = time of day) of the
 * local date-time at `ms`. Valid for dates after 1900-02-28, where Excel's calendar is right.
 */
export function excelSerial(ms: number): number {
  const localMs = ms - new Date(ms).getTimezoneOffset() * 60_000;
  return localMs / MS_PER_DAY + EXCEL_EPOCH_OFFSET_DAYS;
}

/** Keeps a spreadsheet from reading the field as a formula (see the rules above). */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function escapeTxtField(value: string): string {
  return neutralizeFormula(value).replace(/[\\\t\n\r]/g, (c) => TXT_ESCAPES[c]!);
}

const TXT_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One .txt line, without its line end. */
export function txtLine(fields: readonly string[]): string {
  return fields.map(escapeTxtField).join('\t');
}

export function csvField(value: string): string {
  const safe = neutralizeFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One .csv record, without its line end. */
export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}
