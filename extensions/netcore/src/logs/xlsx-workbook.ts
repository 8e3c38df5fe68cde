// The .xlsx file of a log export. SheetJS builds the whole file synchronously, which takes
// seconds for a large log, so this runs in a worker (workers/worker-main.ts); the rows
// arrive as JSON because they cross a thread boundary.
import type * as SheetJS from 'xlsx';
import { EXPORT_COLUMNS, EXPORT_DATE_FORMAT } from './export-format';
import { XLSX_MAX_CELL_CHARS, XLSX_MAX_COLUMN_CHARS } from './log-limits';

/**
 * One row: the time as a spreadsheet serial date (export-format.ts `excelSerial`), or as
 * text when it was not a valid time, then the text columns.
 */
export type WorkbookRow = [time: number | string, category: string, session: string, address: string, details: string];

const WORKBOOK_SHEET_NAME = 'Logs';

const COLUMN_LETTERS = 'ABCDE';
/** Room for the autofilter button beside a header. */
const HEADER_EXTRA_CHARS = 3;
/**
 * Excel reads `_xHHHH_` in stored text as the character U+HHHH; a literal one is kept by
 * escaping its underscore as `_x005F_` (ECMA-376 Part 1, §22.9.2.19).
 */
const OOXML_ESCAPE_LIKE = /_(x[0-9A-Fa-f]{4}_)/g;

/** Loaded on first use: SheetJS takes a noticeable time to load, and most runs never export. */
function sheetJs(): typeof SheetJS {
  return require('xlsx') as typeof SheetJS;
}

/** The rows, JSON-encoded as UTF-8, to the bytes of an .xlsx file. */
export function buildLogWorkbookFromJson(json: Uint8Array): Uint8Array {
  const rows: unknown = JSON.parse(new TextDecoder().decode(json));
  if (!Array.isArray(rows)) throw new TypeError('workbook rows must be an array');
  return buildLogWorkbook(rows as WorkbookRow[]);
}

/**
 * One sheet, "Logs": a header row with an autofilter, then one row per entry. Times are
 * numbers with a date format, so spreadsheets sort and filter them as dates.
 */
function buildLogWorkbook(rows: readonly WorkbookRow[]): Uint8Array {
  const XLSX = sheetJs();
  const sheet: SheetJS.WorkSheet = {};
  const widths: number[] = EXPORT_COLUMNS.map((name) => name.length + HEADER_EXTRA_CHARS);
  EXPORT_COLUMNS.forEach((name, c) => {
    sheet[`${COLUMN_LETTERS[c]}1`] = { t: 's', v: name };
  });
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 2;
    const [time, ...texts] = row;
    if (typeof time === 'number') {
      sheet[`A${line}`] = { t: 'n', v: time, z: EXPORT_DATE_FORMAT };
      widths[0] = Math.max(widths[0]!, EXPORT_DATE_FORMAT.length + 1);
    } else {
      setText(sheet, `A${line}`, time, widths, 0);
    }
    texts.forEach((text, i) => {
      setText(sheet, `${COLUMN_LETTERS[i + 1]}${line}`, text, widths, i + 1);
    });
  }
  const range = `A1:E${rows.length + 1}`;
  sheet['!ref'] = range;
  sheet['!autofilter'] = { ref: range };
  sheet['!cols'] = widths.map((w) => ({ wch: Math.min(w, XLSX_MAX_COLUMN_CHARS) }));

  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, WORKBOOK_SHEET_NAME);
  // 'buffer' rather than 'array': SheetJS makes the latter through a binary string.
  const out = XLSX.write(book, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
  // The bytes are transferred to the other thread, so they must own their memory: a
  // small Buffer shares a pool with others.
  return out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
}

function setText(sheet: SheetJS.WorkSheet, address: string, text: string, widths: number[], column: number): void {
  if (text === '') return;
  sheet[address] = { t: 's', v: cellText(text) };
  widths[column] = Math.max(widths[column]!, Math.min(text.length, XLSX_MAX_COLUMN_CHARS) + 1);
}

/** The text as stored: escaped for OOXML and cut to what a cell holds, marked with `…`. */
export function cellText(value: string): string {
  const escaped = value.replace(OOXML_ESCAPE_LIKE, '_x005F_$1');
  if (escaped.length <= XLSX_MAX_CELL_CHARS) return escaped;
  let keep = XLSX_MAX_CELL_CHARS - 1;
  for (;;) {
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(value.charAt(keep - 1))) keep--;
    const text = value.slice(0, keep).replace(OOXML_ESCAPE_LIKE, '_x005F_$1') + '…';
    if (text.length <= XLSX_MAX_CELL_CHARS) return text;
    keep -= text.length - XLSX_MAX_CELL_CHARS;
  }
}
