import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeControl } from '../../../extensions/netcore/src/protocol/frames';
import { FrameDecoder } from '../../../extensions/netcore/src/protocol/decoder';

test('control frame round-trips', () => {
  const d = new FrameDecoder();
  const got: unknown[] = [];
  d.push(encodeControl({ type: 'PING', id: 1 }), (i) => got.push(i));
  assert.equal(got, [{ kind: 'control', message: { type: 'PING', id: 1 } }]);
});

test.run();
