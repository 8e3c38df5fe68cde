// Message validation against arbitrary input (PROTOCOL.md §4, §8): whatever JSON a peer
// sends, each side either accepts it as a message or refuses it with a protocol code.
// The valid and invalid forms of each message: messages.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ErrorCode, PssError } from '../../../extensions/netcore/src/errors';
import { parseClientMessage, parseServerMessage } from '../../../extensions/netcore/src/protocol/messages';

/** A digest of the right shape: a field value the properties draw from. */
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const anyType = fc.constantFrom(
  'HELLO',
  'LOGIN',
  'LIST_FILES',
  'DOWNLOAD_FILES',
  'CANCEL',
  'PING',
  'BYE',
  'WELCOME',
  'LOGIN_OK',
  'FILE_LIST',
  'FILE_BEGIN',
  'FILE_END',
  'FILES_PACKED',
  'FILE_ERROR',
  'DOWNLOAD_DONE',
  'ERROR',
  'PONG',
  'OTHER',
);
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('a', '..', 'a/b', 'password', 'none', 'directory', 'INTERNAL', SHA, 0, 1, -1, 0.5),
  fc.array(fc.record({ path: fc.constantFrom('a', '../a', 'b/c'), offset: fc.integer({ min: -1, max: 3 }), size: fc.nat() }, { requiredKeys: [] }), {
    maxLength: 3,
  }),
);
const fieldName = fc.constantFrom(
  'version',
  'client',
  'name',
  'password',
  'files',
  'id',
  'server',
  'auth',
  'sessionId',
  'token',
  'share',
  'entries',
  'done',
  'path',
  'size',
  'mtimeMs',
  'offset',
  'sha256',
  'code',
  'message',
  'bytes',
  'cancelled',
  'retryAfterMs',
);
const messageLike = fc.oneof(
  fc.tuple(anyType, fc.dictionary(fieldName, fieldValue, { maxKeys: 8 })).map(([type, rest]) => ({ ...rest, type })),
  fc.jsonValue({ maxDepth: 3 }),
);

test('property: any JSON value is parsed or refused with a protocol code, never anything else', () => {
  const allowed = new Set<string>([ErrorCode.BAD_MESSAGE, ErrorCode.BAD_PATH, ErrorCode.TOO_MANY_FILES]);
  fc.assert(
    fc.property(messageLike, (value) => {
      for (const parse of [parseClientMessage, parseServerMessage]) {
        try {
          parse(value);
        } catch (err) {
          assert.instance(err, PssError);
          assert.ok(allowed.has((err as PssError).code), (err as PssError).code);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test.run();
