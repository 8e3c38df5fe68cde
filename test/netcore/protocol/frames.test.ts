// The encoder's byte layout (PROTOCOL.md §2), written out as hex so a change to the wire
// format shows up as a changed test, not as two ends that quietly still agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAX_CONTROL_PAYLOAD_BYTES, MAX_DATA_PAYLOAD_BYTES } from '../../../extensions/netcore/src/constants';
import { ErrorCode } from '../../../extensions/netcore/src/errors';
import { allocDataFrame, encodeControl, encodeData, finishDataFrame, FrameType, maxPayloadBytes } from '../../../extensions/netcore/src/protocol/frames';
import { byteByByte, FrameCollector, hex, throwsPss } from '../../support/protocol-bytes';

// {"type":"PING","id":7}
const PING_FRAME = hex('01 00000016  7b2274797065223a2250494e47222c226964223a377d');

test('frame types are 0x01 CONTROL and 0x02 DATA', () => {
  assert.is(FrameType.CONTROL, 0x01);
  assert.is(FrameType.DATA, 0x02);
});

test('a control frame is 0x01, the JSON byte length as u32 big-endian, then the JSON', () => {
  assert.equal(encodeControl({ type: 'PING', id: 7 }), PING_FRAME);
  // {"type":"BYE"}
  assert.equal(encodeControl({ type: 'BYE' }), hex('01 0000000e  7b2274797065223a22425945227d'));
});

test('the control length counts UTF-8 bytes, not characters', () => {
  // {"name":"سلام"}: 15 characters, 19 bytes.
  assert.equal(encodeControl({ name: 'سلام' }), hex('01 00000013  7b226e616d65223a22 d8b3 d984 d8a7 d985 227d'));
});

test('a control message at the limit is encoded; one byte over is BAD_MESSAGE', () => {
  // {"p":"…"} has 8 bytes of framing around the string.
  const atLimit = { p: 'x'.repeat(MAX_CONTROL_PAYLOAD_BYTES - 8) };
  const frame = encodeControl(atLimit);
  assert.is(frame.length, 5 + MAX_CONTROL_PAYLOAD_BYTES);
  assert.is(frame.readUInt32BE(1), MAX_CONTROL_PAYLOAD_BYTES);
  throwsPss(() => encodeControl({ p: 'x'.repeat(MAX_CONTROL_PAYLOAD_BYTES - 7) }), ErrorCode.BAD_MESSAGE);
});

test('a data frame is 0x02, the payload length, then the raw bytes', () => {
  assert.equal(encodeData(Buffer.from('hello')), hex('02 00000005  68656c6c6f'));
  assert.equal(encodeData(hex('00 ff 80')), hex('02 00000003  00ff80'));
});

test('a zero-length data frame is the five header bytes alone', () => {
  assert.equal(encodeData(Buffer.alloc(0)), hex('02 00000000'));
});

test('allocDataFrame takes up to 1 MiB of payload and refuses more with BAD_FRAME', () => {
  const frame = allocDataFrame(MAX_DATA_PAYLOAD_BYTES);
  assert.is(frame.length, 5 + MAX_DATA_PAYLOAD_BYTES);
  assert.equal(frame.subarray(0, 5), hex('02 00100000'));
  throwsPss(() => allocDataFrame(MAX_DATA_PAYLOAD_BYTES + 1), ErrorCode.BAD_FRAME);
  throwsPss(() => encodeData(new Uint8Array(MAX_DATA_PAYLOAD_BYTES + 1)), ErrorCode.BAD_FRAME);
});

test('finishDataFrame shortens a frame after a short read and rewrites its length', () => {
  const frame = allocDataFrame(8);
  frame.write('abc', 5);
  assert.equal(finishDataFrame(frame, 3), hex('02 00000003  616263'));
});

test('maxPayloadBytes knows the two frame types and nothing else', () => {
  assert.is(maxPayloadBytes(0x01), MAX_CONTROL_PAYLOAD_BYTES);
  assert.is(maxPayloadBytes(0x02), MAX_DATA_PAYLOAD_BYTES);
  for (const type of [0x00, 0x03, 0x7f, 0x80, 0xff]) assert.is(maxPayloadBytes(type), undefined);
});

test('encoded frames decode to what went in, even fed one byte at a time', () => {
  const payload = Buffer.from('bytes of a file');
  const wire = Buffer.concat([PING_FRAME, encodeData(payload), encodeData(Buffer.alloc(0)), encodeControl({ type: 'BYE' })]);
  const got = new FrameCollector().pushAll(byteByByte(wire));
  assert.equal(got.frames, [{ control: { type: 'PING', id: 7 } }, { data: payload }, { data: Buffer.alloc(0) }, { control: { type: 'BYE' } }]);
});

test('property: any JSON object survives encodeControl and the decoder', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), (message) => {
      const got = new FrameCollector().pushAll([encodeControl(message)]);
      // JSON has no -0; the expected value goes through the same text form.
      assert.equal(got.frames, [{ control: JSON.parse(JSON.stringify(message)) }]);
    }),
    { numRuns: 200 },
  );
});

test.run();
