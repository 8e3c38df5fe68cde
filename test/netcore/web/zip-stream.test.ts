// The ZIP stream of shared files: the announced size is the real size for archives of one
// to 1,200 entries, every entry reads back byte-exact through yauzl and `unzip -t` (small
// files with their CRC in the local header, large ones with a data descriptor, empty
// ones), names in UTF-8 with their flag, modification times, and the failures a share can
// produce while a ZIP is made: a file that changed or vanished, and an abandoned download
// that leaves no file open. A file past 4 GiB (sparse) comes out as a ZIP64 entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { open, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Share } from '../../../extensions/netcore/src/serving/share';
import { buildZip, type ZipBuild, type ZipItem } from '../../../extensions/netcore/src/web/zip-stream';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';
import { runTool } from '../../support/web-client';
import { commandNeed, conditionNeed, testIf } from '../../support/tools';
import { hasZip64End, readZip } from '../../support/zip-read';

const unzipTest = testIf(test, commandNeed('unzip', { ciInstalls: true, probe: ['-v'] }));
const procTest = testIf(test, conditionNeed(process.platform === 'linux' ? undefined : 'no /proc/self/fd here, so open descriptors cannot be counted'));

const LONG = 'a folder with a long name/and another one below it';

let base = '';
let share: Share;

test.before(async () => {
  base = await makeTempDir('zip-stream');
  for (let i = 0; i < 1200; i++) await writeRandomFile(join(base, 'share', ...LONG.split('/'), `file number ${String(i).padStart(4, '0')}.bin`), 100 + (i % 7));
  share = await Share.open(join(base, 'share'), join(base, 'data'));
});

test.after(async () => {
  await removeDir(base);
});

async function items(count: number): Promise<ZipItem[]> {
  return (await share.list(undefined, LONG)).slice(0, count).map((e) => ({ ...e, name: e.path }));
}

/** The whole archive in memory, each batch given back as a writer would. */
async function collect(zip: ZipBuild): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const batch of zip.batches) {
    for (const chunk of batch.chunks) parts.push(Buffer.from(chunk));
    batch.sent();
  }
  return Buffer.concat(parts);
}

async function failureOf(zip: ZipBuild): Promise<{ code?: string } | undefined> {
  try {
    await collect(zip);
  } catch (err) {
    return err as { code?: string };
  }
  return undefined;
}

async function unzipTested(name: string, body: Buffer): Promise<void> {
  const file = join(base, name);
  await writeFile(file, body);
  const r = await runTool('unzip', ['-t', '-q', file]);
  assert.is(r.code, 0, r.stdout.toString() + r.stderr);
}

for (const count of [1, 50, 600, 1200]) {
  test(`${count} entries: the announced size is exactly what is produced, yauzl reads every entry, no ZIP64 records`, async () => {
    const list = await items(count);
    const zip = buildZip(share, list);
    const body = await collect(zip);
    assert.is(body.length, zip.size);
    assert.not.ok(hasZip64End(body), 'no ZIP64 end records for a small archive');
    const entries = await readZip(body);
    assert.equal(
      entries.map((e) => e.name),
      list.map((e) => e.name),
    );
    for (const [i, e] of list.entries()) assert.ok(entries[i]!.data.equals(await readFile(join(base, 'share', e.path))), e.name);
  });
}

unzipTest('unzip -t accepts an archive of 1,200 entries with a central directory past 64 KiB', async () => {
  await unzipTested('1200.zip', await collect(buildZip(share, await items(1200))));
});

test('an empty selection is a valid empty archive', async () => {
  const zip = buildZip(share, []);
  const body = await collect(zip);
  assert.is(zip.size, 22, 'just the end-of-central-directory record');
  assert.is(body.length, 22);
  assert.equal(await readZip(body), []);
});

