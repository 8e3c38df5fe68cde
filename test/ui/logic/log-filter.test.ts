// The Logs tab's filter and its query form for exports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry } from '../../../extensions/netcore/src/contract';
import { logMatches, noLogFilter, toLogQuery } from '../../../resources/ui/src/logic/log-filter';

const entry: LogEntry = { time: '2024-05-01T10:00:00.000Z', category: 'Authentication', sessionId: 'S-42', address: '192.168.1.31', message: 'Login failed' };

test('no filter shows everything', () => {
  assert.ok(logMatches(entry, noLogFilter));
  assert.equal(toLogQuery(noLogFilter), {});
});

test('categories: only the chosen ones', () => {
  assert.ok(logMatches(entry, { categories: new Set(['Authentication', 'Chat']), text: '' }));
  assert.not.ok(logMatches(entry, { categories: new Set(['Chat']), text: '' }));
});

test('text: case-insensitive in message, address, session id or category', () => {
  for (const text of ['LOGIN', '168.1.31', 's-42', 'authent', '  failed ']) assert.ok(logMatches(entry, { categories: new Set(), text }), text);
  assert.not.ok(logMatches(entry, { categories: new Set(), text: 'download' }));
});

test('the export query carries the same filter', () => {
  assert.equal(toLogQuery({ categories: new Set(['Chat', 'Error']), text: ' ana ' }), { categories: ['Chat', 'Error'], text: 'ana' });
});

test.run();
