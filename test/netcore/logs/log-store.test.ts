import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLogCategory, LOG_CATEGORIES, LogCategory, makeEntry, type LogEntry, type LogSink } from '../../../extensions/netcore/src/logs/log-entry';
import { LogStore, type StoredLogEntry } from '../../../extensions/netcore/src/logs/log-store';

const at = (iso: string, category: LogCategory, message: string, who: { sessionId?: string; address?: string } = {}): LogEntry => ({
  ...makeEntry(category, message, who),
  time: iso,
});

const seqs = (entries: StoredLogEntry[]) => entries.map((e) => e.seq);

test('Web is a category, and the list holds every category once', () => {
  assert.is(LogCategory.WEB, 'Web');
  assert.ok(LOG_CATEGORIES.includes('Web'));
  assert.is(new Set(LOG_CATEGORIES).size, LOG_CATEGORIES.length);
  assert.is(LOG_CATEGORIES.length, 9);
  assert.ok(isLogCategory('Security Alert'));
  assert.not.ok(isLogCategory('security alert'));
  assert.not.ok(isLogCategory(7));
});

test('entries are numbered in order and only the newest maxEntries are kept', () => {
  const store = new LogStore({ maxEntries: 5 });
  assert.is(store.lastSeq, 0);
  assert.equal(store.query(), []);
  for (let i = 1; i <= 12; i++) assert.is(store.add(makeEntry(LogCategory.CHAT, `m${i}`)).seq, i);
  assert.is(store.size, 5);
  assert.is(store.lastSeq, 12);
  const all = store.query();
  assert.equal(seqs(all), [12, 11, 10, 9, 8], 'newest first');
  assert.equal(
    all.map((e) => e.message),
    ['m12', 'm11', 'm10', 'm9', 'm8'],
  );
});

test('stored entries are frozen copies of the entry fields', () => {
  const store = new LogStore();
  const entry = { ...makeEntry(LogCategory.WEB, 'page', { address: '10.0.0.2' }), extra: 'not kept' };
  const stored = store.add(entry);
  assert.ok(Object.isFrozen(stored));
  assert.equal(stored, { time: entry.time, category: 'Web', address: '10.0.0.2', message: 'page', seq: 1 });
  entry.message = 'changed later';
  assert.is(store.query()[0]!.message, 'page');
});

test('query filters by category, any of several', () => {
  const store = new LogStore();
  store.add(makeEntry(LogCategory.CHAT, 'a'));
  store.add(makeEntry(LogCategory.ERROR, 'b'));
  store.add(makeEntry(LogCategory.WEB, 'c'));
  store.add(makeEntry(LogCategory.CHAT, 'd'));
  assert.equal(seqs(store.query({ categories: ['Chat'] })), [4, 1]);
  assert.equal(seqs(store.query({ categories: ['Chat', 'Web'] })), [4, 3, 1]);
  assert.equal(seqs(store.query({ categories: [] })), [4, 3, 2, 1], 'an empty list does not filter');
});

test('query text is case-insensitive over message, address, session id and category', () => {
  const store = new LogStore();
  store.add(makeEntry(LogCategory.FILE_TRANSFER, 'Sending Report.PDF', { sessionId: 's-1', address: '192.168.1.20' }));
  store.add(makeEntry(LogCategory.AUTHENTICATION, 'login failed', { sessionId: 'ABCdef', address: '192.168.1.31' }));
  store.add(makeEntry(LogCategory.WEB, 'دانلود فایل گزارش.pdf', { address: 'fe80::1' }));
  store.add(makeEntry(LogCategory.SECURITY_ALERT, 'path escape refused'));
  assert.equal(seqs(store.query({ text: 'report.pdf' })), [1]);
  assert.equal(seqs(store.query({ text: '.PDF' })), [3, 1]);
  assert.equal(seqs(store.query({ text: 'abcDEF' })), [2], 'session id');
  assert.equal(seqs(store.query({ text: '168.1.3' })), [2], 'address');
  assert.equal(seqs(store.query({ text: 'FE80::' })), [3]);
  assert.equal(seqs(store.query({ text: 'security al' })), [4], 'category');
  assert.equal(seqs(store.query({ text: 'گزارش' })), [3]);
  assert.equal(seqs(store.query({ text: 'nothing like this' })), []);
  assert.equal(seqs(store.query({ text: 'pdf', categories: ['Web'] })), [3], 'filters combine');
});

