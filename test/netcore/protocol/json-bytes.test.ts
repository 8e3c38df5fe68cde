// JSON parsed from its UTF-8 bytes (protocol/json-bytes.ts) gives what JSON.parse gives
// for the same text, and refuses what JSON.parse refuses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { JSON_BYTES_MAX_DEPTH, JsonBytesError, parseJsonBytes } from '../../../extensions/netcore/src/protocol/json-bytes';

const strict = new TextDecoder('utf-8', { fatal: true });

/** What the decoder gave before: a JSON.parse of the strictly decoded text, or the error. */
function reference(bytes: Buffer): { value: unknown } | { error: true } {
  try {
    return { value: JSON.parse(strict.decode(bytes)) };
  } catch {
    return { error: true };
  }
}

function ours(bytes: Buffer): { value: unknown } | { error: true } {
  try {
    return { value: parseJsonBytes(bytes) };
  } catch (err) {
    assert.instance(err, JsonBytesError);
    return { error: true };
  }
}

function same(bytes: Buffer): void {
  const want = reference(bytes);
  const got = ours(bytes);
  assert.equal(got, want, `for ${JSON.stringify(bytes.toString('latin1'))}`);
}

test('hand-picked texts: values, escapes, numbers, whitespace and the errors', () => {
  const texts = [
    '{"type":"DOWNLOAD_FILES","files":[{"path":"a/b.txt","offset":0}]}',
    ' \t\r\n[1, -0, 0.5, 1e3, 1E-3, -12.25e+2, 1e400, 123456789012345678901234567890] ',
    '"\\u0644\\ud83d\\ude00 \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
    '"\\ud800 lone \\udfff"',
    '"لللل/فایل.txt"',
    '"\\u00e9\\u00E9"',
    '{"a":1,"a":2,"b":{"c":[true,false,null]}}',
    '{}',
    '[]',
    '[[],{},""]',
    '\ufeff{"bom":1}',
    // Refused, as JSON.parse refuses them:
    '',
    ' ',
    '{',
    '[1,]',
    '{"a":1,}',
    '{a:1}',
    "'x'",
    '01',
    '1.',
    '.5',
    '-',
    '1e',
    '+1',
    'tru',
    'nul',
    'NaN',
    '"\\x41"',
    '"\\u12"',
    '"\\u12g4"',
    '"tab\there"',
    '"unterminated',
    '[1] 2',
    '{"a" 1}',
    '[1 2]',
  ];
  for (const text of texts) same(Buffer.from(text));
});

test('invalid UTF-8 is refused, as the strict decoder refused it', () => {
  for (const bytes of [
    Buffer.from([0x22, 0xff, 0x22]),
    Buffer.from([0x22, 0xc3, 0x22]),
    Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), // an encoded surrogate
    Buffer.from([0x22, 0xf0, 0x9f, 0x98, 0x22]),
  ]) {
    same(bytes);
    assert.throws(() => parseJsonBytes(bytes), /UTF-8/);
  }
});

test('"__proto__" is an own property, as JSON.parse makes it, and the prototype is untouched', () => {
  const value = parseJsonBytes(Buffer.from('{"__proto__":{"polluted":1},"x":2}')) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(value), Object.prototype);
  assert.equal(Object.keys(value), ['__proto__', 'x']);
  assert.equal(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: 1 });
  assert.is((value as { polluted?: number }).polluted, undefined);
  assert.equal(Object.keys(value), Object.keys(JSON.parse('{"__proto__":{"polluted":1},"x":2}')));
});

test('nesting deeper than the cap is refused by name; at the cap it parses', () => {
  const deep = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));
  assert.equal(parseJsonBytes(deep(JSON_BYTES_MAX_DEPTH)), JSON.parse(deep(JSON_BYTES_MAX_DEPTH).toString()));
  assert.throws(() => parseJsonBytes(deep(JSON_BYTES_MAX_DEPTH + 1)), /nested too deeply/);
  assert.throws(() => parseJsonBytes(Buffer.from('{"a":'.repeat(20_000))), /nested too deeply/);
});

test('any JSON value, written compactly or spread out, parses to what JSON.parse gives', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, '\t', ' \r\n '), (value, space) => {
      const text = JSON.stringify(value, null, space);
      assert.equal(parseJsonBytes(Buffer.from(text)), JSON.parse(text));
    }),
    { numRuns: 2_000, seed: 20261207 },
  );
});

test('texts with bytes changed, cut or inserted are refused or accepted exactly as before', () => {
  fc.assert(
    fc.property(
      fc.jsonValue({ maxDepth: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { minLength: 1, maxLength: 4 }),
      (value, edits) => {
        let bytes = Buffer.from(JSON.stringify(value));
        for (const [where, byte, how] of edits) {
          const at = bytes.length === 0 ? 0 : where % bytes.length;
          if (how === 'set' && bytes.length > 0) bytes[at] = byte;
          else if (how === 'cut') bytes = bytes.subarray(0, at);
          else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
        }
        same(Buffer.from(bytes));
      },
    ),
    { numRuns: 5_000, seed: 7122026 },
  );
});

test.run();
