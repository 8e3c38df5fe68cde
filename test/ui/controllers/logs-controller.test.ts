// The Logs tab's controller: newest first, live entries, category and text filters, and
// Export Logs… through the save dialog with the format from the chosen name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../../extensions/netcore/src/contract';
import { exportTarget, LogsController } from '../../../resources/ui/src/controllers/logs-controller';
import { FakeNetcore } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { withoutIsolates as plain } from '../../support/isolates';

function entry(n: number, category: LogEntry['category'], message: string): LogEntry {
  return { time: new Date(Date.UTC(2024, 4, 1, 10, 0, n)).toISOString(), category, message, address: '192.168.1.31' };
}

async function setup() {
  const api = new FakeNetcore().handle('logs.query', () => [entry(2, 'Connection', 'client connected'), entry(1, 'Server Status', 'server started')]);
  const shell = new FakeShell();
  const c = new LogsController(api, shell);
  await c.start();
  return { api, shell, c };
}

test('entries arrive newest first and live ones go on top', async () => {
  const { api, c } = await setup();
  assert.equal(api.sent('logs.query'), [{ limit: 50_000 }]);
  api.emit('log.entry', entry(3, 'Chat', 'from ana: hi'));
  assert.equal(
    c.state.visible.map((e) => e.message),
    ['from ana: hi', 'client connected', 'server started'],
  );
});

test('category and text filters narrow the table, including live entries', async () => {
  const { api, c } = await setup();
  c.toggleCategory('Connection');
  assert.equal(
    c.state.visible.map((e) => e.message),
    ['client connected'],
  );
  api.emit('log.entry', entry(4, 'Chat', 'hidden by the filter'));
  api.emit('log.entry', entry(5, 'Connection', 'another client'));
  assert.equal(
    c.state.visible.map((e) => e.message),
    ['another client', 'client connected'],
  );
  c.setText('ANOTHER');
  assert.equal(
    c.state.visible.map((e) => e.message),
    ['another client'],
  );
  c.showAllCategories();
  c.setText('');
  assert.is(c.state.visible.length, 4);
  assert.is(c.state.all.length, 4);
});

test('the export format follows the chosen name; a name without one becomes .xlsx', () => {
  assert.equal(exportTarget('/home/ana/log.csv'), { path: '/home/ana/log.csv', format: 'csv' });
  assert.equal(exportTarget('/home/ana/log.TXT'), { path: '/home/ana/log.TXT', format: 'txt' });
  assert.equal(exportTarget('/home/ana/log'), { path: '/home/ana/log.xlsx', format: 'xlsx' });
});

test('Export Logs… asks where, exports what the filter shows, and reports the rows', async () => {
  const { api, shell, c } = await setup();
  api.handle('logs.export', (p) => ({ path: p.filePath, rows: 1, bytes: 99 }));
  shell.saveAnswers.push(null);
  await c.exportLogs();
  assert.is(api.sent('logs.export').length, 0, 'cancelled dialog, no export');
  c.toggleCategory('Connection');
  c.setText('client');
  shell.saveAnswers.push('/home/ana/log.csv');
  await c.exportLogs();
  assert.equal(api.sent('logs.export'), [{ format: 'csv', filePath: '/home/ana/log.csv', query: { categories: ['Connection'], text: 'client' } }]);
  assert.equal(
    shell.dialogs.at(-1)!.filters!.map((f) => f.extensions[0]),
    ['xlsx', 'txt', 'csv'],
  );
  assert.match(plain(c.state.notice!), /Exported 1 entry to \/home\/ana\/log\.csv/);
  api.fail('logs.export', 'WRITE_FAILED', 'EACCES');
  shell.saveAnswers.push('/root/x.txt');
  await c.exportLogs();
  assert.match(plain(c.state.error!), /Could not write the file: EACCES/);
  assert.not.ok(c.state.exporting);
});

test.run();
