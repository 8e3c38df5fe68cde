// A request's files held outside V8's heap (protocol/request-list.ts) come back as sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_FILES_PER_REQUEST } from '../../../extensions/netcore/src/constants';
import { ErrorCode } from '../../../extensions/netcore/src/errors';
import { parseClientMessage, parseLargeClientFrame, type FileRequest } from '../../../extensions/netcore/src/protocol/messages';
import { POOLED_LIST_MIN_BYTES, RequestList, type FrameSource } from '../../../extensions/netcore/src/protocol/request-list';
import { throwsPss } from '../../support/protocol-bytes';

/** A pool of 1 MiB frames that counts what is out. */
function countingPool(): FrameSource & { out: number } {
  return {
    out: 0,
    take() {
      this.out++;
      return Buffer.alloc(1024 * 1024);
    },
    give() {
      this.out--;
    },
  };
}

test('each file comes back with its path and numbers; absent numbers stay absent', () => {
  const files: FileRequest[] = [
    { path: 'a.txt', offset: 0 },
    { path: 'پوشه/فایل 😀.bin', offset: 1_048_576, size: 5_000_000_000, mtimeMs: 1_733_000_000_123 },
    { path: `${'ل'.repeat(127)}/${'x'.repeat(255)}`, offset: 0, size: 0 },
    { path: 'z', offset: 7, mtimeMs: -1 },
  ];
  const list = RequestList.pack(files);
  assert.is(list.length, files.length);
  for (let i = 0; i < files.length; i++) assert.equal(list.at(i), files[i]);
  // Counted against the request budget at about 2 bytes a path character and 96 a file.
  assert.is(
    list.cost,
    files.reduce((n, f) => n + 2 * f.path.length + 96, 0),
  );
  // Each call makes a request of its own: changing one changes nothing kept.
  list.at(0)!.path = 'changed';
  assert.is(list.at(0)!.path, 'a.txt');
});

test('an index outside the list is undefined, as for an array', () => {
  const list = RequestList.pack([{ path: 'only', offset: 0 }]);
  for (const index of [-1, 1, 0.5, Number.NaN]) assert.is(list.at(index), undefined);
  assert.is(RequestList.pack([]).length, 0);
});

test('a long list is kept in a pooled frame until release(); a short one never takes one', () => {
  const pool = countingPool();
  const long = Array.from({ length: 300 }, (_, i) => ({ path: `${'ل'.repeat(127)}/${i}`, offset: i }));
  assert.ok(long.reduce((n, f) => n + Buffer.byteLength(f.path), 0) > POOLED_LIST_MIN_BYTES);
  const list = RequestList.pack(long, pool);
  assert.is(pool.out, 1);
  assert.equal(list.at(299), long[299]);
  list.release();
  list.release();
  assert.is(pool.out, 0, 'given back once');
  assert.throws(() => list.at(0), /released/);

  const short = RequestList.pack([{ path: 'a', offset: 0 }], pool);
  assert.is(pool.out, 0);
  short.release();
  assert.is(pool.out, 0);
});

test('a list parsed from a large frame is the list of JSON.parse, checked the same way, and frees what it took', () => {
  const pool = countingPool();
  const files = Array.from({ length: 500 }, (_, i) => ({
    path: `${'ل'.repeat(120)}/${i}.txt`,
    offset: i % 3 === 0 ? 10 : 0,
    ...(i % 3 === 0 && { size: 100 + i, mtimeMs: 1_700_000_000_000 + i }),
  }));
  const text = JSON.stringify({ files, type: 'DOWNLOAD_FILES' });
  const parsed = parseClientMessage(parseLargeClientFrame(Buffer.from(text), pool));
  if (parsed.type !== 'DOWNLOAD_FILES' || !(parsed.files instanceof RequestList)) return assert.unreachable('no packed list');
  const list = parsed.files;
  assert.equal(
    Array.from({ length: list.length }, (_, i) => list.at(i)),
    (parseClientMessage(JSON.parse(text)) as { files: unknown }).files,
  );
  assert.is(pool.out, 1);
  list.release();
  assert.is(pool.out, 0);

  // A second "files" replaces the first, as with JSON.parse, and the first goes back.
  const twice = `{"type":"DOWNLOAD_FILES","files":${JSON.stringify(files)},"files":[{"path":"b","offset":0}]}`;
  const second = parseLargeClientFrame(Buffer.from(twice), pool) as { files: RequestList };
  assert.equal(second.files.at(0), { path: 'b', offset: 0 });
  assert.is(second.files.length, 1);
  assert.is(pool.out, 0);
});

test('a bad file in a large frame ends the parse with the code parseClientMessage gives, and gives everything back', () => {
  const pool = countingPool();
  const good = Array.from({ length: 400 }, (_, i) => ({ path: `${'x'.repeat(200)}/${i}`, offset: 0 }));
  const cases: Array<[string, object[], ErrorCode]> = [
    ['a traversal', [...good, { path: '../etc/passwd', offset: 0 }], ErrorCode.BAD_PATH],
    ['a resume without its size', [...good, { path: 'a', offset: 5 }], ErrorCode.BAD_MESSAGE],
    ['too many files', Array.from({ length: MAX_FILES_PER_REQUEST + 1 }, (_, i) => ({ path: `${'y'.repeat(100)}${i}`, offset: 0 })), ErrorCode.TOO_MANY_FILES],
  ];
  for (const [what, files, code] of cases) {
    const text = JSON.stringify({ type: 'DOWNLOAD_FILES', files });
    const ours = throwsPss(() => parseLargeClientFrame(Buffer.from(text), pool), code, what);
    const theirs = throwsPss(() => parseClientMessage(JSON.parse(text)), code, what);
    assert.is(ours.message, theirs.message, what);
    assert.is(pool.out, 0, what);
  }
});

test.run();
