import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as XLSX from 'xlsx';
import { exportLogs, type LogExportFormat } from '../../../extensions/netcore/src/logs/export';
import { EXPORT_COLUMNS, formatLocalTime } from '../../../extensions/netcore/src/logs/export-format';
import { LOG_CATEGORIES, type LogEntry } from '../../../extensions/netcore/src/logs/log-entry';
import { WorkerPool, workbookInOwnWorker } from '../../../extensions/netcore/src/workers/pool';
import { conditionNeed, testIf } from '../../support/tools';

const test = suite('log export');

// Local time must really be local: run in a zone with a half-hour offset. Node applies a TZ
// change at once; the time is set back after the suite.
const ZONE = 'Asia/Tehran';
let zoneBefore: string | undefined;
let dir = '';

test.before(async () => {
  zoneBefore = process.env.TZ;
  process.env.TZ = ZONE;
  dir = await mkdtemp(join(tmpdir(), 'pss-export-'));
});

test.after(async () => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
  await rm(dir, { recursive: true, force: true });
});

const PERSIAN = 'دانلود فایل گزارش.pdf';

/** Entries that break naive formats: separators, quotes, line ends, formulas, RTL text. */
const TRICKY: LogEntry[] = [
  { time: '2024-03-20T10:11:12.600Z', category: 'File Transfer', sessionId: 'a1b2c3', address: '192.168.1.20', message: `sending ${PERSIAN}` },
  { time: '2024-03-20T10:11:13.000Z', category: 'File Transfer', sessionId: 'a1b2c3', address: '192.168.1.20', message: 'name\twith\ttabs.txt' },
  { time: '2024-03-20T23:59:59.999Z', category: 'Chat', sessionId: 'a1b2c3', message: 'quote "inside", and a comma' },
  { time: '2024-06-01T00:00:00.000Z', category: 'Chat', address: '10.0.0.7', message: 'line one\nline two' },
  { time: '2024-06-01T00:00:01.000Z', category: 'Chat', message: 'windows\r\nline end' },
  { time: '2024-06-01T00:00:02.000Z', category: 'Web', address: 'fe80::1%eth0', message: 'lone \r carriage return' },
  { time: '2024-06-01T00:00:03.000Z', category: 'Web', message: 'back\\slash, and \\n is not a newline' },
  { time: '2024-06-01T00:00:04.000Z', category: 'Security Alert', address: '::ffff:10.0.0.1', message: '=HYPERLINK("http://example.invalid","click")' },
  { time: '2024-06-01T00:00:05.000Z', category: 'Security', message: "'=already starts with an apostrophe" },
  { time: '2024-06-01T00:00:06.000Z', category: 'Security', message: '-1 and +1 and @x' },
  { time: '2024-06-01T00:00:07.000Z', category: 'Error', message: 'control \u0001 char and a literal _x0041_ escape' },
  { time: '2024-06-01T00:00:08.000Z', category: 'Connection', sessionId: 'odd,"session"', address: '127.0.0.1', message: '  spaces around  ' },
  { time: '2024-06-01T00:00:09.000Z', category: 'Authentication', message: '' },
  { time: 'not a time', category: 'Server Status', message: 'an entry whose time does not parse' },
  { time: '2024-12-31T20:30:00.000Z', category: 'Server Status', message: `${PERSIAN}\t"${PERSIAN}",\r\n${PERSIAN}` },
];

function expectedRows(entries: readonly LogEntry[]): string[][] {
  return entries.map((e) => [formatLocalTime(e.time), e.category, e.sessionId ?? '', e.address ?? '', e.message]);
}

/** Undoes the formula guard of the text formats: one apostrophe before /'*[=+\-@]/. */
function unguard(field: string): string {
  return /^'+[=+\-@]/.test(field) ? field.slice(1) : field;
}

function parseTxt(text: string): string[][] {
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split('\t').map((f) => unguard(f.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? `\\${c}`))));
}

