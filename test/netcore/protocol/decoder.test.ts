// The incremental decoder (PROTOCOL.md §2): any chunk boundary, limits checked on the
// header alone, and a stream that breaks the framing stays broken.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAX_DATA_PAYLOAD_BYTES } from '../../../extensions/netcore/src/constants';
import { ErrorCode, PssError } from '../../../extensions/netcore/src/errors';
import { FrameDecoder, type DecodedItem } from '../../../extensions/netcore/src/protocol/decoder';
import { encodeControl, encodeData } from '../../../extensions/netcore/src/protocol/frames';
import { byteByByte, FrameCollector, hex, splitAt, throwsPss, type WholeFrame } from '../../support/protocol-bytes';

// {"type":"PING","id":7}
const PING = hex('01 00000016  7b2274797065223a2250494e47222c226964223a377d');
const PING_MESSAGE = { type: 'PING', id: 7 };
// Ten bytes of file data.
const DATA = hex('02 0000000a  00 01 02 03 fe ff 80 7f 0d 0a');
const DATA_PAYLOAD = DATA.subarray(5);

function items(decoder: FrameDecoder, chunk: Buffer): DecodedItem[] {
  const out: DecodedItem[] = [];
  decoder.push(chunk, (item) => out.push(item));
  return out;
}

const ignore = (): void => undefined;

test('a control frame in one write gives its parsed JSON', () => {
  const d = new FrameDecoder();
  assert.equal(items(d, PING), [{ kind: 'control', message: PING_MESSAGE }]);
  assert.ok(d.idle);
});

test('a control frame split inside the header and inside the payload', () => {
  for (const cuts of [[1], [3], [5], [4, 9], [2, 5, 6, 20]]) {
    const got = new FrameCollector().pushAll(splitAt(PING, cuts));
    assert.equal(got.frames, [{ control: PING_MESSAGE }], `cut at ${cuts.join(',')}`);
  }
});

test('a control frame fed one byte at a time is emitted once, on its last byte', () => {
  const d = new FrameDecoder();
  const bytes = byteByByte(PING);
  for (const b of bytes.slice(0, -1)) assert.equal(items(d, b), []);
  assert.equal(items(d, bytes[bytes.length - 1]!), [{ kind: 'control', message: PING_MESSAGE }]);
});

test('a data frame fed one byte at a time arrives in pieces that add up to the payload', () => {
  const d = new FrameDecoder();
  const pieces: DecodedItem[] = [];
  for (const b of byteByByte(DATA)) d.push(b, (item) => pieces.push(item));
  assert.is(pieces.length, DATA_PAYLOAD.length);
  assert.ok(pieces.every((p) => p.kind === 'data'));
  const data = pieces as Extract<DecodedItem, { kind: 'data' }>[];
  assert.equal(Buffer.concat(data.map((p) => p.bytes)), DATA_PAYLOAD);
  assert.equal(
    data.map((p) => p.frameEnd),
    Array.from(DATA_PAYLOAD, (_, i) => i === DATA_PAYLOAD.length - 1),
    'frameEnd is set on the last piece only',
  );
});

test('a data frame split across several writes: frameEnd only on the piece that completes it', () => {
  const d = new FrameDecoder();
  const [a, b, c] = splitAt(DATA, [3, 8]);
  assert.equal(items(d, a!), []);
  assert.equal(items(d, b!), [{ kind: 'data', bytes: hex('00 01 02'), frameEnd: false }]);
  assert.equal(items(d, c!), [{ kind: 'data', bytes: hex('03 fe ff 80 7f 0d 0a'), frameEnd: true }]);
  assert.ok(d.idle);
});

test('frames that share a write, split across writes, decode in order', () => {
  const wire = Buffer.concat([PING, DATA, DATA, PING]);
  const expected: WholeFrame[] = [{ control: PING_MESSAGE }, { data: DATA_PAYLOAD }, { data: DATA_PAYLOAD }, { control: PING_MESSAGE }];
  assert.equal(new FrameCollector().pushAll([wire]).frames, expected);
  assert.equal(new FrameCollector().pushAll(splitAt(wire, [7, 27, 31, 40, 48])).frames, expected);
  assert.equal(new FrameCollector().pushAll(byteByByte(wire)).frames, expected);
});

