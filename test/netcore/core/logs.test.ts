// Structured logs through the contract: real server activity (connections, a listing, a
// download, chat, a warning, a disconnect) is logged in categories, streamed live as
// log.entry, and logs.query filters it by category, text and time; logs.export writes what
// a query selects to .xlsx, .txt and .csv.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import type { LogEntry } from '../../../extensions/netcore/src/contract';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection, waitUntil } from '../../support/wait';

const HEADER = ['Date/Time', 'Category', 'Session', 'Client Address', 'Details'];
const MARKER = 'Zebra-42 فیل';

let base = '';
let server: CoreDriver;
let client: CoreDriver;
let sessionId = '';
/** Between the first round of activity and the second. */
let middle = '';

test.before(async () => {
  base = await makeTempDir('core-logs');
  await writeRandomFile(join(base, 'share', 'report.bin'), 200_000);
  server = await CoreDriver.create('server');
  client = await CoreDriver.create('client');
  const { mainPort } = await server.startServer(join(base, 'share'));
  await client.connect(mainPort!, { displayName: 'log-client', chat: true });
  sessionId = (await server.session('log-client')).id;
  await client.handle('client.list', {});
  // The middle is a millisecond of its own: later than the listing's entry, earlier than anything after.
  const listed = await server.waitFor('log.entry', (e) => e.message.startsWith('listed'));
  await clockPast(listed.time);
  middle = new Date().toISOString();
  await clockPast(middle);
  const summary = await client.handle('client.download', { paths: ['report.bin'], destination: join(base, 'into') });
  assert.ok(summary.ok);
  const mark = server.mark();
  await client.handle('client.chat.send', { text: `hello ${MARKER}` });
  await server.waitFor('chat.message', () => true, { since: mark });
  await server.handle('session.warn', { sessionId, text: 'mind the quota' });
});

/** Returns once the clock reads later than `time` (log times count whole milliseconds). */
function clockPast(time: string): Promise<void> {
  return waitUntil(() => new Date().toISOString() > time, `the clock to pass ${time}`, { timeoutMs: 1_000, intervalMs: 1 });
}

test.after(async () => {
  await closeAll(client, server);
  await removeDir(base);
});

function assertNewestFirst(entries: readonly LogEntry[]): void {
  for (let i = 1; i < entries.length; i++) {
    assert.ok(Date.parse(entries[i]!.time) <= Date.parse(entries[i - 1]!.time), 'newest first');
  }
}

test('the activity is in the log, under the right categories, with the session and address', async () => {
  const all = await server.handle('logs.query', {});
  assertNewestFirst(all);
  const categories = new Set(all.map((e) => e.category));
  for (const c of ['Server Status', 'Connection', 'File Transfer', 'Chat', 'Security']) assert.ok(categories.has(c as LogEntry['category']), `no ${c} entry`);
  const mine = all.filter((e) => e.sessionId === sessionId);
  assert.ok(mine.length >= 5, `${mine.length} entries for the session`);
  assert.ok(mine.every((e) => e.address === '127.0.0.1'));
  assert.ok(mine.some((e) => e.category === 'File Transfer' && e.message.includes('report.bin')));
  assert.ok(mine.some((e) => e.category === 'Chat' && e.message.includes(MARKER)));
});

test('logs.query by category returns only those categories', async () => {
  const connection = await server.handle('logs.query', { categories: ['Connection'] });
  assert.ok(connection.length >= 1);
  assert.ok(
    connection.every((e) => e.category === 'Connection'),
    JSON.stringify(connection.map((e) => e.category)),
  );
  const two = await server.handle('logs.query', { categories: ['Connection', 'Chat'] });
  assert.equal(new Set(two.map((e) => e.category)), new Set(['Connection', 'Chat']));
  // An unknown category is ignored, not an error: nothing but real categories come back.
  const odd = await server.handle('logs.query', { categories: ['Chat', 'Nonsense' as LogEntry['category']] });
  assert.ok(odd.length >= 1 && odd.every((e) => e.category === 'Chat'));
});

test('logs.query by text: case-insensitive, over message, session id and address', async () => {
  const hits = await server.handle('logs.query', { text: MARKER.toUpperCase() });
  assert.ok(hits.length >= 1);
  assert.ok(
    hits.every((e) => e.message.toLowerCase().includes(MARKER.toLowerCase())),
    JSON.stringify(hits),
  );
  const bySession = await server.handle('logs.query', { text: sessionId });
  assert.ok(bySession.length >= 5);
  assert.ok(bySession.every((e) => e.sessionId === sessionId || e.message.includes(sessionId)));
  assert.equal(await server.handle('logs.query', { text: 'no entry says this 8d1f' }), []);
  const both = await server.handle('logs.query', { categories: ['Security'], text: 'quota' });
  assert.ok(both.length === 1 && both[0]!.message.includes('mind the quota'), JSON.stringify(both));
});