test('query keeps a time range, bounds inclusive, given as Date, ms or ISO text', () => {
  const store = new LogStore();
  store.add(at('2024-05-01T10:00:00.000Z', LogCategory.CHAT, 'a'));
  store.add(at('2024-05-01T11:00:00.000Z', LogCategory.CHAT, 'b'));
  store.add(at('2024-05-01T12:00:00.000Z', LogCategory.CHAT, 'c'));
  store.add(at('not a time', LogCategory.CHAT, 'd'));
  store.add(at('2024-05-01T13:00:00.000Z', LogCategory.CHAT, 'e'));
  assert.equal(seqs(store.query({ from: '2024-05-01T11:00:00.000Z' })), [5, 3, 2]);
  assert.equal(seqs(store.query({ to: new Date('2024-05-01T11:00:00.000Z') })), [2, 1]);
  assert.equal(seqs(store.query({ from: Date.parse('2024-05-01T10:30:00Z'), to: '2024-05-01T12:59:59Z' })), [3, 2]);
  assert.equal(seqs(store.query()), [5, 4, 3, 2, 1], 'without a range, an unparseable time still shows');
});

test('limit and beforeSeq page through the log, newest first', () => {
  const store = new LogStore({ maxEntries: 100 });
  for (let i = 0; i < 250; i++) store.add(makeEntry(i % 2 ? LogCategory.CHAT : LogCategory.WEB, `m${i}`));
  assert.equal(seqs(store.query({ limit: 3 })), [250, 249, 248]);
  assert.equal(seqs(store.query({ limit: 3, beforeSeq: 248 })), [247, 246, 245]);
  assert.equal(seqs(store.query({ limit: 0 })), []);
  const pages: number[] = [];
  let before: number | undefined;
  for (;;) {
    const page = store.query({ limit: 7, categories: ['Chat'], ...(before !== undefined && { beforeSeq: before }) });
    pages.push(...seqs(page));
    if (page.length < 7) break;
    before = page[page.length - 1]!.seq;
  }
  const expected: number[] = [];
  for (let seq = 250; seq > 150; seq--) if (seq % 2 === 0) expected.push(seq);
  assert.equal(pages, expected, 'every Chat entry still in memory, once, in order');
  assert.equal(seqs(store.query({ beforeSeq: 152 })), [151], 'older entries are gone');
  assert.equal(seqs(store.query({ beforeSeq: 10 })), []);
});

test('query rejects a bad time or limit with BAD_ARGUMENT', () => {
  const store = new LogStore();
  for (const bad of [{ from: 'yesterday' }, { to: new Date(NaN) }, { limit: -1 }, { limit: 1.5 }, { beforeSeq: NaN }]) {
    const err = (() => {
      try {
        store.query(bad);
      } catch (e) {
        return e as { code?: string };
      }
      return undefined;
    })();
    assert.is(err?.code, 'BAD_ARGUMENT', JSON.stringify(bad));
  }
  for (const options of [{ maxEntries: 0 }, { dir: 'logs', maxFileBytes: 0 }, { dir: 'logs', keepFiles: -1 }]) {
    assert.throws(
      () => new LogStore(options),
      (e: { code?: string }) => e.code === 'BAD_ARGUMENT',
      JSON.stringify(options),
    );
  }
});

test('subscribers get each new entry until they unsubscribe; a throwing one harms nothing', () => {
  const store = new LogStore();
  const seen: number[] = [];
  const alsoSeen: number[] = [];
  const stop = store.subscribe((e) => seen.push(e.seq));
  store.subscribe(() => {
    throw new Error('broken view');
  });
  store.subscribe((e) => alsoSeen.push(e.seq));
  store.add(makeEntry(LogCategory.CHAT, 'one'));
  store.add(makeEntry(LogCategory.CHAT, 'two'));
  stop();
  store.add(makeEntry(LogCategory.CHAT, 'three'));
  assert.equal(seen, [1, 2]);
  assert.equal(alsoSeen, [1, 2, 3]);
  assert.is(store.size, 3);
});

test('a listener sees the entry already stored, and entries it adds come after it', () => {
  const store = new LogStore();
  const order: string[] = [];
  store.subscribe((e) => {
    order.push(e.message);
    if (e.message === 'first') store.add(makeEntry(LogCategory.ERROR, 'caused by first'));
    assert.is(store.query({ limit: 1 })[0]!.seq >= e.seq, true);
  });
  store.add(makeEntry(LogCategory.CHAT, 'first'));
  store.add(makeEntry(LogCategory.CHAT, 'second'));
  assert.equal(order, ['first', 'caused by first', 'second']);
  assert.equal(
    store.query().map((e) => e.message),
    ['second', 'caused by first', 'first'],
  );
});

test('sink is a LogSink that adds', () => {
  const store = new LogStore();
  const sink: LogSink = store.sink;
  sink(makeEntry(LogCategory.SERVER_STATUS, 'server started'));
  assert.is(store.query()[0]!.message, 'server started');
});

test('a store without a folder has no file, and flush and close are no-ops', async () => {
  const store = new LogStore();
  assert.is(store.filePath, undefined);
  store.add(makeEntry(LogCategory.CHAT, 'x'));
  await store.flush();
  await store.close();
  await store.close();
  assert.is(store.size, 1);
});

test.run();