test('a zero-length data frame is one empty piece that ends its frame', () => {
  const d = new FrameDecoder();
  assert.equal(items(d, hex('02 00000000')), [{ kind: 'data', bytes: Buffer.alloc(0), frameEnd: true }]);
  assert.ok(d.idle);
  const got = new FrameCollector().pushAll(byteByByte(Buffer.concat([hex('02 00000000'), PING, hex('02 00000000')])));
  assert.equal(got.frames, [{ data: Buffer.alloc(0) }, { control: PING_MESSAGE }, { data: Buffer.alloc(0) }]);
});

test('idle is true only between frames', () => {
  const d = new FrameDecoder();
  assert.ok(d.idle);
  d.push(PING.subarray(0, 2), ignore);
  assert.not.ok(d.idle, 'inside a header');
  d.push(PING.subarray(2, 8), ignore);
  assert.not.ok(d.idle, 'inside a control payload');
  d.push(PING.subarray(8), ignore);
  assert.ok(d.idle);
  d.push(DATA.subarray(0, 6), ignore);
  assert.not.ok(d.idle, 'inside a data payload');
  d.push(DATA.subarray(6), ignore);
  assert.ok(d.idle);
});

test('a data frame of exactly 1 MiB is accepted', () => {
  const payload = Buffer.alloc(MAX_DATA_PAYLOAD_BYTES, 0xa5);
  const got = new FrameCollector().pushAll(splitAt(encodeData(payload), [5, 65_536, 700_000]));
  assert.equal(got.frames, [{ data: payload }]);
});

test('unknown frame types are BAD_FRAME, raised by the write that completes the header', () => {
  for (const type of ['00', '03', '7f', '80', 'ff']) {
    const d = new FrameDecoder();
    const header = hex(`${type} 00000002`);
    for (const b of byteByByte(header).slice(0, 4)) d.push(b, ignore);
    throwsPss(() => d.push(header.subarray(4), ignore), ErrorCode.BAD_FRAME, `type 0x${type}`);
  }
});

test('oversize lengths are refused on the fifth header byte, before any payload arrives', () => {
  const cases = [
    ['control, 1 MiB + 1', '01 00100001'],
    ['control, 4 GiB - 1', '01 ffffffff'],
    ['data, 1 MiB + 1', '02 00100001'],
    ['data, 4 GiB - 1', '02 ffffffff'],
  ] as const;
  for (const [what, header] of cases) {
    const d = new FrameDecoder();
    const bytes = byteByByte(hex(header));
    for (const b of bytes.slice(0, 4)) d.push(b, ignore);
    throwsPss(() => d.push(bytes[4]!, ignore), ErrorCode.BAD_FRAME, what);
  }
});

test('a header at exactly the limit is accepted and waits for its payload', () => {
  for (const header of ['01 00100000', '02 00100000']) {
    const d = new FrameDecoder();
    assert.equal(items(d, hex(header)), []);
    assert.not.ok(d.idle);
  }
});

/** A control frame around `payload`. */
function aroundControl(payload: Buffer): Buffer {
  return Buffer.concat([hex(`01 ${payload.length.toString(16).padStart(8, '0')}`), payload]);
}

test('an empty control frame is BAD_MESSAGE', () => {
  throwsPss(() => new FrameDecoder().push(hex('01 00000000'), ignore), ErrorCode.BAD_MESSAGE);
});

test('a control payload that is not UTF-8 is BAD_MESSAGE', () => {
  const payloads = [
    '22 c3 28 22', // "Ã(": a lead byte without its continuation
    '22 c0 af 22', // overlong encoding of '/'
    '22 ed a0 80 22', // an encoded surrogate half
    '22 f4 90 80 80 22', // above U+10FFFF
    '22 ff 22',
  ];
  for (const p of payloads) {
    throwsPss(() => new FrameDecoder().push(aroundControl(hex(p)), ignore), ErrorCode.BAD_MESSAGE, p);
  }
});

test('a control payload that is not JSON is BAD_MESSAGE', () => {
  for (const text of ['{"type":', '{} x', "{'type':'PING'}", 'PING', '{"a":1,}', ' ']) {
    throwsPss(() => new FrameDecoder().push(aroundControl(Buffer.from(text)), ignore), ErrorCode.BAD_MESSAGE, JSON.stringify(text));
  }
});

