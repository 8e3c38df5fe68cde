import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogCategory, makeEntry, type LogEntry } from '../../../extensions/netcore/src/logs/log-entry';
import { LogStore } from '../../../extensions/netcore/src/logs/log-store';
import { conditionNeed, testIf } from '../../support/tools';

const posix = process.platform !== 'win32';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pss-logfile-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function lines(file: string): Promise<LogEntry[]> {
  const text = await readFile(file, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the file ends with a whole line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogEntry);
}

test('every entry becomes one JSON line; folder and file are private', async () => {
  await withDir(async (root) => {
    const dir = join(root, 'data', 'logs');
    const store = new LogStore({ dir });
    const a = store.add(makeEntry(LogCategory.AUTHENTICATION, 'login succeeded', { sessionId: 's1', address: '10.0.0.5' }));
    store.add(makeEntry(LogCategory.WEB, 'line\nbreak "and" دانلود فایل گزارش.pdf'));
    await store.flush();
    assert.is(store.filePath, join(dir, 'server.log'));
    const written = await lines(join(dir, 'server.log'));
    assert.equal(written, [
      { time: a.time, category: 'Authentication', sessionId: 's1', address: '10.0.0.5', message: 'login succeeded' },
      { time: written[1]!.time, category: 'Web', message: 'line\nbreak "and" دانلود فایل گزارش.pdf' },
    ]);
    if (posix) {
      assert.is((await stat(dir)).mode & 0o777, 0o700);
      assert.is((await stat(join(dir, 'server.log'))).mode & 0o777, 0o600);
    }
    await store.close();
  });
});

test('an existing log file is appended to', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'server.log'), JSON.stringify(makeEntry(LogCategory.SERVER_STATUS, 'earlier run')) + '\n');
    const store = new LogStore({ dir });
    store.add(makeEntry(LogCategory.SERVER_STATUS, 'this run'));
    await store.close();
    assert.equal(
      (await lines(join(dir, 'server.log'))).map((e) => e.message),
      ['earlier run', 'this run'],
    );
  });
});

test('order is kept under many rapid adds, across turns of the event loop', async () => {
  await withDir(async (dir) => {
    const store = new LogStore({ dir, maxEntries: 1000 });
    let n = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1000; i++) store.add(makeEntry(LogCategory.CONNECTION, `#${n++}`));
      if (round % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (round % 5 === 0) await Promise.resolve();
    }
    await store.close();
    const written = await lines(join(dir, 'server.log'));
    assert.is(written.length, n);
    for (const [i, e] of written.entries()) assert.is(e.message, `#${i}`);
    assert.is(store.size, 1000, 'memory stays bounded while the file keeps everything');
  });
});

test('the file is rotated by size, keeping a fixed number of old files, in order', async () => {
  await withDir(async (dir) => {
    const store = new LogStore({ dir, maxFileBytes: 2_000, keepFiles: 3 });
    const total = 300;
    for (let i = 0; i < total; i++) {
      store.add(makeEntry(LogCategory.FILE_TRANSFER, `sending file-${i}.bin`, { sessionId: 'abc', address: '192.168.10.20' }));
      if (i % 40 === 0) await store.flush();
    }
    await store.close();
    const names = (await readdir(dir)).sort();
    assert.equal(names, ['server.log', 'server.log.1', 'server.log.2', 'server.log.3']);
    const kept: LogEntry[] = [];
    for (const name of ['server.log.3', 'server.log.2', 'server.log.1', 'server.log']) {
      const size = (await stat(join(dir, name))).size;
      assert.ok(size <= 2_000, `${name} is ${size} bytes`);
      const inFile = await lines(join(dir, name));
      const longest = Math.max(...inFile.map((e) => Buffer.byteLength(JSON.stringify(e)) + 1));
      if (name !== 'server.log') assert.ok(size > 2_000 - longest, `${name} was rotated only when full (${size} bytes)`);
      kept.push(...inFile);
    }
    const numbers = kept.map((e) => Number(/file-(\d+)/.exec(e.message)![1]));
    assert.is(numbers[numbers.length - 1], total - 1, 'the newest entry is in server.log');
    for (let i = 1; i < numbers.length; i++) assert.is(numbers[i], numbers[i - 1]! + 1, 'old files hold the entries just before, without gaps');
  });
});

test('keepFiles 0 starts the file afresh instead of keeping old ones', async () => {
  await withDir(async (dir) => {
    const store = new LogStore({ dir, maxFileBytes: 500, keepFiles: 0 });
    for (let i = 0; i < 50; i++) {
      store.add(makeEntry(LogCategory.CHAT, `message ${i}`));
      await store.flush();
    }
    await store.close();
    assert.equal(await readdir(dir), ['server.log']);
    const kept = await lines(join(dir, 'server.log'));
    assert.ok(kept.length > 0 && kept.length < 50);
    assert.is(kept[kept.length - 1]!.message, 'message 49');
  });
});

test('a folder that cannot be made does not throw; it is reported once and memory logging goes on', async () => {
  await withDir(async (root) => {
    const blocker = join(root, 'logs');
    await writeFile(blocker, 'a file where the folder should be');
    const store = new LogStore({ dir: blocker });
    const streamed: string[] = [];
    store.subscribe((e) => streamed.push(e.category));
    store.add(makeEntry(LogCategory.SERVER_STATUS, 'server started'));
    await store.flush();
    for (let i = 0; i < 10; i++) store.add(makeEntry(LogCategory.CONNECTION, `connected ${i}`));
    await store.flush();
    await store.close();
    const errors = store.query({ categories: ['Error'] });
    assert.is(errors.length, 1, 'reported once');
    assert.match(errors[0]!.message, /log file/);
    assert.match(errors[0]!.message, /\[WRITE_FAILED\]/);
    assert.is(store.size, 12);
    assert.equal(streamed, ['Server Status', 'Error', ...Array(10).fill('Connection')]);
    assert.is(await readFile(blocker, 'utf8'), 'a file where the folder should be');
  });
});

const devFullTest = testIf(test, conditionNeed(process.platform === 'linux' && existsSync('/dev/full') ? undefined : 'needs /dev/full'));

devFullTest('a full disk stops the file with DISK_FULL and nothing is thrown', async () => {
  await withDir(async (dir) => {
    await mkdir(dir, { recursive: true });
    await symlink('/dev/full', join(dir, 'server.log'));
    const store = new LogStore({ dir });
    for (let i = 0; i < 100; i++) store.add(makeEntry(LogCategory.CHAT, `message ${i}`));
    await store.flush();
    store.add(makeEntry(LogCategory.CHAT, 'after the failure'));
    await store.close();
    const errors = store.query({ categories: ['Error'] });
    assert.is(errors.length, 1);
    assert.match(errors[0]!.message, /\[DISK_FULL\]/);
    assert.is(store.query({ limit: 1 })[0]!.message, 'after the failure');
  });
});

test('close flushes, is idempotent, and later entries stay in memory only', async () => {
  await withDir(async (dir) => {
    const store = new LogStore({ dir });
    for (let i = 0; i < 100; i++) store.add(makeEntry(LogCategory.CHAT, `m${i}`));
    const first = store.close();
    const second = store.close();
    await Promise.all([first, second]);
    await store.close();
    store.add(makeEntry(LogCategory.CHAT, 'after close'));
    await store.flush();
    assert.is((await lines(join(dir, 'server.log'))).length, 100);
    assert.is(store.query({ limit: 1 })[0]!.message, 'after close');
  });
});

test.run();