test('small, empty, mid-sized and large files arrive byte-exact and in order; only the large ones have data descriptors', async () => {
  const dir = join(base, 'mixed');
  const sizes = [10, 0, 3 * 2 ** 20 + 5, 7, 2 ** 20, 2 ** 20 + 1, 64 * 1024, 64 * 1024 + 1, ...Array.from({ length: 40 }, (_, i) => 1000 * i), 5 * 2 ** 20, 0];
  for (const [i, size] of sizes.entries()) await writeRandomFile(join(dir, `m${String(i).padStart(2, '0')}.bin`), size);
  const mixed = await Share.open(dir, join(base, 'data-mixed'));
  const list = (await mixed.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  assert.is(list.length, sizes.length);
  const zip = buildZip(mixed, list);
  const body = await collect(zip);
  assert.is(body.length, zip.size);
  const entries = await readZip(body);
  assert.equal(
    entries.map((e) => e.name),
    list.map((e) => e.name),
  );
  for (const [i, e] of list.entries()) {
    const got = entries[i]!;
    assert.ok(got.data.equals(await readFile(join(dir, e.path))), `${e.name} byte-exact`);
    assert.is(got.descriptor, e.size > 2 ** 20, `${e.name} (${e.size} bytes): data descriptor only past 1 MiB`);
    assert.is(got.method, 0, 'stored');
  }
  if (commandNeed('unzip', { ciInstalls: true, probe: ['-v'] }).missing === undefined) await unzipTested('mixed.zip', body);
});

test('names are UTF-8 with the flag set, and modification times come through to the second', async () => {
  const dir = join(base, 'names');
  const names = ['گزارش سالانه.txt', 'emoji 🎉/نامه.txt', 'plain.txt', 'Ünïcödé/ñ.bin'];
  const when = Date.UTC(2021, 5, 14, 9, 30, 27) / 1000;
  for (const name of names) {
    await writeRandomFile(join(dir, name), 321);
    await utimes(join(dir, name), when, when);
  }
  const named = await Share.open(dir, join(base, 'data-names'));
  const list = (await named.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  const entries = await readZip(await collect(buildZip(named, list)));
  assert.equal(entries.map((e) => e.name).sort(), [...names].sort());
  for (const e of entries) {
    assert.ok(e.utf8Flag, `${e.name}: UTF-8 flag`);
    assert.is(e.mtime.getTime(), when * 1000, `${e.name}: extended timestamp`);
    // The MS-DOS time is local and counts two-second steps.
    const local = new Date(when * 1000);
    assert.is(
      e.dosMtime.getTime(),
      new Date(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds() & ~1).getTime(),
      `${e.name}: DOS time`,
    );
  }
});

test('a file that changed size before its turn fails the ZIP with FILE_CHANGED', async () => {
  const dir = join(base, 'changing');
  for (let i = 0; i < 30; i++) await writeRandomFile(join(dir, `c${String(i).padStart(2, '0')}.bin`), 4096);
  const changing = await Share.open(dir, join(base, 'data-changing'));
  const list = (await changing.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  await writeFile(join(dir, 'c25.bin'), 'shorter now');
  assert.is((await failureOf(buildZip(changing, list)))?.code, 'FILE_CHANGED');
});

test('a large file that shrinks while it is sent fails the ZIP with FILE_CHANGED', async () => {
  const dir = join(base, 'shrinking');
  await writeRandomFile(join(dir, 'big.bin'), 6 * 2 ** 20);
  const shrinking = await Share.open(dir, join(base, 'data-shrinking'));
  const list = (await shrinking.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  const zip = buildZip(shrinking, list);
  const failure = await (async () => {
    try {
      let first = true;
      for await (const batch of zip.batches) {
        batch.sent();
        if (first) await truncate(join(dir, 'big.bin'), 2 ** 20);
        first = false;
      }
    } catch (err) {
      return err as { code?: string };
    }
    return undefined;
  })();
  assert.is(failure?.code, 'FILE_CHANGED');
});

test('a file that vanished before its turn fails the ZIP with NOT_FOUND', async () => {
  const dir = join(base, 'vanishing');
  for (let i = 0; i < 30; i++) await writeRandomFile(join(dir, `v${String(i).padStart(2, '0')}.bin`), 2048);
  const vanishing = await Share.open(dir, join(base, 'data-vanishing'));
  const list = (await vanishing.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  await rm(join(dir, 'v20.bin'));
  assert.is((await failureOf(buildZip(vanishing, list)))?.code, 'NOT_FOUND');
});

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

procTest('abort() mid-stream closes the files opened ahead', async () => {
  const list = await items(200);
  const before = openDescriptors();
  const zip = buildZip(share, list);
  const reader = zip.batches[Symbol.asyncIterator]();
  const first = await reader.next();
  assert.not.ok(first.done);
  first.value.sent();
  zip.abort();
  await reader.return?.(undefined);
  await waitUntil(() => openDescriptors() <= before, `descriptors back to ${before} (now ${openDescriptors()})`, { timeoutMs: 5_000, intervalMs: 20 });
});

procTest('a reader that stops taking batches mid-file closes that file and the ones opened ahead', async () => {
  const dir = join(base, 'stopping');
  for (let i = 0; i < 20; i++) await writeRandomFile(join(dir, `s${String(i).padStart(2, '0')}.bin`), i === 0 ? 4 * 2 ** 20 : 1000);
  const stopping = await Share.open(dir, join(base, 'data-stopping'));
  const list = (await stopping.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  const before = openDescriptors();
  const zip = buildZip(stopping, list);
  for await (const batch of zip.batches) {
    batch.sent();
    break;
  }
  await waitUntil(() => openDescriptors() <= before, `descriptors back to ${before} (now ${openDescriptors()})`, { timeoutMs: 5_000, intervalMs: 20 });
});

/** Writes the archive at its offsets, leaving runs of zeros as holes, so a 4 GiB archive of a sparse file stays sparse. */
async function collectSparse(zip: ZipBuild, file: string): Promise<void> {
  const zeros = Buffer.alloc(2 ** 20);
  const out = await open(file, 'w');
  try {
    let at = 0;
    for await (const batch of zip.batches) {
      for (const chunk of batch.chunks) {
        if (chunk.length > zeros.length || !chunk.equals(zeros.subarray(0, chunk.length))) await out.write(chunk, 0, chunk.length, at);
        at += chunk.length;
      }
      batch.sent();
    }
    await out.truncate(at);
  } finally {
    await out.close();
  }
}

const ZIP64_FILE = 2 ** 32 + 3;

test('a file of 4 GiB and more (sparse) is a ZIP64 entry, and the small file after it is read back from past 4 GiB', async () => {
  const dir = join(base, 'huge');
  await writeRandomFile(join(dir, 'a-small.txt'), 100);
  await writeFile(join(dir, 'b-huge.bin'), '');
  await truncate(join(dir, 'b-huge.bin'), ZIP64_FILE);
  await writeRandomFile(join(dir, 'c-after.txt'), 200);
  const huge = await Share.open(dir, join(base, 'data-huge'));
  const list = (await huge.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  const zip = buildZip(huge, list);
  const file = join(base, 'huge.zip');
  await collectSparse(zip, file);
  const entries = await readZip(file, { skipData: (name) => name === 'b-huge.bin' });
  assert.equal(
    entries.map((e) => [e.name, e.size]),
    [
      ['a-small.txt', 100],
      ['b-huge.bin', ZIP64_FILE],
      ['c-after.txt', 200],
    ],
  );
  assert.ok(entries[1]!.descriptor);
  assert.ok(entries[2]!.offset > 2 ** 32, 'the last entry starts past 4 GiB');
  assert.ok(entries[2]!.data.equals(await readFile(join(dir, 'c-after.txt'))));
  if (commandNeed('unzip', { ciInstalls: true, probe: ['-v'] }).missing === undefined) {
    const r = await runTool('zipinfo', ['-l', file]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /4294967299\s+b\S\s+4294967299\s+stor\s.*b-huge\.bin/, r.stdout.toString());
    const x = await runTool('unzip', ['-p', file, 'c-after.txt']);
    assert.is(x.code, 0, x.stderr);
    assert.ok(x.stdout.equals(await readFile(join(dir, 'c-after.txt'))));
  }
});

test.run();
