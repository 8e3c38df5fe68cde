// The ZIP stream's announced size is its real size, for archives whose central directory
// is small and for ones past 64 KiB (where yazl 3.3's own estimate runs 76 bytes over
// unless the ZIP64 end records are forced), and `unzip` accepts both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Share } from '../../../extensions/netcore/src/serving/share';
import { buildZip, needsZip64End, type ZipItem } from '../../../extensions/netcore/src/web/zip-stream';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';
import { hasTool, runTool } from '../../support/web-client';
import yauzl from 'yauzl';

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

for (const count of [1, 50, 600, 1200]) {
  test(`${count} entries: the announced size is exactly what is produced, and unzip accepts it`, async () => {
    const list = await items(count);
    const zip = buildZip(share, list);
    const size = await zip.size;
    const chunks: Buffer[] = [];
    for await (const c of zip.stream) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    assert.is(body.length, size);
    assert.is(needsZip64End(list), count >= 600, 'ZIP64 end records only for a large central directory');
    if (!hasTool('unzip', ['-v'])) return;
    const file = join(base, `${count}.zip`);
    await writeFile(file, body);
    const r = await runTool('unzip', ['-t', '-q', file]);
    assert.is(r.code, 0, r.stdout.toString() + r.stderr);
  });
}

test('an empty selection is a valid empty archive', async () => {
  const zip = buildZip(share, []);
  const size = await zip.size;
  let bytes = 0;
  for await (const c of zip.stream) bytes += (c as Buffer).length;
  assert.is(bytes, size);
  assert.is(size, 22, 'just the end-of-central-directory record');
});

/** Every entry of a ZIP held in memory, by name. */
function unzipInMemory(body: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(body, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.once('end', () => {
            out.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.once('end', () => resolve(out));
      zip.once('error', reject);
      zip.readEntry();
    });
  });
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

test('small files read ahead and large files streamed arrive byte-exact, in order, whatever their mix', async () => {
  const dir = join(base, 'mixed');
  const sizes = [10, 0, 3 * 2 ** 20 + 5, 7, 2 ** 20, 2 ** 20 + 1, ...Array.from({ length: 40 }, (_, i) => 1000 * i), 5 * 2 ** 20];
  for (const [i, size] of sizes.entries()) await writeRandomFile(join(dir, `m${String(i).padStart(2, '0')}.bin`), size);
  const mixed = await Share.open(dir, join(base, 'data-mixed'));
  const list = (await mixed.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  assert.is(list.length, sizes.length);
  const zip = buildZip(mixed, list);
  const size = await zip.size;
  const chunks: Buffer[] = [];
  for await (const c of zip.stream) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  assert.is(body.length, size);
  const entries = await unzipInMemory(body);
  assert.equal([...entries.keys()], list.map((e) => e.name));
  for (const e of list) assert.ok(entries.get(e.name)!.equals(await readFile(join(dir, e.path))), `${e.name} byte-exact`);
});

test('a file that changed before its turn fails the ZIP with FILE_CHANGED', async () => {
  const dir = join(base, 'changing');
  for (let i = 0; i < 30; i++) await writeRandomFile(join(dir, `c${String(i).padStart(2, '0')}.bin`), 4096);
  const changing = await Share.open(dir, join(base, 'data-changing'));
  const list = (await changing.list(undefined, '')).map((e) => ({ ...e, name: e.path }));
  await writeFile(join(dir, 'c25.bin'), 'shorter now');
  const zip = buildZip(changing, list);
  await zip.size;
  const failure = await (async () => {
    try {
      for await (const _ of zip.stream) void _;
    } catch (err) {
      return err as { code?: string };
    }
    return undefined;
  })();
  assert.is(failure?.code, 'FILE_CHANGED');
});

test('abort() closes the files opened ahead', async () => {
  const list = await items(200);
  const before = openDescriptors();
  const zip = buildZip(share, list);
  await zip.size;
  const reader = zip.stream[Symbol.asyncIterator]();
  await reader.next();
  zip.abort();
  await waitUntil(() => openDescriptors() <= before, `descriptors back to ${before} (now ${openDescriptors()})`, { timeoutMs: 5_000, intervalMs: 20 });
});

test.run();
