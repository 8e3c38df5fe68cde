// The ZIP stream's announced size is its real size, for archives whose central directory
// is small and for ones past 64 KiB (where yazl 3.3's own estimate runs 76 bytes over
// unless the ZIP64 end records are forced), and `unzip` accepts both.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Share } from '../../../extensions/netcore/src/server/share';
import { buildZip, needsZip64End, type ZipItem } from '../../../extensions/netcore/src/web/zip-stream';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { hasTool, runTool } from '../../support/web-client';

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

test.run();
