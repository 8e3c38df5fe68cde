// Message validation (PROTOCOL.md §4, §5, §7, §8): every message in its valid form, and the
// ways a peer can get each one wrong, with the code the other side must answer with.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FILES_PER_REQUEST, PACK_FILE_MAX_BYTES, PACK_MAX_FILES } from '../../../extensions/netcore/src/constants';
import { ErrorCode } from '../../../extensions/netcore/src/errors';
import { parseClientMessage, parseServerMessage } from '../../../extensions/netcore/src/protocol/messages';
import { throwsPss } from '../../support/protocol-bytes';

const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MTIME = 1_700_000_000_123;

// ---- client → server ----------------------------------------------------------------

const validClient: Array<[string, Record<string, unknown>]> = [
  ['HELLO', { type: 'HELLO', version: 1, client: 'pss/0.1.0', name: 'Laptop' }],
  ['HELLO with an empty name', { type: 'HELLO', version: 1, client: 'pss/0.1.0', name: '' }],
  ['HELLO with a Persian name', { type: 'HELLO', version: 1, client: 'pss/0.1.0', name: 'لپ‌تاپ مریم' }],
  ['LOGIN', { type: 'LOGIN', password: 'correct horse battery staple' }],
  ['LOGIN with a 1024-byte password', { type: 'LOGIN', password: 'p'.repeat(1024) }],
  ['LIST_FILES', { type: 'LIST_FILES' }],
  ['DOWNLOAD_FILES', { type: 'DOWNLOAD_FILES', files: [{ path: 'docs/a.txt', offset: 0 }] }],
  [
    'DOWNLOAD_FILES of names only Windows cannot store (drive letters too)',
    { type: 'DOWNLOAD_FILES', files: ['a:b.txt', 'C:x', 'c:/x', 'what?.txt', 'CON.txt', 'trail.'].map((path) => ({ path, offset: 0 })) },
  ],
  ['DOWNLOAD_FILES resuming', { type: 'DOWNLOAD_FILES', files: [{ path: 'big.iso', offset: 1_048_576, size: 4_000_000_000, mtimeMs: MTIME }] }],
  ['DOWNLOAD_FILES with size and mtime from the start', { type: 'DOWNLOAD_FILES', files: [{ path: 'a', offset: 0, size: 10, mtimeMs: MTIME }] }],
  ['DOWNLOAD_FILES taking packs', { type: 'DOWNLOAD_FILES', files: [{ path: 'a', offset: 0 }], packs: true }],
  [
    `DOWNLOAD_FILES with ${MAX_FILES_PER_REQUEST} files`,
    { type: 'DOWNLOAD_FILES', files: Array.from({ length: MAX_FILES_PER_REQUEST }, (_, i) => ({ path: `f${i}`, offset: 0 })) },
  ],
  ['CANCEL', { type: 'CANCEL' }],
  ['PING', { type: 'PING', id: 0 }],
  ['PING with a large id', { type: 'PING', id: Number.MAX_SAFE_INTEGER }],
  ['BYE', { type: 'BYE' }],
];

test('every client message is accepted in its valid form, unchanged', () => {
  for (const [what, message] of validClient) {
    assert.equal(parseClientMessage(structuredClone(message)), message, what);
  }
});

test('unknown extra fields in a known client message are dropped, not refused', () => {
  assert.equal(parseClientMessage({ type: 'PING', id: 3, color: 'blue', nested: { a: [1] } }), { type: 'PING', id: 3 });
  assert.equal(parseClientMessage({ type: 'DOWNLOAD_FILES', files: [{ path: 'a', offset: 0, priority: 'high' }], urgent: true }), {
    type: 'DOWNLOAD_FILES',
    files: [{ path: 'a', offset: 0 }],
  });
});

const hello = { type: 'HELLO', version: 1, client: 'pss/0.1.0', name: 'Laptop' };
const file = (extra: Record<string, unknown>) => ({ type: 'DOWNLOAD_FILES', files: [{ path: 'a.txt', offset: 0, ...extra }] });

