// Exports log entries to a file the user picked: .xlsx, .txt or .csv (export-format.ts
// describes the text formats). A large log must not stall the server: text files are
// formatted a chunk of rows at a time with a yield to the event loop in between, and the
// .xlsx file is built in a worker. The file appears whole or not at all: it is written
// under a temporary name beside the target and renamed over it.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ErrorCode, fromFsError, PssError } from '../errors';
import { csvLine, entryFields, EXPORT_COLUMNS, excelSerial, formatLocalTime, txtLine, UTF8_BOM } from './export-format';
import type { LogEntry } from './log-entry';
import { LOG_EXPORT_CHUNK_ROWS, LOG_EXPORT_FILE_MODE } from './log-limits';
import type { WorkbookRow } from './xlsx-workbook';

export type LogExportFormat = 'xlsx' | 'txt' | 'csv';

export const LOG_EXPORT_FORMATS: readonly LogExportFormat[] = ['xlsx', 'txt', 'csv'];

export interface LogExportResult {
  path: string;
  /** Entries written, not counting the header row. */
  rows: number;
  /** Size of the file. */
  bytes: number;
}

/**
 * Builds the .xlsx file from its rows as JSON (xlsx-workbook.ts), away from the event loop:
 * a worker pool does (workers/pool.ts). `rows` is handed over.
 */
export interface WorkbookBuilder {
  buildLogWorkbook(rows: Uint8Array): Promise<Uint8Array>;
}

/** Writes `entries`, in the order given, to `filePath`, replacing any file there. */
export async function exportLogs(
  entries: readonly LogEntry[],
  format: LogExportFormat,
  filePath: string,
  workbooks: WorkbookBuilder,
): Promise<LogExportResult> {
  if (!LOG_EXPORT_FORMATS.includes(format)) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `unknown export format ${JSON.stringify(format)}; use xlsx, txt or csv`);
  }
  if (typeof filePath !== 'string' || filePath.trim() === '') {
    throw new PssError(ErrorCode.BAD_ARGUMENT, 'the export needs a file path');
  }
  const bytes =
    format === 'xlsx'
      ? await writeAtomic(filePath, async (write) => write(await buildWorkbook(entries, workbooks)))
      : await writeAtomic(filePath, (write) => writeText(entries, format, write));
  return { path: filePath, rows: entries.length, bytes };
}

type ChunkWriter = (chunk: string | Uint8Array) => Promise<void>;

async function writeText(entries: readonly LogEntry[], format: 'txt' | 'csv', write: ChunkWriter): Promise<void> {
  const [line, end] = format === 'csv' ? [csvLine, '\r\n'] : [txtLine, '\n'];
  await write((format === 'csv' ? UTF8_BOM : '') + line(EXPORT_COLUMNS) + end);
  for (let start = 0; start < entries.length; start += LOG_EXPORT_CHUNK_ROWS) {
    let chunk = '';
    for (const entry of entries.slice(start, start + LOG_EXPORT_CHUNK_ROWS)) {
      chunk += line([formatLocalTime(entry.time), ...entryFields(entry)]) + end;
    }
    await write(chunk);
    await nextTurn();
  }
}

async function buildWorkbook(entries: readonly LogEntry[], workbooks: WorkbookBuilder): Promise<Uint8Array> {
  // JSON in chunks: one stringify of a whole large log would hold the event loop.
  const parts: string[] = [];
  for (let start = 0; start < entries.length; start += LOG_EXPORT_CHUNK_ROWS) {
    const rows = entries.slice(start, start + LOG_EXPORT_CHUNK_ROWS).map(toWorkbookRow);
    parts.push(JSON.stringify(rows).slice(1, -1));
    await nextTurn();
  }
  const json = new TextEncoder().encode(`[${parts.join(',')}]`);
  return workbooks.buildLogWorkbook(json);
}

function toWorkbookRow(entry: LogEntry): WorkbookRow {
  const ms = Date.parse(entry.time);
  // Whole seconds, as the text formats show: spreadsheets differ in how they would round
  // a fraction (Excel rounds, LibreOffice truncates).
  return [Number.isNaN(ms) ? entry.time : excelSerial(Math.floor(ms / 1000) * 1000), ...entryFields(entry)];
}

/** Writes through `fill` to a temporary file, syncs it and renames it to `file`; returns the size. */
async function writeAtomic(file: string, fill: (write: ChunkWriter) => Promise<void>): Promise<number> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  let bytes = 0;
  try {
    handle = await open(tmp, 'ax', LOG_EXPORT_FILE_MODE);
    const out = handle;
    await fill(async (chunk) => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      await out.appendFile(data);
      bytes += data.byteLength;
    });
    await out.sync();
    handle = undefined;
    await out.close();
    await rename(tmp, file);
    return bytes;
  } catch (err) {
    await handle?.close().catch(() => undefined);
    // The first error is the one worth reporting; a leftover temporary file is harmless.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fromFsError(err, `exporting the log to ${file}`, ErrorCode.WRITE_FAILED);
  }
}
