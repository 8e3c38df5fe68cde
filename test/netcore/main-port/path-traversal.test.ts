// Requests that try to leave the share, against a real server (PROTOCOL.md §5): every
// one is refused - a malformed path ends the session with ERROR BAD_PATH, a well-formed
// path that is not a shared file is FILE_ERROR NOT_FOUND - and no byte of anything outside
// the share, of a linked file, or of the server's own key is ever sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEscapeShare } from '../../support/escape-share';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { commandNeed, testIf } from '../../support/tools';

const fifoTest = testIf(test, commandNeed('mkfifo', { ciInstalls: false, why: 'mkfifo is not here, so the share holds no FIFO to refuse' }));

const SECRET = 'TOP-SECRET-7f3a9c-outside-the-share';
const SECRET_TOO = 'ALSO-SECRET-51be02-behind-a-link';

let base = '';
let share = '';
let server: TestServer;
let keyPem = '';
let hasFifo = false;
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('traversal');
  share = await makeEscapeShare(base, { beside: SECRET, behindLink: SECRET_TOO });
  try {
    execFileSync('mkfifo', [join(share, 'fifo')]);
    hasFifo = true;
  } catch {
    hasFifo = false;
  }
  // The server's data folder (certificate and private key) sits inside the share.
  const dataDir = join(share, '.pss-data');
  await mkdir(dataDir);
  server = await startTestServer({ sharePath: share, dataDir });
  keyPem = await readFile(join(dataDir, 'server.key'), 'utf8');
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

async function session(): Promise<RawConnection> {
  const raw = await RawConnection.welcomed(server.port, raws);
  return raw;
}

function assertNothingSecret(raw: RawConnection): void {
  const text = raw.allBytes.toString('latin1');
  assert.not.ok(text.includes(SECRET), 'the secret outside the share was sent');
  assert.not.ok(text.includes(SECRET_TOO), 'the secret behind a link was sent');
  assert.not.ok(text.includes('PRIVATE KEY'), 'the private key was sent');
  assert.not.ok(text.includes(keyPem.split('\n')[1]!), 'the private key was sent');
}

test('the listing holds only the plain files: no links, no FIFO, nothing of the data folder', async () => {
  const raw = await session();
  raw.send({ type: 'LIST_FILES' });
  const reply = await raw.next();
  assert.is(reply.type, 'FILE_LIST');
  assert.equal(
    (reply.entries as Array<{ path: string }>).map((e) => e.path),
    ['public.txt', 'sub/inner.txt'],
  );
  assertNothingSecret(raw);
});

const MALFORMED: ReadonlyArray<readonly [string, string]> = [
  ['../secret.txt', 'parent segment'],
  ['sub/../../secret.txt', 'parent segment after a folder'],
  ['..\\secret.txt', 'backslash parent'],
  ['sub\\..\\..\\secret.txt', 'backslash traversal'],
  ['a\u0000b', 'NUL byte'],
  ['/etc/passwd', 'absolute path'],
  ['C:/../../secret.txt', 'parent after a drive letter'],
  ['./public.txt', 'current-folder segment'],
  ['public.txt/', 'trailing slash'],
  ['', 'empty path'],
  ['a/'.repeat(2100) + 'b', 'path over 4096 bytes'],
];

for (const [path, why] of MALFORMED) {
  test(`DOWNLOAD_FILES for a ${why} is ERROR BAD_PATH and the session ends`, async () => {
    const raw = await session();
    raw.send({ type: 'DOWNLOAD_FILES', files: [{ path, offset: 0 }] });
    const reply = await raw.next();
    assert.is(reply.type, 'ERROR');
    assert.is(reply.code, 'BAD_PATH');
    await raw.waitClosed();
    assert.is(raw.dataBytes, 0);
    assertNothingSecret(raw);
  });
}

const NOT_SHARED: ReadonlyArray<readonly [string, string]> = [
  ['%2e%2e/secret.txt', 'percent-encoded parent (not decoded on this port)'],
  ['..%2fsecret.txt', 'percent-encoded slash'],
  ['link/secret.txt', 'file through a folder link that leads outside'],
  ['secret-link.txt', 'file link'],
  ['sub/up/public.txt', 'link back to the share root'],
  ['.pss-data/server.key', "server's private key (data folder inside the share)"],
  ['.pss-data/server.crt', "server's certificate file"],
  ['sub', 'folder'],
  ['PUBLIC.TXT', 'name in another case'],
  ['missing.txt', 'missing file'],
  // Names only Windows cannot store are ordinary names on the wire (§5): these are not in the share.
  ['CON', 'missing file with a device name'],
  ['nul.txt', 'missing file with a device name and an extension'],
  ['C:/Windows/win.ini', 'missing folder named like a drive'],
  ['c:secret.txt', 'missing drive-relative name'],
  ['public.txt:secret', 'missing name that Windows reads as a stream'],
];

for (const [path, why] of NOT_SHARED) {
  test(`DOWNLOAD_FILES for a ${why} is FILE_ERROR NOT_FOUND and the session goes on`, async () => {
    const raw = await session();
    raw.send({ type: 'DOWNLOAD_FILES', files: [{ path, offset: 0 }] });
    const replies = await raw.until('DOWNLOAD_DONE');
    assert.equal(
      replies.map((m: RawMessage) => [m.type, m.code]),
      [
        ['FILE_ERROR', 'NOT_FOUND'],
        ['DOWNLOAD_DONE', undefined],
      ],
    );
    assert.is(replies[0]!.path, path);
    assert.is(raw.dataBytes, 0);
    // Still usable: a ping is answered.
    raw.send({ type: 'PING', id: 7 });
    assert.equal(await raw.next(), { type: 'PONG', id: 7 });
    assertNothingSecret(raw);
  });
}

fifoTest('a FIFO in the share is neither opened nor sent', async () => {
  assert.ok(hasFifo, 'mkfifo made a FIFO in the share');
  const raw = await session();
  raw.send({ type: 'DOWNLOAD_FILES', files: [{ path: 'fifo', offset: 0 }] });
  const replies = await raw.until('DOWNLOAD_DONE');
  assert.equal(
    replies.map((m) => [m.type, m.code]),
    [
      ['FILE_ERROR', 'NOT_FOUND'],
      ['DOWNLOAD_DONE', undefined],
    ],
  );
});

test('refused names among good ones: the good files are sent, the others refused one by one', async () => {
  const raw = await session();
  raw.send({
    type: 'DOWNLOAD_FILES',
    files: [
      { path: 'link/secret.txt', offset: 0 },
      { path: 'public.txt', offset: 0 },
      { path: '.pss-data/server.key', offset: 0 },
      { path: 'sub/inner.txt', offset: 0 },
    ],
  });
  const replies = await raw.until('DOWNLOAD_DONE');
  assert.equal(
    replies.map((m) => `${m.type} ${m.path ?? ''}`.trim()),
    [
      'FILE_ERROR link/secret.txt',
      'FILE_BEGIN public.txt',
      'FILE_END public.txt',
      'FILE_ERROR .pss-data/server.key',
      'FILE_BEGIN sub/inner.txt',
      'FILE_END sub/inner.txt',
      'DOWNLOAD_DONE',
    ],
  );
  assert.is(raw.dataBytes, 64 + 32);
  assertNothingSecret(raw);
});

test('refused paths are logged as security events', () => {
  assert.ok(server.logs.some((e) => e.category === 'Security Alert' && /BAD_PATH/.test(e.message)));
});

test.run();