/** A decoder that, like a server's, takes control frames over 64 KiB from a budget (and parses them from their bytes). */
function budgeted(): FrameDecoder {
  const d = new FrameDecoder();
  d.budget = { take: () => ({ release: () => undefined }), minBytes: 64 * 1024 };
  return d;
}

test('a large control frame gives the same message parsed from its bytes or as text, whatever the chunks', () => {
  const long = Array.from({ length: 15 }, () => 'ل'.repeat(127)).join('/');
  const message = { type: 'DOWNLOAD_FILES', files: Array.from({ length: 200 }, (_, i) => ({ path: `${long}/${i}\t"x"`, offset: i })) };
  const frame = encodeControl(message);
  assert.ok(frame.length > 512 * 1024);
  assert.equal(items(new FrameDecoder(), frame), [{ kind: 'control', message }]);
  assert.equal(items(budgeted(), frame), [{ kind: 'control', message }]);
  const d = budgeted();
  const out: DecodedItem[] = [];
  for (const chunk of splitAt(frame, [3, 70_000, 70_001, 400_000])) d.push(chunk, (item) => out.push(item));
  assert.equal(out, [{ kind: 'control', message }]);
});

test('a large control frame parsed from its bytes that is not UTF-8 JSON, or nests too deeply, is BAD_MESSAGE', () => {
  const text = JSON.stringify({ type: 'DOWNLOAD_FILES', files: [{ path: 'x'.repeat(100_000), offset: 0 }] });
  const cut = Buffer.from(text.slice(0, -1));
  const notUtf8 = Buffer.from(text);
  notUtf8[50_000] = 0xff;
  throwsPss(() => budgeted().push(aroundControl(cut), ignore), ErrorCode.BAD_MESSAGE, 'cut');
  throwsPss(() => budgeted().push(aroundControl(notUtf8), ignore), ErrorCode.BAD_MESSAGE, 'not UTF-8');
  const deep = throwsPss(() => budgeted().push(aroundControl(Buffer.from('['.repeat(40_000) + ']'.repeat(40_000))), ignore), ErrorCode.BAD_MESSAGE);
  assert.match(deep.message, /nested too deeply/);
});

test('any JSON value is passed on: its shape is for the message layer to judge', () => {
  // [1] and 7 are valid JSON; messages.ts rejects them as messages.
  const got = new FrameCollector().pushAll([hex('01 00000003  5b315d'), hex('01 00000001  37')]);
  assert.equal(got.frames, [{ control: [1] }, { control: 7 }]);
});

test('after an error every later push throws the same error', () => {
  const d = new FrameDecoder();
  const first = throwsPss(() => d.push(hex('09 00000000'), ignore), ErrorCode.BAD_FRAME);
  for (const chunk of [PING, DATA, Buffer.alloc(0), hex('01')]) {
    let emitted = 0;
    const again = throwsPss(() => d.push(chunk, () => emitted++), ErrorCode.BAD_FRAME);
    assert.is(again, first);
    assert.is(emitted, 0, 'nothing is emitted after the error');
  }
});

test('frames before the bad one are still delivered, in order', () => {
  const got: DecodedItem[] = [];
  const d = new FrameDecoder();
  throwsPss(() => d.push(Buffer.concat([PING, DATA, hex('07 00000000'), PING]), (i) => got.push(i)), ErrorCode.BAD_FRAME);
  assert.equal(got, [
    { kind: 'control', message: PING_MESSAGE },
    { kind: 'data', bytes: DATA_PAYLOAD, frameEnd: true },
  ]);
});

test('an error thrown by the consumer stops the decoder for good', () => {
  const d = new FrameDecoder();
  const refusal = new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'not now');
  assert.throws(
    () =>
      d.push(PING, () => {
        throw refusal;
      }),
    (err: unknown) => err === refusal,
  );
  assert.throws(
    () => d.push(PING, ignore),
    (err: unknown) => err === refusal,
  );
});

test('a consumer that throws something other than a protocol error is INTERNAL, without the exception text', () => {
  const d = new FrameDecoder();
  const err = throwsPss(
    () =>
      d.push(PING, () => {
        throw new TypeError('Cannot convert object to primitive value');
      }),
    ErrorCode.INTERNAL,
  );
  assert.not.match(err.message, /TypeError|Cannot convert/);
});

