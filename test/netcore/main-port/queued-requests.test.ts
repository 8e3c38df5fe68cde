// A server that says `queue: 1` in WELCOME takes one DOWNLOAD_FILES sent while a download
// runs and starts it as soon as the running one has sent its DOWNLOAD_DONE (PROTOCOL.md §4):
// the answers come in request order, a CANCEL ends both, and the session goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { rawServerSuite } from '../../support/raw-server-suite';

const FIRST = ['a/1.bin', 'a/2.bin', 'a/3.bin'];
const SECOND = ['b/1.bin', 'b/2.bin'];
const { server, raws } = rawServerSuite(test, 'queued-requests', {
  ...Object.fromEntries([...FIRST, ...SECOND].map((path) => [path, 200_000])),
  'big.bin': 4 << 20,
});

const ask = (paths: string[]) => ({ type: 'DOWNLOAD_FILES', files: paths.map((path) => ({ path, offset: 0 })) });
const begun = (replies: RawMessage[]) => replies.filter((m) => m.type === 'FILE_BEGIN').map((m) => m.path);

test('WELCOME says the server holds one request waiting', async () => {
  const { raw, welcome } = await RawConnection.hello(server().port);
  raws.push(raw);
  assert.is(welcome.type, 'WELCOME');
  assert.is(welcome.queue, 1);
});

test('a request sent while another runs is answered after it, in order, and then the session takes more', async () => {
  const raw = await RawConnection.welcomed(server().port, raws);
  raw.send(ask(FIRST));
  raw.send(ask(SECOND));
  const first = await raw.until('DOWNLOAD_DONE');
  assert.equal(begun(first), FIRST);
  assert.equal(first.at(-1), { type: 'DOWNLOAD_DONE', files: FIRST.length, bytes: FIRST.length * 200_000, cancelled: false });
  const second = await raw.until('DOWNLOAD_DONE');
  assert.equal(begun(second), SECOND);
  assert.equal(second.at(-1), { type: 'DOWNLOAD_DONE', files: SECOND.length, bytes: SECOND.length * 200_000, cancelled: false });
  // Once both are done, the next request runs as usual.
  raw.send(ask(['a/1.bin']));
  assert.equal(begun(await raw.until('DOWNLOAD_DONE')), ['a/1.bin']);
});

test('CANCEL while one request runs and one waits ends both, the waiting one with nothing sent', async () => {
  server().server.pause();
  try {
    const raw = await RawConnection.welcomed(server().port, raws);
    raw.send(ask(['big.bin', ...FIRST]));
    const begin = await raw.next();
    assert.is(begin.type, 'FILE_BEGIN', 'the first request began and waits at the pause gate');
    raw.send(ask(SECOND));
    raw.send({ type: 'CANCEL' });
    // The server reads in order: its PONG says the CANCEL was taken before the gate opens.
    raw.send({ type: 'PING', id: 7 });
    assert.equal(await raw.next(), { type: 'PONG', id: 7 });
    server().server.resume();
    const first = await raw.until('DOWNLOAD_DONE');
    assert.is(first.at(-1)?.cancelled, true, JSON.stringify(first.at(-1)));
    assert.equal(begun(first), [], 'nothing of the first request began after the CANCEL');
    const second = await raw.until('DOWNLOAD_DONE');
    assert.equal(second, [{ type: 'DOWNLOAD_DONE', files: 0, bytes: 0, cancelled: true }]);
    raw.send(ask(SECOND));
    assert.equal(begun(await raw.until('DOWNLOAD_DONE')), SECOND);
  } finally {
    server().server.resume();
  }
});

test('a third request while one runs and one waits is refused, and the session ends', async () => {
  server().server.pause();
  try {
    const raw = await RawConnection.welcomed(server().port, raws);
    raw.send(ask(['big.bin']));
    assert.is((await raw.next()).type, 'FILE_BEGIN');
    raw.send(ask(FIRST));
    raw.send(ask(SECOND));
    const replies = await raw.until('ERROR');
    assert.is(replies.at(-1)?.code, 'UNEXPECTED_MESSAGE');
    await raw.waitClosed();
  } finally {
    server().server.resume();
  }
});

test('a listing asked for while a download runs is still refused', async () => {
  const raw = await RawConnection.welcomed(server().port, raws);
  server().server.pause();
  try {
    raw.send(ask(['big.bin']));
    assert.is((await raw.next()).type, 'FILE_BEGIN');
    raw.send({ type: 'LIST_FILES' });
    const replies = await raw.until('ERROR');
    assert.is(replies.at(-1)?.code, 'UNEXPECTED_MESSAGE');
  } finally {
    server().server.resume();
  }
});

test.run();
