// The log stays small whatever peers make the server log (PROTOCOL.md §11): each field has
// a byte cap, the entries in memory are bounded by bytes as well as by number, and one
// address adds at most so many entries per window, the rest summed up in one entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogCategory, makeEntry, type LogEntry } from '../../../extensions/netcore/src/logs/log-entry';
import { LOG_MESSAGE_MAX_BYTES } from '../../../extensions/netcore/src/logs/log-limits';
import { capBytes, LogStore } from '../../../extensions/netcore/src/logs/log-store';
import { PeerLogLimiter } from '../../../extensions/netcore/src/logs/peer-limiter';

test('a message is cut to its byte cap, never inside a character, and says so with "…"', () => {
  const store = new LogStore();
  const long = 'پ'.repeat(5_000);
  const kept = store.add(makeEntry(LogCategory.FILE_TRANSFER, long, { address: '10.0.0.1'.repeat(20) }));
  assert.ok(Buffer.byteLength(kept.message) <= LOG_MESSAGE_MAX_BYTES, `${Buffer.byteLength(kept.message)} bytes`);
  assert.ok(kept.message.endsWith('…'));
  assert.not.ok(kept.message.includes('\uFFFD'), 'no broken character');
  assert.ok(Buffer.byteLength(kept.address!) <= 64);
  assert.is(capBytes('short', 10), 'short');
  assert.is(capBytes('abcdefghijk', 10), 'abcdefg…');
});

test('entries in memory are bounded by bytes: long entries push the oldest out, the newest stay', () => {
  const store = new LogStore({ maxEntries: 10_000, maxBytes: 64 * 1024 });
  for (let i = 0; i < 1_000; i++) store.add(makeEntry(LogCategory.SECURITY, `${i} ${'x'.repeat(1_000)}`));
  assert.ok(store.size < 40, `${store.size} entries kept`);
  assert.ok(store.size >= 20, `${store.size} entries kept`);
  const newest = store.query({ limit: 1 })[0]!;
  assert.match(newest.message, /^999 /);
  assert.is(store.lastSeq, 1_000);
  // Short entries fit many more in the same bytes.
  for (let i = 0; i < 200; i++) store.add(makeEntry(LogCategory.SECURITY, `short ${i}`));
  assert.ok(store.size > 200, `${store.size} entries kept`);
  assert.is(store.query({}).length, store.size);
});

test('one address adds at most so many entries per window; the rest are summed up in one entry', () => {
  const out: LogEntry[] = [];
  let now = 1_000_000;
  const limiter = new PeerLogLimiter(
    (e) => out.push(e),
    { maxEntries: 50, windowMs: 10_000 },
    () => now,
  );
  for (let i = 0; i < 300; i++) limiter.sink(makeEntry(LogCategory.SECURITY, `refused ${i}`, { address: '10.0.0.9' }));
  for (let i = 0; i < 10; i++) limiter.sink(makeEntry(LogCategory.CONNECTION, `other ${i}`, { address: '10.0.0.10' }));
  limiter.sink(makeEntry(LogCategory.SERVER_STATUS, 'the server itself'));
  assert.is(out.filter((e) => e.address === '10.0.0.9').length, 50);
  assert.is(out.filter((e) => e.address === '10.0.0.10').length, 10, 'another address is not affected');
  assert.ok(out.some((e) => e.message === 'the server itself'));
  now += 10_000;
  limiter.sink(makeEntry(LogCategory.SECURITY, 'next window', { address: '10.0.0.9' }));
  const summary = out.find((e) => /250 more entries/.test(e.message));
  assert.ok(summary, 'the summary entry');
  assert.is(summary!.address, '10.0.0.9');
  assert.is(out.at(-1)!.message, 'next window');
  limiter.close();
});

test.run();
