import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  csvField,
  csvLine,
  escapeTxtField,
  excelSerial,
  formatLocalTime,
  neutralizeFormula,
  txtLine,
} from '../../../extensions/netcore/src/logs/export-format';
import { XLSX_MAX_CELL_CHARS } from '../../../extensions/netcore/src/logs/log-limits';
import { cellText } from '../../../extensions/netcore/src/logs/xlsx-workbook';

/** Runs `fn` with the process in another time zone; Node applies a TZ change at once. */
function inZone<T>(zone: string, fn: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

test('times are shown in local time, to the second', () => {
  assert.is(
    inZone('UTC', () => formatLocalTime('2024-03-20T10:11:12.999Z')),
    '2024-03-20 10:11:12',
  );
  assert.is(
    inZone('Asia/Tehran', () => formatLocalTime('2024-03-20T10:11:12.600Z')),
    '2024-03-20 13:41:12',
  );
  assert.is(
    inZone('America/New_York', () => formatLocalTime('2024-07-01T02:00:00Z')),
    '2024-06-30 22:00:00',
    'summer time',
  );
  assert.is(
    inZone('America/New_York', () => formatLocalTime('2024-01-01T02:00:00Z')),
    '2023-12-31 21:00:00',
  );
  assert.is(formatLocalTime('not a time'), 'not a time', 'an unreadable time is kept as it was');
});

test('spreadsheet serial dates count local days from 1899-12-30', () => {
  assert.is(
    inZone('UTC', () => excelSerial(0)),
    25_569,
  );
  assert.is(
    inZone('UTC', () => excelSerial(Date.parse('2024-01-01T00:00:00Z'))),
    45_292,
  );
  assert.is(
    inZone('UTC', () => excelSerial(Date.parse('2024-01-01T18:00:00Z'))),
    45_292.75,
  );
  const tehran = inZone('Asia/Tehran', () => excelSerial(Date.parse('2024-01-01T00:00:00Z')));
  assert.ok(Math.abs(tehran - (45_292 + 3.5 / 24)) < 1e-9, `${tehran}`);
  assert.is(
    inZone('America/New_York', () => excelSerial(Date.parse('2024-07-01T04:00:00Z'))),
    45_474,
    'midnight, summer time',
  );
});

test('txt fields escape backslash, tab, LF and CR so a row stays one line', () => {
  assert.is(escapeTxtField('plain text'), 'plain text');
  assert.is(escapeTxtField('a\tb'), 'a\\tb');
  assert.is(escapeTxtField('line1\r\nline2\nline3\r'), 'line1\\r\\nline2\\nline3\\r');
  assert.is(escapeTxtField('C:\\new\\table'), 'C:\\\\new\\\\table', 'a literal backslash-n is not a line feed');
  assert.is(escapeTxtField('دانلود فایل گزارش.pdf'), 'دانلود فایل گزارش.pdf');
  assert.is(txtLine(['a\tb', '', 'c']), 'a\\tb\t\tc');
});

test('csv fields are quoted only when needed, with quotes doubled', () => {
  assert.is(csvField('plain'), 'plain');
  assert.is(csvField(''), '');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
  assert.is(csvField('one\ntwo'), '"one\ntwo"');
  assert.is(csvField('one\r\ntwo'), '"one\r\ntwo"');
  assert.is(csvField('tab\tis fine'), 'tab\tis fine');
  assert.is(csvField('دانلود فایل گزارش.pdf'), 'دانلود فایل گزارش.pdf');
  assert.is(csvLine(['a', 'b,c', '"']), 'a,"b,c",""""');
});

test('a field a spreadsheet would run as a formula gets one more leading apostrophe', () => {
  assert.is(neutralizeFormula('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
  assert.is(neutralizeFormula('+1'), `'+1`);
  assert.is(neutralizeFormula('-2'), `'-2`);
  assert.is(neutralizeFormula('@SUM(A1)'), `'@SUM(A1)`);
  assert.is(neutralizeFormula(`'=x`), `''=x`, 'so that removing one apostrophe is always right');
  assert.is(neutralizeFormula(`'quoted`), `'quoted`);
  assert.is(neutralizeFormula('a=b'), 'a=b');
  assert.is(csvField('=1+1,2'), `"'=1+1,2"`);
  assert.is(escapeTxtField('=1\t2'), `'=1\\t2`);
});

test('xlsx cell text keeps a literal _xHHHH_ and fits in a cell', () => {
  assert.is(cellText('file_x0041_.txt'), 'file_x005F_x0041_.txt');
  assert.is(cellText('_x12G4_ stays'), '_x12G4_ stays');
  const long = 'a'.repeat(40_000);
  const cut = cellText(long);
  assert.is(cut.length, XLSX_MAX_CELL_CHARS);
  assert.ok(cut.endsWith('…'));
  const escapes = '_x0041_'.repeat(6_000);
  const cutEscapes = cellText(escapes);
  assert.ok(cutEscapes.length <= XLSX_MAX_CELL_CHARS, `${cutEscapes.length}`);
  assert.ok(cutEscapes.endsWith('…'));
  const emoji = 'a' + '😀'.repeat(20_000);
  const cutEmoji = cellText(emoji);
  assert.ok(cutEmoji.length <= XLSX_MAX_CELL_CHARS);
  assert.not.match(cutEmoji, /[\uD800-\uDBFF]…$/, 'no half of a surrogate pair before the mark');
});

test.run();
