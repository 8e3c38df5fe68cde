// The server sends whole small files in packs (PROTOCOL.md §6.4) to a client that asks, in
// request order, within the pack limits; a client that does not ask gets every file on its
// own, as before packs existed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACK_FILE_MAX_BYTES, PACK_MAX_FILES, PACK_MAX_JSON_BYTES, READ_CHUNK_BYTES } from '../../../extensions/netcore/src/constants';
import { encodeControl } from '../../../extensions/netcore/src/protocol/frames';
import { writeRandomFile, type FileFacts } from '../../support/file-tree';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let share = '';
let server: TestServer;
const facts = new Map<string, FileFacts>();
const raws: RawConnection[] = [];

const SMALL = ['a.txt', 'b.txt', 'sub/c.txt', 'sub/d.txt'];
const TINY_COUNT = PACK_MAX_FILES + 300;
const LONG_COUNT = 1200;
const LONG_NAME = 'n'.repeat(200);

test.before(async () => {
  base = await makeTempDir('file-packs');
  share = join(base, 'share');
  for (const [i, path] of SMALL.entries()) facts.set(path, await writeRandomFile(join(share, path), 1000 + i * 777, 1_700_000_000 + i));
  facts.set('empty.txt', await writeRandomFile(join(share, 'empty.txt'), 0, 1_700_000_000));
  facts.set('edge.bin', await writeRandomFile(join(share, 'edge.bin'), PACK_FILE_MAX_BYTES, 1_700_000_000));
  facts.set('big.bin', await writeRandomFile(join(share, 'big.bin'), PACK_FILE_MAX_BYTES + 1, 1_700_000_000));
  for (let i = 0; i < 20; i++) facts.set(`full/${i}.bin`, await writeRandomFile(join(share, 'full', `${i}.bin`), PACK_FILE_MAX_BYTES, 1_700_000_000));
  await mkdir(join(share, 'tiny'));
  for (let i = 0; i < TINY_COUNT; i++) await writeFile(join(share, 'tiny', `${i}`), `${i}`);
  // Deep folders of long names: the FILES_PACKED message, not the bytes, decides where these packs end.
  const deep = join(share, 'x'.repeat(200), 'y'.repeat(200));
  await mkdir(deep, { recursive: true });
  for (let i = 0; i < LONG_COUNT; i++) await writeFile(join(deep, `${LONG_NAME}${i}`), 'z');
  server = await startTestServer({ sharePath: share });
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

async function request(files: object[], packs: boolean): Promise<RawConnection> {
  const raw = await RawConnection.welcomed(server.port, raws);
  raw.send({ type: 'DOWNLOAD_FILES', files, ...(packs ? { packs: true } : {}) });
  await raw.until('DOWNLOAD_DONE', 30_000);
  return raw;
}

const whole = (path: string) => ({ path, offset: 0 });

/** What came after the WELCOME. */
const answer = (raw: RawConnection) => raw.timeline.filter((t) => !('message' in t && t.message.type === 'WELCOME'));

/** The answer as short words: `P:a,b` a pack, `D:n` a data frame, `B:x` / `E:x` / `X:x` a file's begin, end, error, `DONE:n`. */
function words(raw: RawConnection): string[] {
  return answer(raw).map((t) => {
    if ('dataFrame' in t) return `D:${t.dataFrame}`;
    const m = t.message;
    if (m.type === 'FILES_PACKED') return `P:${(m.files as Array<{ path: string }>).map((f) => f.path).join(',')}`;
    if (m.type === 'FILE_BEGIN') return `B:${m.path}`;
    if (m.type === 'FILE_END') return `E:${m.path}`;
    if (m.type === 'FILE_ERROR') return `X:${m.path}:${m.code}`;
    if (m.type === 'DOWNLOAD_DONE') return `DONE:${m.files}`;
    return m.type;
  });
}

test('a client that asks gets its small files in one pack: sizes, times, digests, and their bytes in order in one DATA frame', async () => {
  const paths = [...SMALL, 'empty.txt', 'edge.bin'];
  const raw = await request(paths.map(whole), true);
  const total = paths.reduce((sum, p) => sum + facts.get(p)!.size, 0);
  assert.equal(words(raw), [`P:${paths.join(',')}`, `D:${total}`, `DONE:${paths.length}`]);
  const pack = (answer(raw)[0] as { message: RawMessage }).message;
  assert.equal(
    pack.files,
    paths.map((p) => ({ path: p, size: facts.get(p)!.size, mtimeMs: Math.trunc(facts.get(p)!.mtimeMs), sha256: facts.get(p)!.sha256 })),
  );
  const expected = Buffer.concat(await Promise.all(paths.map((p) => readFile(join(share, p)))));
  assert.ok(Buffer.concat(raw.data).equals(expected), 'the DATA frame carries the files one after another');
  const done = (answer(raw)[2] as { message: RawMessage }).message;
  assert.is(done.bytes, total);
});

test('a client that does not ask (one from before packs) gets every file on its own', async () => {
  const raw = await request(SMALL.map(whole), false);
  const expected = SMALL.flatMap((p) => [`B:${p}`, `D:${facts.get(p)!.size}`, `E:${p}`]);
  assert.equal(words(raw), [...expected, `DONE:${SMALL.length}`]);
});

test('a larger file, a resumed one and a missing one each come in their place, after the pack gathered before them', async () => {
  const resumed = facts.get('sub/c.txt')!;
  const files = [
    whole('a.txt'),
    whole('b.txt'),
    whole('big.bin'),
    { path: 'sub/c.txt', offset: 10, size: resumed.size, mtimeMs: Math.trunc(resumed.mtimeMs) },
    whole('sub/d.txt'),
    whole('missing.txt'),
    whole('empty.txt'),
  ];
  const raw = await request(files, true);
  const size = (p: string) => facts.get(p)!.size;
  assert.equal(words(raw), [
    'P:a.txt,b.txt',
    `D:${size('a.txt') + size('b.txt')}`,
    'B:big.bin',
    `D:${size('big.bin')}`,
    'E:big.bin',
    'B:sub/c.txt',
    `D:${size('sub/c.txt') - 10}`,
    'E:sub/c.txt',
    'P:sub/d.txt',
    `D:${size('sub/d.txt')}`,
    'X:missing.txt:NOT_FOUND',
    'P:empty.txt',
    'D:0',
    'DONE:6',
  ]);
});

test('a resumed file right after packed ones comes after their pack', async () => {
  const resumed = facts.get('sub/c.txt')!;
  const raw = await request([whole('a.txt'), { path: 'sub/c.txt', offset: 10, size: resumed.size, mtimeMs: Math.trunc(resumed.mtimeMs) }], true);
  assert.equal(words(raw), ['P:a.txt', `D:${facts.get('a.txt')!.size}`, 'B:sub/c.txt', `D:${resumed.size - 10}`, 'E:sub/c.txt', 'DONE:2']);
});

test('packs keep to their limits: at most 1024 files, 1 MiB of bytes, and a message under 256 KiB', async () => {
  const tiny = Array.from({ length: TINY_COUNT }, (_, i) => whole(`tiny/${i}`));
  const full = Array.from({ length: 20 }, (_, i) => whole(`full/${i}.bin`));
  const long = Array.from({ length: LONG_COUNT }, (_, i) => whole(`${'x'.repeat(200)}/${'y'.repeat(200)}/${LONG_NAME}${i}`));
  const raw = await request([...tiny, ...full, ...long], true);
  const packs = answer(raw).flatMap((t) => ('message' in t && t.message.type === 'FILES_PACKED' ? [t.message] : []));
  const sent = packs.flatMap((m) => (m.files as Array<{ path: string }>).map((f) => f.path));
  assert.equal(
    sent,
    [...tiny, ...full, ...long].map((f) => f.path),
    'every file once, in request order',
  );
  for (const m of packs) {
    const files = m.files as Array<{ size: number }>;
    assert.ok(files.length <= PACK_MAX_FILES, `${files.length} files`);
    assert.ok(files.reduce((sum, f) => sum + f.size, 0) <= READ_CHUNK_BYTES, 'at most 1 MiB');
    assert.ok(encodeControl(m).length <= PACK_MAX_JSON_BYTES, `a message of ${encodeControl(m).length} bytes`);
  }
  assert.ok(packs.length >= 2 + 2 + 2, `${packs.length} packs: the tiny files, the full ones and the long names each need more than one`);
  const done = raw.timeline.at(-1) as { message: RawMessage };
  assert.equal(done.message.files, TINY_COUNT + 20 + LONG_COUNT);
});

test('a cancel drops the pack not yet sent: every pack sent has its data, and DOWNLOAD_DONE counts exactly the files sent', async () => {
  const { raw } = await RawConnection.hello(server.port);
  raws.push(raw);
  const tiny = Array.from({ length: TINY_COUNT }, (_, i) => whole(`tiny/${i}`));
  const full = Array.from({ length: 20 }, (_, i) => whole(`full/${i}.bin`));
  raw.send({ type: 'DOWNLOAD_FILES', files: [...full, ...tiny, ...full], packs: true });
  raw.send({ type: 'CANCEL' });
  await raw.until('DOWNLOAD_DONE', 30_000);
  const timeline = words(raw);
  const done = (raw.timeline.at(-1) as { message: RawMessage }).message;
  assert.is(done.cancelled, true);
  let files = 0;
  for (const [i, w] of timeline.entries()) {
    if (!w.startsWith('P:')) continue;
    files += w.slice(2).split(',').length;
    assert.ok(timeline[i + 1]?.startsWith('D:'), `the pack at ${i} is followed by its data`);
  }
  assert.is(done.files, files, timeline.join(' '));
  assert.ok(files < 2 * 20 + TINY_COUNT, 'the cancel cut the request short');
});

test.run();
