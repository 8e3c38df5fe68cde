// The ZIP's CRC-32 comes from zlib instead of buffer-crc32's JavaScript loop: the same
// value for every input yazl passes (whole buffers, a running CRC continued chunk by
// chunk), and installed on the very module object yazl calls.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { nativeUnsigned, useNativeCrc32 } from '../../../extensions/netcore/src/web/zip-crc';
import '../../../extensions/netcore/src/web/zip-stream';
import { conditionNeed, testIf } from '../../support/tools';

const bufferCrc32 = require('buffer-crc32') as { signed: (b: Buffer, p?: number | Buffer) => number; unsigned: (b: Buffer, p?: number | Buffer) => number };
/** buffer-crc32's own answer (its `signed` is left as it was). */
const reference = (b: Buffer, p?: number | Buffer) => bufferCrc32.signed(b, p) >>> 0;
const hasNative = typeof (zlib as { crc32?: unknown }).crc32 === 'function';
const nativeTest = testIf(test, conditionNeed(hasNative ? undefined : 'this Node has no zlib.crc32'));

nativeTest('zlib computes what buffer-crc32 computes, whole and continued chunk by chunk', () => {
  for (const size of [0, 1, 7, 4096, 65_536 + 3]) {
    const data = randomBytes(size);
    assert.is(nativeUnsigned(data), reference(data), `${size} bytes`);
    let running = 0;
    let expected = 0;
    for (let at = 0; at < size; at += 1000) {
      const chunk = data.subarray(at, at + 1000);
      running = nativeUnsigned(chunk, running);
      expected = reference(chunk, expected);
    }
    assert.is(running, expected, `${size} bytes in chunks`);
  }
  const previous = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
  assert.is(nativeUnsigned(Buffer.from('abc'), previous), reference(Buffer.from('abc'), previous), 'a previous CRC given as a buffer');
  assert.is(nativeUnsigned('abc'), reference(Buffer.from('abc')), 'a string');
});

nativeTest('the ZIP stream puts it where yazl looks for it', () => {
  assert.ok(useNativeCrc32());
  assert.is(bufferCrc32.unsigned, nativeUnsigned);
});

test.run();