test('limitBytes refuses a bigger frame as soon as its length is read, and lifting it allows it again', () => {
  const d = new FrameDecoder();
  d.limitBytes = 8;
  throwsPss(() => d.push(hex('01 00000009'), ignore), ErrorCode.BAD_FRAME, '8-byte limit');
  const ok = new FrameDecoder();
  ok.limitBytes = 8;
  ok.limitBytes = undefined;
  let got = 0;
  ok.push(PING, () => got++);
  assert.is(got, 1);
});

// ---- properties ---------------------------------------------------------------------

type Frame = { control: Record<string, unknown> } | { data: Uint8Array };

const controlFrame = fc
  .record(
    {
      type: fc.constantFrom('HELLO', 'PING', 'FILE_BEGIN', 'FILE_LIST', 'X'),
      id: fc.nat(),
      path: fc.string({ unit: 'grapheme', maxLength: 30 }),
      extra: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: ['type'] },
  )
  .map((message): Frame => ({ control: message }));

const dataFrame = fc
  .oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 5000 }) })
  .map((payload): Frame => ({ data: payload }));

const encode = (frame: Frame): Buffer => ('control' in frame ? encodeControl(frame.control) : encodeData(frame.data));

const expectedFrames = (frames: Frame[]): WholeFrame[] =>
  frames.map((f) => ('control' in f ? { control: JSON.parse(JSON.stringify(f.control)) } : { data: Buffer.from(f.data) }));

test('property: any frames, split anywhere, decode to exactly what was sent', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(controlFrame, dataFrame), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 24 }),
      fc.boolean(),
      (frames, rawCuts, oneByteAtATime) => {
        const wire = Buffer.concat(frames.map(encode));
        const chunks =
          oneByteAtATime && wire.length < 4000
            ? byteByByte(wire)
            : splitAt(
                wire,
                rawCuts.map((c) => c % (wire.length + 1)),
              );
        const got = new FrameCollector().pushAll(chunks);
        assert.equal(got.frames, expectedFrames(frames));
        assert.ok(got.decoder.idle && got.betweenFrames, 'nothing is left half decoded');
      },
    ),
    { numRuns: 150 },
  );
});

// Random bytes, and byte streams that look like frames (a real type and a small length)
// but carry random payloads or JSON, so the UTF-8 and JSON paths are reached as well.
const plausibleFrame = fc
  .tuple(fc.constantFrom(0x01, 0x02, 0x01, 0x00, 0x03), fc.uint8Array({ maxLength: 40 }), fc.boolean())
  .map(([type, payload, honest]) => {
    const header = Buffer.alloc(5);
    header[0] = type;
    header.writeUInt32BE(honest ? payload.length : payload.length + 3, 1);
    return Buffer.concat([header, payload]);
  });
const jsonish = fc
  .oneof(fc.json({ maxDepth: 2 }), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', 'a', '1', ' ', '\\', 'é', '\u0000'), maxLength: 30 }))
  .map((text) => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(5);
    header[0] = 0x01;
    header.writeUInt32BE(payload.length, 1);
    return Buffer.concat([header, payload]);
  });
const hostileStream = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.array(fc.oneof(plausibleFrame, jsonish), { maxLength: 8 }).map((parts) => Buffer.concat(parts)),
);

test('property: hostile bytes raise only BAD_FRAME or BAD_MESSAGE, and decoding always ends', () => {
  fc.assert(
    fc.property(hostileStream, fc.array(fc.nat(), { maxLength: 10 }), (wire, rawCuts) => {
      const d = new FrameDecoder();
      let emitted = 0;
      let failure: unknown;
      for (const chunk of splitAt(
        wire,
        rawCuts.map((c) => c % (wire.length + 1)),
      )) {
        try {
          d.push(chunk, () => emitted++);
        } catch (err) {
          failure ??= err;
          assert.is(err, failure, 'later pushes repeat the first error');
        }
      }
      if (failure !== undefined) {
        assert.instance(failure, PssError);
        assert.ok(
          (failure as PssError).code === ErrorCode.BAD_FRAME || (failure as PssError).code === ErrorCode.BAD_MESSAGE,
          `unexpected code ${(failure as PssError).code}`,
        );
      }
      // Every item costs at least one input byte (a data piece) or five (a header), so the
      // work is bounded by the input: nothing loops on its own.
      assert.ok(emitted <= wire.length, `${emitted} items from ${wire.length} bytes`);
    }),
    { numRuns: 400 },
  );
});

test.run();