/** RFC 4180, accepting CRLF or LF between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    const endOfRow = c === '\n' || (c === '\r' && text[i + 1] === '\n');
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 2;
      continue;
    }
    if (quoted && c === '"') quoted = false;
    else if (quoted) field += c;
    else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (endOfRow) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The local date-time a serial date stands for, read by calendar arithmetic alone. */
function serialToLocalMs(serial: number): number {
  const d = XLSX.SSF.parse_date_code(serial) as { y: number; m: number; d: number; H: number; M: number; S: number };
  return new Date(d.y, d.m - 1, d.d, d.H, d.M, d.S).getTime();
}

function checkXlsx(file: string, entries: readonly LogEntry[]): void {
  const book = XLSX.readFile(file, { cellNF: true, cellStyles: true });
  assert.equal(book.SheetNames, ['Logs']);
  const sheet = book.Sheets.Logs!;
  const last = entries.length + 1;
  assert.is(sheet['!ref'], `A1:E${last}`);
  assert.is(sheet['!autofilter']?.ref, `A1:E${last}`);
  const cols = sheet['!cols']!;
  assert.is(cols.length, 5);
  for (const [c, col] of cols.entries()) assert.ok((col.wch ?? 0) > EXPORT_COLUMNS[c]!.length, `column ${c} is wide enough: ${JSON.stringify(col)}`);
  for (const [c, name] of EXPORT_COLUMNS.entries()) {
    assert.equal(sheet[XLSX.utils.encode_cell({ r: 0, c })], { ...sheet[XLSX.utils.encode_cell({ r: 0, c })], t: 's', v: name });
  }
  entries.forEach((entry, i) => {
    const r = i + 1;
    const at = (c: number) => sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
    const time = at(0)!;
    const ms = Date.parse(entry.time);
    if (Number.isNaN(ms)) {
      assert.is(time.t, 's');
      assert.is(time.v, entry.time);
    } else {
      assert.is(time.t, 'n', `row ${r}: a real date, not text`);
      assert.is(time.z, 'yyyy-mm-dd hh:mm:ss');
      assert.ok(XLSX.SSF.is_date(time.z), 'a date format');
      const diff = ms - serialToLocalMs(time.v as number);
      assert.ok(diff >= 0 && diff < 1000, `row ${r}: ${entry.time} read back ${diff} ms off`);
      assert.is(time.w, formatLocalTime(entry.time));
    }
    const texts = [entry.category, entry.sessionId ?? '', entry.address ?? '', entry.message];
    texts.forEach((text, k) => {
      const cell = at(k + 1);
      if (text === '') assert.is(cell, undefined, `row ${r} column ${k + 1} is empty`);
      else {
        assert.is(cell?.t, 's', `row ${r} column ${k + 1}`);
        assert.is(cell?.v, text, `row ${r} column ${k + 1}`);
      }
    });
  });
}

