// Range, If-Range and the conditional headers of the file route (RFC 9110 §13, §14): one
// byte range is honoured, anything else is the whole file, and the answer never points
// outside the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { entityTag, httpDate, ifRangeAllows, noneMatch, notModifiedSince, parseRange } from '../../../extensions/netcore/src/web/range';

const SIZE = 1000;

const cases: Array<[string | undefined, ReturnType<typeof parseRange>]> = [
  [undefined, { kind: 'full' }],
  ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
  ['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
  ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
  ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
  ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
  ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
  ['BYTES = 5 - 9', { kind: 'partial', start: 5, end: 9 }],
  ['bytes=1000-', { kind: 'unsatisfiable' }],
  ['bytes=1000-1001', { kind: 'unsatisfiable' }],
  ['bytes=-0', { kind: 'unsatisfiable' }],
  ['bytes=9-5', { kind: 'full' }],
  ['bytes=0-1,5-9', { kind: 'full' }],
  ['bytes=abc', { kind: 'full' }],
  ['bytes=-', { kind: 'full' }],
  ['bytes=1.5-2', { kind: 'full' }],
  ['bytes=+1-2', { kind: 'full' }],
  ['items=0-1', { kind: 'full' }],
  ['bytes=0x10-', { kind: 'full' }],
  ['bytes=9999999999999999999-', { kind: 'full' }],
  ['', { kind: 'full' }],
];

for (const [header, expected] of cases) {
  test(`Range ${JSON.stringify(header)} of ${SIZE} bytes is ${expected.kind}`, () => {
    assert.equal(parseRange(header, SIZE), expected);
  });
}

test('an empty file satisfies no range', () => {
  for (const h of ['bytes=0-', 'bytes=0-0', 'bytes=-1']) assert.equal(parseRange(h, 0), { kind: 'unsatisfiable' }, h);
});

test('property: a partial answer always lies inside the file and is never empty', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 1 << 30 }),
      fc.oneof(
        fc.tuple(fc.nat({ max: 0x7fffffff }), fc.option(fc.nat({ max: 0x7fffffff }))).map(([a, b]) => `bytes=${a}-${b ?? ''}`),
        fc.nat({ max: 0x7fffffff }).map((n) => `bytes=-${n}`),
        fc.string(),
      ),
      (size, header) => {
        const r = parseRange(header, size);
        if (r.kind === 'partial') {
          assert.ok(r.start >= 0 && r.start <= r.end && r.end < size, `${header} of ${size}: ${r.start}-${r.end}`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

const stat = { ino: 0x1234, size: 0x5000, mtimeMs: 1_700_000_000_123.75 };
const tag = entityTag(stat);

test('the entity tag is strong and names inode, size and modification time', () => {
  assert.is(tag, `"1234-5000-${Math.trunc(stat.mtimeMs).toString(16)}"`);
  assert.is.not(entityTag({ ...stat, size: stat.size + 1 }), tag);
  assert.is.not(entityTag({ ...stat, mtimeMs: stat.mtimeMs + 1 }), tag);
});

test('If-Range: the same tag or the exact Last-Modified allows the range; anything else does not', () => {
  assert.ok(ifRangeAllows(undefined, tag, stat.mtimeMs));
  assert.ok(ifRangeAllows(tag, tag, stat.mtimeMs));
  assert.ok(ifRangeAllows(httpDate(stat.mtimeMs), tag, stat.mtimeMs));
  assert.not.ok(ifRangeAllows('"other"', tag, stat.mtimeMs));
  assert.not.ok(ifRangeAllows(`W/${tag}`, tag, stat.mtimeMs), 'a weak tag never matches');
  assert.not.ok(ifRangeAllows(httpDate(stat.mtimeMs - 1000), tag, stat.mtimeMs));
  assert.not.ok(ifRangeAllows('not a date', tag, stat.mtimeMs));
});

test('If-None-Match compares weakly and knows *; If-Modified-Since compares to the second', () => {
  assert.ok(noneMatch(tag, tag));
  assert.ok(noneMatch(`"a", W/${tag}`, tag));
  assert.ok(noneMatch('*', tag));
  assert.not.ok(noneMatch('"a", "b"', tag));
  assert.not.ok(noneMatch(undefined, tag));
  assert.ok(notModifiedSince(httpDate(stat.mtimeMs), stat.mtimeMs));
  assert.not.ok(notModifiedSince(httpDate(stat.mtimeMs - 1000), stat.mtimeMs));
  assert.not.ok(notModifiedSince('garbage', stat.mtimeMs));
});

test.run();