test('logs.query by time: from and to are inclusive bounds that split the activity', async () => {
  const all = await server.handle('logs.query', {});
  const before = await server.handle('logs.query', { to: middle });
  const after = await server.handle('logs.query', { from: middle });
  const at = (e: LogEntry) => Date.parse(e.time);
  const cut = Date.parse(middle);
  assert.ok(before.length >= 1 && after.length >= 1);
  assert.equal(
    before,
    all.filter((e) => at(e) <= cut),
  );
  assert.equal(
    after,
    all.filter((e) => at(e) >= cut),
  );
  assert.ok(
    before.some((e) => e.message.startsWith('listed')),
    'the listing came before the middle',
  );
  assert.ok(
    after.some((e) => e.message.includes('report.bin')),
    'the download came after it',
  );
  assert.equal(
    await server.handle('logs.query', { from: middle, to: middle }),
    all.filter((e) => at(e) === cut),
  );
  const exact = all.at(-1)!;
  assert.ok(
    (await server.handle('logs.query', { from: exact.time, to: exact.time })).some((e) => e.message === exact.message),
    'bounds are inclusive',
  );
  const limited = await server.handle('logs.query', { limit: 3 });
  assert.equal(limited, all.slice(0, 3));
  assert.is((await rejection(server.handle('logs.query', { from: 'last tuesday' }))).code, 'BAD_ARGUMENT');
});

test('log.entry streams every entry as it is added', async () => {
  const mark = server.mark();
  const other = await CoreDriver.create('late');
  try {
    await other.connect((await server.handle('server.status', {})).mainPort!, { displayName: 'late-client', chat: true });
    const late = await server.session('late-client');
    const live = await server.waitFor('log.entry', (e) => e.category === 'Connection' && e.sessionId === late.id, { since: mark });
    assert.is(live.address, '127.0.0.1');
    const stored = await server.handle('logs.query', { text: late.id });
    const streamed = server.payloads('log.entry', mark).filter((e) => e.sessionId === late.id);
    assert.equal(
      streamed.map((e) => [e.time, e.category, e.message]),
      stored.reverse().map((e) => [e.time, e.category, e.message]),
    );
    assert.equal(server.payloads('log.entry').length, (await server.handle('logs.query', {})).length);
  } finally {
    await closeAll(other);
  }
});

test('logs.export writes .xlsx, .txt and .csv of what the query selects, oldest first', async () => {
  const query = { categories: ['Connection' as const] };
  const selected = await server.handle('logs.query', query);
  const oldestFirst = [...selected].reverse();
  assert.ok(selected.length >= 1);

  const xlsxPath = join(base, 'connections.xlsx');
  const xlsx = await server.handle('logs.export', { format: 'xlsx', filePath: xlsxPath, query });
  assert.equal(xlsx, { path: xlsxPath, rows: selected.length, bytes: (await stat(xlsxPath)).size });
  const sheet = XLSX.readFile(xlsxPath).Sheets.Logs;
  assert.ok(sheet, 'a sheet named Logs');
  const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true });
  assert.equal(rows[0], HEADER);
  assert.is(rows.length - 1, selected.length);
  assert.equal(
    rows.slice(1).map((r) => r[1]),
    oldestFirst.map((e) => e.category),
  );
  assert.equal(
    rows.slice(1).map((r) => r[4]),
    oldestFirst.map((e) => e.message),
  );
  assert.equal(
    rows.slice(1).map((r) => r[2] ?? ''),
    oldestFirst.map((e) => e.sessionId ?? ''),
  );

  const txtPath = join(base, 'connections.txt');
  const txt = await server.handle('logs.export', { format: 'txt', filePath: txtPath, query });
  assert.is(txt.rows, selected.length);
  const lines = (await readFile(txtPath, 'utf8')).split('\n');
  assert.is(lines.pop(), '');
  assert.is(lines[0], HEADER.join('\t'));
  assert.is(lines.length - 1, selected.length);
  assert.equal(
    lines.slice(1).map((l) => l.split('\t')[4]),
    oldestFirst.map((e) => e.message),
  );

  const csvPath = join(base, 'connections.csv');
  const csv = await server.handle('logs.export', { format: 'csv', filePath: csvPath, query });
  assert.is(csv.rows, selected.length);
  const text = await readFile(csvPath, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte order mark for spreadsheets');
  const records = text.slice(1).split('\r\n');
  assert.is(records.pop(), '');
  assert.is(records[0], HEADER.join(','));
  assert.is(records.length - 1, selected.length);
  assert.ok(records.slice(1).every((r) => r.split(',')[1] === 'Connection'));

  // Without a query: everything.
  const everything = await server.handle('logs.export', { format: 'csv', filePath: join(base, 'all.csv') });
  assert.ok(everything.rows >= (await server.handle('logs.query', {})).length - 1);
});

test('logs.export refuses an unknown format and reports a folder it cannot write to', async () => {
  const bad = await rejection(server.handle('logs.export', { format: 'pdf' as 'csv', filePath: join(base, 'x.pdf') }));
  assert.is(bad.code, 'BAD_ARGUMENT');
  const missing = await rejection(server.handle('logs.export', { format: 'txt', filePath: join(base, 'no', 'such', 'dir', 'x.txt') }));
  assert.ok(missing.code === 'NOT_FOUND' || missing.code === 'WRITE_FAILED', `${missing.code}: ${missing.message}`);
  assert.is((await rejection(server.handle('logs.export', { format: 'txt', filePath: '' }))).code, 'BAD_ARGUMENT');
});

test.run();