const invalidClient: Array<[string, unknown, ErrorCode]> = [
  ['null', null, ErrorCode.BAD_MESSAGE],
  ['an array', [hello], ErrorCode.BAD_MESSAGE],
  ['a string', 'HELLO', ErrorCode.BAD_MESSAGE],
  ['a number', 1, ErrorCode.BAD_MESSAGE],
  ['no type', { version: 1 }, ErrorCode.BAD_MESSAGE],
  ['an unknown type', { type: 'DELETE_FILES' }, ErrorCode.BAD_MESSAGE],
  ['a lower-case type', { type: 'hello', version: 1, client: 'x', name: 'y' }, ErrorCode.BAD_MESSAGE],
  ['a server-only type', { type: 'WELCOME', version: 1, server: 'x', auth: 'none', sessionId: 's' }, ErrorCode.BAD_MESSAGE],
  ['the seed chat command on the main port', { type: 'MSG_C2S', text: 'hi' }, ErrorCode.BAD_MESSAGE],
  ['a numeric type', { type: 1 }, ErrorCode.BAD_MESSAGE],
  ['an inherited property name as type', { type: 'toString' }, ErrorCode.BAD_MESSAGE],
  ['a type whose toString is not a function', JSON.parse('{"type":{"toString":1}}'), ErrorCode.BAD_MESSAGE],
  ['a type that is an array', JSON.parse('{"type":[{"toString":1}]}'), ErrorCode.BAD_MESSAGE],
  ['HELLO without version', { ...hello, version: undefined }, ErrorCode.BAD_MESSAGE],
  ['HELLO with version as text', { ...hello, version: '1' }, ErrorCode.BAD_MESSAGE],
  ['HELLO with a negative version', { ...hello, version: -1 }, ErrorCode.BAD_MESSAGE],
  ['HELLO with a fractional version', { ...hello, version: 1.5 }, ErrorCode.BAD_MESSAGE],
  ['HELLO with an unsafe integer version', { ...hello, version: 2 ** 53 }, ErrorCode.BAD_MESSAGE],
  ['HELLO without client', { type: 'HELLO', version: 1, name: 'x' }, ErrorCode.BAD_MESSAGE],
  ['HELLO with a 101-character client', { ...hello, client: 'c'.repeat(101) }, ErrorCode.BAD_MESSAGE],
  ['HELLO without name', { type: 'HELLO', version: 1, client: 'x' }, ErrorCode.BAD_MESSAGE],
  ['HELLO with a name that is not text', { ...hello, name: ['Laptop'] }, ErrorCode.BAD_MESSAGE],
  ['HELLO with a 65-character name', { ...hello, name: 'n'.repeat(65) }, ErrorCode.BAD_MESSAGE],
  ['LOGIN without password', { type: 'LOGIN' }, ErrorCode.BAD_MESSAGE],
  ['LOGIN with a null password', { type: 'LOGIN', password: null }, ErrorCode.BAD_MESSAGE],
  ['LOGIN with a 1025-character password', { type: 'LOGIN', password: 'p'.repeat(1025) }, ErrorCode.BAD_MESSAGE],
  // 600 characters but 1200 bytes: the limit is on bytes.
  ['LOGIN with a password over 1024 bytes', { type: 'LOGIN', password: 'é'.repeat(600) }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_FILES without files', { type: 'DOWNLOAD_FILES' }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_FILES with files as an object', { type: 'DOWNLOAD_FILES', files: { path: 'a', offset: 0 } }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_FILES with no files', { type: 'DOWNLOAD_FILES', files: [] }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_FILES with packs that is not a boolean', { type: 'DOWNLOAD_FILES', files: [{ path: 'a', offset: 0 }], packs: 'yes' }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_FILES with a file that is a string', { type: 'DOWNLOAD_FILES', files: ['a.txt'] }, ErrorCode.BAD_MESSAGE],
  ['a file without offset', { type: 'DOWNLOAD_FILES', files: [{ path: 'a' }] }, ErrorCode.BAD_MESSAGE],
  ['a negative offset', file({ offset: -1 }), ErrorCode.BAD_MESSAGE],
  ['a fractional offset', file({ offset: 0.5 }), ErrorCode.BAD_MESSAGE],
  ['an offset as text', file({ offset: '0' }), ErrorCode.BAD_MESSAGE],
  ['a negative size', file({ size: -5 }), ErrorCode.BAD_MESSAGE],
  ['a fractional size', file({ size: 1.25 }), ErrorCode.BAD_MESSAGE],
  ['a null size', file({ size: null }), ErrorCode.BAD_MESSAGE],
  ['an mtime as text', file({ mtimeMs: '2024-01-01' }), ErrorCode.BAD_MESSAGE],
  ['an infinite mtime', JSON.parse('{"type":"DOWNLOAD_FILES","files":[{"path":"a","offset":0,"mtimeMs":1e400}]}'), ErrorCode.BAD_MESSAGE],
  ['a resume without size or mtime', file({ offset: 10 }), ErrorCode.BAD_MESSAGE],
  ['a resume without mtime', file({ offset: 10, size: 100 }), ErrorCode.BAD_MESSAGE],
  ['a resume without size', file({ offset: 10, mtimeMs: MTIME }), ErrorCode.BAD_MESSAGE],
  ['a file without path', { type: 'DOWNLOAD_FILES', files: [{ offset: 0 }] }, ErrorCode.BAD_PATH],
  ['a path that is not text', file({ path: 42 }), ErrorCode.BAD_PATH],
  ['a path with ..', file({ path: '../secret' }), ErrorCode.BAD_PATH],
  ['an absolute path', file({ path: '/etc/shadow' }), ErrorCode.BAD_PATH],
  ['an absolute path after a drive letter', file({ path: 'C:/../Windows/win.ini' }), ErrorCode.BAD_PATH],
  ['a backslash path', file({ path: '..\\..\\boot.ini' }), ErrorCode.BAD_PATH],
  [
    `${MAX_FILES_PER_REQUEST + 1} files`,
    { type: 'DOWNLOAD_FILES', files: Array.from({ length: MAX_FILES_PER_REQUEST + 1 }, () => ({ path: 'a', offset: 0 })) },
    ErrorCode.TOO_MANY_FILES,
  ],
  ['PING without id', { type: 'PING' }, ErrorCode.BAD_MESSAGE],
  ['PING with a negative id', { type: 'PING', id: -1 }, ErrorCode.BAD_MESSAGE],
  ['PING with a fractional id', { type: 'PING', id: 1.5 }, ErrorCode.BAD_MESSAGE],
  ['PING with a text id', { type: 'PING', id: 'x' }, ErrorCode.BAD_MESSAGE],
];

test('malformed client messages are refused with the code the server sends back', () => {
  for (const [what, message, code] of invalidClient) throwsPss(() => parseClientMessage(message), code, what);
});

test('one hostile path anywhere in a request refuses the whole request', () => {
  const files = [
    { path: 'ok.txt', offset: 0 },
    { path: 'sub/also-ok.txt', offset: 0 },
    { path: 'sub/../../x', offset: 0 },
  ];
  throwsPss(() => parseClientMessage({ type: 'DOWNLOAD_FILES', files }), ErrorCode.BAD_PATH);
});

test('the file count is checked before any entry is looked at', () => {
  // A huge request of junk must cost one length check, not a walk over every entry.
  const files = Array.from({ length: MAX_FILES_PER_REQUEST + 1 }, () => 'junk');
  throwsPss(() => parseClientMessage({ type: 'DOWNLOAD_FILES', files }), ErrorCode.TOO_MANY_FILES);
});

// ---- server → client ----------------------------------------------------------------

const validServer: Array<[string, Record<string, unknown>]> = [
  ['WELCOME asking for a password', { type: 'WELCOME', version: 1, server: 'pss/0.1.0', auth: 'password', sessionId: '0a1b2c3d4e5f' }],
  [
    'WELCOME without a password, with a token',
    { type: 'WELCOME', version: 1, server: 'pss/0.1.0', auth: 'none', sessionId: '0a1b2c3d4e5f', token: 'k'.repeat(43) },
  ],
  ['WELCOME from a server that holds a waiting request', { type: 'WELCOME', version: 1, server: 'pss/0.1.0', auth: 'password', sessionId: 's', queue: 1 }],
  ['LOGIN_OK', { type: 'LOGIN_OK', token: 'k'.repeat(43) }],
  [
    'FILE_LIST, a middle page',
    {
      type: 'FILE_LIST',
      share: { kind: 'directory', name: 'Photos' },
      entries: [
        { path: '2024/سلام دنیا.jpg', size: 123_456, mtimeMs: MTIME },
        { path: 'old.txt', size: 0, mtimeMs: -86_400_000 },
      ],
      done: false,
    },
  ],
  [
    'FILE_LIST, one shared file',
    { type: 'FILE_LIST', share: { kind: 'file', name: 'report.pdf' }, entries: [{ path: 'report.pdf', size: 9, mtimeMs: MTIME }], done: true },
  ],
  ['FILE_LIST, an empty share', { type: 'FILE_LIST', share: { kind: 'directory', name: 'Empty' }, entries: [], done: true }],
  ['FILE_BEGIN', { type: 'FILE_BEGIN', path: 'docs/a.txt', size: 5000, mtimeMs: MTIME, offset: 0 }],
  ['FILE_BEGIN resuming', { type: 'FILE_BEGIN', path: 'docs/a.txt', size: 5000, mtimeMs: MTIME, offset: 4096 }],
  ['FILE_END', { type: 'FILE_END', path: 'docs/a.txt', sha256: SHA }],
  [
    'FILES_PACKED',
    {
      type: 'FILES_PACKED',
      files: [
        { path: 'docs/a.txt', size: 5000, mtimeMs: MTIME, sha256: SHA },
        { path: 'docs/empty.txt', size: 0, mtimeMs: MTIME, sha256: SHA },
      ],
    },
  ],
  [
    `FILES_PACKED of ${PACK_MAX_FILES} files, 1 MiB in all`,
    { type: 'FILES_PACKED', files: Array.from({ length: PACK_MAX_FILES }, (_, i) => ({ path: `f${i}`, size: 1024, mtimeMs: MTIME, sha256: SHA })) },
  ],
  ['FILE_ERROR', { type: 'FILE_ERROR', path: 'docs/a.txt', code: 'FILE_CHANGED', message: 'the file changed since the partial download began' }],
  ['DOWNLOAD_DONE', { type: 'DOWNLOAD_DONE', files: 3, bytes: 15_000, cancelled: false }],
  ['DOWNLOAD_DONE cancelled', { type: 'DOWNLOAD_DONE', files: 0, bytes: 0, cancelled: true }],
  ['ERROR', { type: 'ERROR', code: 'SERVER_FULL', message: 'the server is full (10 clients at most)' }],
  ['ERROR with retryAfterMs', { type: 'ERROR', code: 'LOCKED_OUT', message: 'try again in 300 s', retryAfterMs: 300_000 }],
  ['PONG', { type: 'PONG', id: 9 }],
  ['WARN_S2C', { type: 'WARN_S2C', text: 'Please stop downloading the videos.', time: '2026-11-24T15:00:00.000Z' }],
];

test('every server message is accepted in its valid form, unchanged', () => {
  for (const [what, message] of validServer) {
    assert.equal(parseServerMessage(structuredClone(message)), message, what);
  }
});

test('unknown extra fields in a known server message are dropped, not refused', () => {
  assert.equal(parseServerMessage({ type: 'PONG', id: 1, serverTime: 5 }), { type: 'PONG', id: 1 });
  assert.equal(
    parseServerMessage({
      type: 'FILE_LIST',
      share: { kind: 'file', name: 'a', icon: 'x' },
      entries: [{ path: 'a', size: 1, mtimeMs: 2, mode: 0o644 }],
      done: true,
      total: 1,
    }),
    { type: 'FILE_LIST', share: { kind: 'file', name: 'a' }, entries: [{ path: 'a', size: 1, mtimeMs: 2 }], done: true },
  );
});

test('an error code the client does not know becomes INTERNAL', () => {
  assert.equal(parseServerMessage({ type: 'ERROR', code: 'SOMETHING_NEW', message: 'x' }), { type: 'ERROR', code: 'INTERNAL', message: 'x' });
  assert.equal(parseServerMessage({ type: 'FILE_ERROR', path: 'a', code: 'QUOTA', message: 'x' }), {
    type: 'FILE_ERROR',
    path: 'a',
    code: 'INTERNAL',
    message: 'x',
  });
});

test('a fractional or pre-1970 mtime is a valid time', () => {
  const m = parseServerMessage({ type: 'FILE_BEGIN', path: 'a', size: 1, mtimeMs: -1234.5, offset: 0 });
  assert.is((m as { mtimeMs: number }).mtimeMs, -1234.5);
});

const welcome = { type: 'WELCOME', version: 1, server: 'pss/0.1.0', auth: 'password', sessionId: 's1' };
const list = { type: 'FILE_LIST', share: { kind: 'directory', name: 'S' }, entries: [{ path: 'a', size: 1, mtimeMs: 2 }], done: true };
const begin = { type: 'FILE_BEGIN', path: 'a', size: 10, mtimeMs: MTIME, offset: 0 };
const done = { type: 'DOWNLOAD_DONE', files: 1, bytes: 10, cancelled: false };

const invalidServer: Array<[string, unknown, ErrorCode]> = [
  ['null', null, ErrorCode.BAD_MESSAGE],
  ['an array', [welcome], ErrorCode.BAD_MESSAGE],
  ['no type', { version: 1 }, ErrorCode.BAD_MESSAGE],
  ['an unknown type', { type: 'FILE_DELETED', path: 'a' }, ErrorCode.BAD_MESSAGE],
  ['a client-only type', { type: 'PING', id: 1 }, ErrorCode.BAD_MESSAGE],
  ['the seed chat command on the main port', { type: 'MSG_S2C', text: 'hi' }, ErrorCode.BAD_MESSAGE],
  ['a type whose toString is not a function', JSON.parse('{"type":{"toString":1}}'), ErrorCode.BAD_MESSAGE],
  ['WELCOME with an unknown auth', { ...welcome, auth: 'token' }, ErrorCode.BAD_MESSAGE],
  ['FILES_PACKED without files', { type: 'FILES_PACKED', files: [] }, ErrorCode.BAD_MESSAGE],
  ['FILES_PACKED with files as an object', { type: 'FILES_PACKED', files: { path: 'a' } }, ErrorCode.BAD_MESSAGE],
  [
    `FILES_PACKED of ${PACK_MAX_FILES + 1} files`,
    { type: 'FILES_PACKED', files: Array.from({ length: PACK_MAX_FILES + 1 }, (_, i) => ({ path: `f${i}`, size: 1, mtimeMs: MTIME, sha256: SHA })) },
    ErrorCode.BAD_MESSAGE,
  ],
  [
    'FILES_PACKED with a file too large for a pack',
    { type: 'FILES_PACKED', files: [{ path: 'a', size: PACK_FILE_MAX_BYTES + 1, mtimeMs: MTIME, sha256: SHA }] },
    ErrorCode.BAD_MESSAGE,
  ],
  [
    'FILES_PACKED of more than 1 MiB in all',
    { type: 'FILES_PACKED', files: Array.from({ length: 17 }, (_, i) => ({ path: `f${i}`, size: PACK_FILE_MAX_BYTES, mtimeMs: MTIME, sha256: SHA })) },
    ErrorCode.BAD_MESSAGE,
  ],
  [
    'FILES_PACKED with an upper-case digest',
    { type: 'FILES_PACKED', files: [{ path: 'a', size: 1, mtimeMs: MTIME, sha256: SHA.toUpperCase() }] },
    ErrorCode.BAD_MESSAGE,
  ],
  ['FILES_PACKED with a negative size', { type: 'FILES_PACKED', files: [{ path: 'a', size: -1, mtimeMs: MTIME, sha256: SHA }] }, ErrorCode.BAD_MESSAGE],
  ['FILES_PACKED with a path that climbs out', { type: 'FILES_PACKED', files: [{ path: '../a', size: 1, mtimeMs: MTIME, sha256: SHA }] }, ErrorCode.BAD_PATH],
  ['WELCOME without auth', { ...welcome, auth: undefined }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a fractional version', { ...welcome, version: 1.1 }, ErrorCode.BAD_MESSAGE],
  ['WELCOME without sessionId', { ...welcome, sessionId: undefined }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a 65-character sessionId', { ...welcome, sessionId: 's'.repeat(65) }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a 101-character server', { ...welcome, server: 's'.repeat(101) }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a token that is not text', { ...welcome, token: 5 }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a 257-character token', { ...welcome, token: 't'.repeat(257) }, ErrorCode.BAD_MESSAGE],
  ['WELCOME with a queue that is not a count', { ...welcome, queue: -1 }, ErrorCode.BAD_MESSAGE],
  ['LOGIN_OK without token', { type: 'LOGIN_OK' }, ErrorCode.BAD_MESSAGE],
  ['LOGIN_OK with a 257-character token', { type: 'LOGIN_OK', token: 't'.repeat(257) }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST without share', { ...list, share: undefined }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST with an unknown share kind', { ...list, share: { kind: 'symlink', name: 'S' } }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST with a 1025-character share name', { ...list, share: { kind: 'directory', name: 'n'.repeat(1025) } }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST with entries as an object', { ...list, entries: {} }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST with done as text', { ...list, done: 'true' }, ErrorCode.BAD_MESSAGE],
  ['FILE_LIST without done', { ...list, done: undefined }, ErrorCode.BAD_MESSAGE],
  ['an entry that is not an object', { ...list, entries: ['a'] }, ErrorCode.BAD_MESSAGE],
  ['an entry with a negative size', { ...list, entries: [{ path: 'a', size: -1, mtimeMs: 0 }] }, ErrorCode.BAD_MESSAGE],
  ['an entry with a fractional size', { ...list, entries: [{ path: 'a', size: 0.5, mtimeMs: 0 }] }, ErrorCode.BAD_MESSAGE],
  ['an entry without mtime', { ...list, entries: [{ path: 'a', size: 1 }] }, ErrorCode.BAD_MESSAGE],
  ['FILE_BEGIN with a negative offset', { ...begin, offset: -1 }, ErrorCode.BAD_MESSAGE],
  ['FILE_BEGIN with a fractional size', { ...begin, size: 10.5 }, ErrorCode.BAD_MESSAGE],
  ['FILE_BEGIN without mtime', { ...begin, mtimeMs: undefined }, ErrorCode.BAD_MESSAGE],
  ['FILE_END without sha256', { type: 'FILE_END', path: 'a' }, ErrorCode.BAD_MESSAGE],
  ['FILE_END with upper-case hex', { type: 'FILE_END', path: 'a', sha256: SHA.toUpperCase() }, ErrorCode.BAD_MESSAGE],
  ['FILE_END with 63 hex digits', { type: 'FILE_END', path: 'a', sha256: SHA.slice(1) }, ErrorCode.BAD_MESSAGE],
  ['FILE_END with 65 hex digits', { type: 'FILE_END', path: 'a', sha256: SHA + '0' }, ErrorCode.BAD_MESSAGE],
  ['FILE_END with base64', { type: 'FILE_END', path: 'a', sha256: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' }, ErrorCode.BAD_MESSAGE],
  ['FILE_ERROR without code', { type: 'FILE_ERROR', path: 'a', message: 'x' }, ErrorCode.BAD_MESSAGE],
  ['FILE_ERROR with a 65-character code', { type: 'FILE_ERROR', path: 'a', code: 'C'.repeat(65), message: 'x' }, ErrorCode.BAD_MESSAGE],
  ['FILE_ERROR with a 1001-character message', { type: 'FILE_ERROR', path: 'a', code: 'NOT_FOUND', message: 'm'.repeat(1001) }, ErrorCode.BAD_MESSAGE],
  ['FILE_ERROR with an 8193-character path', { type: 'FILE_ERROR', path: 'p'.repeat(8193), code: 'NOT_FOUND', message: 'x' }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_DONE with cancelled as a number', { ...done, cancelled: 0 }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_DONE with negative files', { ...done, files: -1 }, ErrorCode.BAD_MESSAGE],
  ['DOWNLOAD_DONE with fractional bytes', { ...done, bytes: 1.5 }, ErrorCode.BAD_MESSAGE],
  ['ERROR without message', { type: 'ERROR', code: 'INTERNAL' }, ErrorCode.BAD_MESSAGE],
  ['ERROR with a code that is not text', { type: 'ERROR', code: 7, message: 'x' }, ErrorCode.BAD_MESSAGE],
  ['ERROR with a negative retryAfterMs', { type: 'ERROR', code: 'LOCKED_OUT', message: 'x', retryAfterMs: -1 }, ErrorCode.BAD_MESSAGE],
  ['ERROR with a fractional retryAfterMs', { type: 'ERROR', code: 'LOCKED_OUT', message: 'x', retryAfterMs: 0.5 }, ErrorCode.BAD_MESSAGE],
  ['PONG with a negative id', { type: 'PONG', id: -1 }, ErrorCode.BAD_MESSAGE],
];

test('malformed server messages are refused with BAD_MESSAGE', () => {
  for (const [what, message, code] of invalidServer) throwsPss(() => parseServerMessage(message), code, what);
});

const hostileServerPaths = [
  '../../.bashrc',
  'a/../../b',
  '/etc/cron.d/x',
  'C:/../Users/Public/x.exe',
  'C:x\\..\\y',
  '..\\..\\Startup\\x.bat',
  'a\u0000.txt',
  'report\u001b[2J.txt',
  'a//b',
  './a',
  'x'.repeat(256),
  '\ud800.txt',
];

test('hostile paths from a server are BAD_PATH wherever a path appears', () => {
  for (const path of hostileServerPaths) {
    const what = JSON.stringify(path);
    throwsPss(
      () =>
        parseServerMessage({
          ...list,
          entries: [
            { path: 'fine.txt', size: 1, mtimeMs: 0 },
            { path, size: 1, mtimeMs: 0 },
          ],
        }),
      ErrorCode.BAD_PATH,
      `FILE_LIST ${what}`,
    );
    throwsPss(() => parseServerMessage({ ...begin, path }), ErrorCode.BAD_PATH, `FILE_BEGIN ${what}`);
    throwsPss(() => parseServerMessage({ type: 'FILE_END', path, sha256: SHA }), ErrorCode.BAD_PATH, `FILE_END ${what}`);
  }
});

test('names only Windows cannot store are ordinary on the wire, in requests and in answers', () => {
  for (const path of [
    'NUL',
    'docs/com1.txt',
    'trailing.',
    'Song: Remix.mp3',
    'what?.txt',
    'a<b>.txt',
    'x|y.txt',
    'it\'s "quoted".txt',
    'a:b.txt',
    'C:x',
    'C:/Users/Public/x.exe',
    'c:',
  ]) {
    assert.is((parseServerMessage({ ...begin, path }) as { path: string }).path, path);
    const req = parseClientMessage({ type: 'DOWNLOAD_FILES', files: [{ path, offset: 0 }] });
    assert.equal(req, { type: 'DOWNLOAD_FILES', files: [{ path, offset: 0 }] });
  }
});

test('FILE_LIST carries what the server left out, by reason; unknown reasons count as other', () => {
  const parsed = parseServerMessage({ ...list, notShared: { link: 2, unreadable: 1, fifo: 3, sockets: 1 } });
  assert.equal((parsed as { notShared?: unknown }).notShared, { link: 2, unreadable: 1, other: 4 });
  assert.is((parseServerMessage(list) as { notShared?: unknown }).notShared, undefined);
  throwsPss(() => parseServerMessage({ ...list, notShared: { link: -1 } }), ErrorCode.BAD_MESSAGE, 'a negative count');
  throwsPss(() => parseServerMessage({ ...list, notShared: [1] }), ErrorCode.BAD_MESSAGE, 'an array');
  const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`r${i}`, 1]));
  throwsPss(() => parseServerMessage({ ...list, notShared: many }), ErrorCode.BAD_MESSAGE, 'too many reasons');
});

// ---- the specification's examples and tables ------------------------------------

const SPEC = readFileSync(join(__dirname, '../../../extensions/netcore/PROTOCOL.md'), 'utf8');

/** The text of one section, up to the next heading of any level. */
function section(heading: string): string {
  const start = SPEC.indexOf(heading);
  assert.ok(start >= 0, `PROTOCOL.md has no "${heading}"`);
  const end = SPEC.indexOf('\n#', start + heading.length);
  return SPEC.slice(start, end < 0 ? undefined : end);
}

function examples(heading: string): unknown[] {
  return [...section(heading).matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
}

const typesOf = (messages: unknown[]) => [...new Set(messages.map((m) => (m as { type: string }).type))].sort();

test('PROTOCOL.md §4 has an example of every message, and each one is valid', () => {
  const fromClient = examples('### 4.1');
  const fromServer = examples('### 4.2');
  assert.equal(typesOf(fromClient), typesOf(validClient.map(([, m]) => m)));
  assert.equal(typesOf(fromServer), typesOf(validServer.map(([, m]) => m)));
  for (const m of fromClient) assert.equal(parseClientMessage(m), m);
  for (const m of fromServer) assert.equal(parseServerMessage(m), m);
});

// PROTOCOL.md §8 against errors.ts: error-table.test.ts.

test.run();