function findOnPath(names: string[]): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.com', ''] : [''];
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      for (const ext of exts) {
        const candidate = join(folder, name + ext);
        if (folder && existsSync(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** Runs a program in its own process group, killing the whole group if it overruns. */
function run(program: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => {
      if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`${program} took longer than ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('xlsx: one "Logs" sheet whose every cell reads back, with real local dates', async () => {
  const file = join(dir, 'tricky.xlsx');
  const result = await exportLogs(TRICKY, 'xlsx', file, workbookInOwnWorker);
  assert.equal(result, { path: file, rows: TRICKY.length, bytes: (await stat(file)).size });
  checkXlsx(file, TRICKY);
});

const office = findOnPath(['soffice', 'libreoffice']);
const officeTest = testIf(
  test,
  conditionNeed(office ? undefined : 'LibreOffice (soffice or libreoffice) is not on PATH, so the LibreOffice check does not run'),
);

officeTest('xlsx: LibreOffice reads every cell the same', async () => {
  assert.ok(office);
  const file = join(dir, 'office.xlsx');
  await exportLogs(TRICKY, 'xlsx', file, workbookInOwnWorker);
  const work = await mkdtemp(join(tmpdir(), 'pss-office-'));
  try {
    const out = join(work, 'out');
    // Options: comma, double quote, UTF-8 (76), start at row 1.
    const args = [
      `-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`,
      '--headless',
      '--norestore',
      '--convert-to',
      'csv:Text - txt - csv (StarCalc):44,34,76,1',
      '--outdir',
      out,
      file,
    ];
    const { code, output } = await run(office, args, { ...process.env, HOME: work }, 60_000);
    assert.is(code, 0, output);
    const csv = (await readFile(join(out, 'office.csv'), 'utf8')).replace(/^\uFEFF/, '');
    const rows = parseCsv(csv);
    assert.equal(rows[0], [...EXPORT_COLUMNS]);
    assert.is(rows.length, TRICKY.length + 1);
    // A spreadsheet cell keeps a line break as LF alone, so CRLF in a message comes back as LF.
    const expected = expectedRows(TRICKY).map((row) => row.map((f) => f.replace(/\r\n/g, '\n')));
    TRICKY.forEach((entry, i) => {
      const got = rows[i + 1]!;
      assert.equal(got, expected[i], `row ${i + 1}`);
      const ms = Date.parse(entry.time);
      if (!Number.isNaN(ms)) {
        const [date, clock] = got[0]!.split(' ');
        const [y, m, d] = date!.split('-').map(Number);
        const [hh, mm, ss] = clock!.split(':').map(Number);
        const diff = ms - new Date(y!, m! - 1, d!, hh!, mm!, ss!).getTime();
        assert.ok(diff >= 0 && diff < 1000, `row ${i + 1}: ${diff} ms off`);
      }
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('txt: a header line, then one line per entry, every field read back exactly', async () => {
  const file = join(dir, 'tricky.txt');
  const result = await exportLogs(TRICKY, 'txt', file, workbookInOwnWorker);
  const text = await readFile(file, 'utf8');
  assert.is(result.bytes, Buffer.byteLength(text));
  assert.is(result.rows, TRICKY.length);
  assert.not.ok(text.startsWith('\uFEFF'));
  assert.is(text.split('\n').length, TRICKY.length + 2, 'no field added a line');
  assert.not.match(text, /\r/);
  const rows = parseTxt(text);
  assert.equal(rows[0], [...EXPORT_COLUMNS]);
  assert.equal(rows.slice(1), expectedRows(TRICKY));
  assert.ok(text.includes(`'=HYPERLINK(`), 'formula-like text is guarded');
});

test('csv: RFC 4180 with CRLF and a UTF-8 BOM, every field read back exactly', async () => {
  const file = join(dir, 'tricky.csv');
  const result = await exportLogs(TRICKY, 'csv', file, workbookInOwnWorker);
  const raw = await readFile(file);
  assert.is(result.bytes, raw.length);
  assert.equal([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = raw.toString('utf8').slice(1);
  assert.ok(text.startsWith('Date/Time,Category,Session,Client Address,Details\r\n'));
  assert.ok(text.endsWith('\r\n'));
  assert.not.match(text.replace(/"(?:[^"]|"")*"/g, ''), /(?<!\r)\n/, 'outside quotes every line ends with CRLF');
  const rows = parseCsv(text);
  assert.equal(rows[0], [...EXPORT_COLUMNS]);
  assert.equal(
    rows.slice(1).map((row) => row.map(unguard)),
    expectedRows(TRICKY),
  );
  assert.ok(text.includes(PERSIAN));
});

test('an export replaces an existing file whole and leaves no temporary file', async () => {
  const sub = await mkdtemp(join(dir, 'replace-'));
  const file = join(sub, 'logs.csv');
  await writeFile(file, 'old content that is longer than nothing');
  await exportLogs([], 'csv', file, workbookInOwnWorker);
  assert.is(await readFile(file, 'utf8'), '\uFEFFDate/Time,Category,Session,Client Address,Details\r\n');
  await exportLogs(TRICKY.slice(0, 2), 'xlsx', join(sub, 'logs.xlsx'), workbookInOwnWorker);
  assert.equal((await readdir(sub)).sort(), ['logs.csv', 'logs.xlsx']);
  if (process.platform !== 'win32') assert.is((await stat(file)).mode & 0o777, 0o600);
});

test('bad arguments and unwritable targets fail with a code and leave nothing behind', async () => {
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: { code?: string }) => e.code,
    );
  assert.is(await codeOf(exportLogs(TRICKY, 'pdf' as LogExportFormat, join(dir, 'x.pdf'), workbookInOwnWorker)), 'BAD_ARGUMENT');
  assert.is(await codeOf(exportLogs(TRICKY, 'csv', '  ', workbookInOwnWorker)), 'BAD_ARGUMENT');
  assert.is(await codeOf(exportLogs(TRICKY, 'txt', join(dir, 'no-such-folder', 'x.txt'), workbookInOwnWorker)), 'NOT_FOUND');
  const sub = await mkdtemp(join(dir, 'isdir-'));
  assert.is(await codeOf(exportLogs(TRICKY, 'xlsx', sub, workbookInOwnWorker)), 'WRITE_FAILED');
  assert.equal(await readdir(sub), []);
});

test('a given pool builds the workbook and keeps hashing afterwards', async () => {
  const pool = new WorkerPool(1);
  try {
    const file = join(dir, 'pool.xlsx');
    await exportLogs(TRICKY, 'xlsx', file, pool);
    checkXlsx(file, TRICKY);
    await writeFile(join(dir, 'h'), 'hash me');
    assert.is(await pool.hashFile(join(dir, 'h')), createHash('sha256').update('hash me').digest('hex'));
  } finally {
    await pool.close();
  }
});

test('100,000 entries export in every format while the event loop stays responsive', async () => {
  const count = 100_000;
  const base = Date.parse('2024-01-01T00:00:00Z');
  const many: LogEntry[] = Array.from({ length: count }, (_, i) => ({
    time: new Date(base + i * 1_001).toISOString(),
    category: LOG_CATEGORIES[i % LOG_CATEGORIES.length]!,
    sessionId: `s${i % 97}`,
    address: `192.168.${(i >> 8) & 255}.${i & 255}`,
    message: i % 10 === 0 ? `sending ${PERSIAN} to client ${i}, "part" ${i}` : `event number ${i}`,
  }));
  const BOUND_MS = 500;
  for (const format of ['xlsx', 'csv', 'txt'] as const) {
    const file = join(dir, `many.${format}`);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let worstGapMs = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      worstGapMs = Math.max(worstGapMs, now - last);
      last = now;
    }, 5);
    delay.enable();
    const started = performance.now();
    const result = await exportLogs(many, format, file, workbookInOwnWorker);
    const tookMs = performance.now() - started;
    delay.disable();
    clearInterval(probe);
    const maxDelayMs = delay.max / 1e6;
    console.log(
      `\n  ${format}: ${count} rows, ${result.bytes} bytes in ${Math.round(tookMs)} ms; max event-loop delay ${maxDelayMs.toFixed(1)} ms, worst timer gap ${worstGapMs.toFixed(1)} ms`,
    );
    assert.is(result.rows, count);
    assert.is(result.bytes, (await stat(file)).size);
    assert.ok(maxDelayMs < BOUND_MS, `${format}: event loop held for ${maxDelayMs} ms`);
    assert.ok(worstGapMs < BOUND_MS, `${format}: a timer waited ${worstGapMs} ms`);
  }
  const lastRow = expectedRows([many[count - 1]!])[0]!;
  const txt = parseTxt(await readFile(join(dir, 'many.txt'), 'utf8'));
  assert.is(txt.length, count + 1);
  assert.equal(txt[count], lastRow);
  const csv = parseCsv((await readFile(join(dir, 'many.csv'), 'utf8')).slice(1));
  assert.is(csv.length, count + 1);
  assert.equal(csv[count], lastRow);
  const sheet = XLSX.readFile(join(dir, 'many.xlsx')).Sheets.Logs!;
  assert.is(sheet['!ref'], `A1:E${count + 1}`);
  assert.equal(
    [1, 2, 3, 4].map((c) => sheet[XLSX.utils.encode_cell({ r: count, c })]?.v),
    lastRow.slice(1),
  );
  assert.is(sheet[`A${count + 1}`]?.w, lastRow[0]);
});

test.run();
