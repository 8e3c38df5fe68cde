// The chat port as an attacker meets it (PROTOCOL.md §9): only the token of a logged-in
// main-port session opens it — not silence, not another message first, not a made-up
// token, not the token of a session that has ended, not anything before a password login.
// Refusals are ERROR with the documented code, then the connection closes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeControl, encodeData } from '../../../extensions/netcore/src/protocol/frames';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { hex } from '../../support/protocol-bytes';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer } from '../../support/test-server';
import { rejection } from '../../support/wait';

const PASSWORD = 'open sesame, but slowly';

let base = '';
let share = '';
let server: CoreDriver;
let mainPort = 0;
let chatPort = 0;
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('chat-security');
  share = join(base, 'share');
  await mkdir(share);
  await writeFile(join(share, 'file.txt'), 'shared');
  server = await CoreDriver.create('server');
  const status = await server.startServer(share);
  mainPort = status.mainPort!;
  chatPort = status.chatPort!;
  assert.ok(chatPort > 0 && chatPort !== mainPort);
});

test.after(async () => {
  for (const raw of raws) raw.destroy();
  await closeAll(server);
  await removeDir(base);
});

async function open(port: number): Promise<RawConnection> {
  const raw = await RawConnection.open(port);
  raws.push(raw);
  return raw;
}

/** A logged-in session on a no-password server: the raw main connection and its token. */
async function loggedIn(port = mainPort): Promise<{ main: RawConnection; token: string; sessionId: string }> {
  const { raw, welcome } = await RawConnection.hello(port);
  raws.push(raw);
  assert.is(welcome.type, 'WELCOME', JSON.stringify(welcome));
  assert.is(welcome.auth, 'none');
  assert.type(welcome.token, 'string');
  return { main: raw, token: welcome.token as string, sessionId: welcome.sessionId as string };
}

/** The connection's next message is ERROR `code`, and then it closes. */
async function refusedWith(raw: RawConnection, code: string): Promise<RawMessage> {
  const message = await raw.next(5_000);
  assert.is(message.type, 'ERROR', JSON.stringify(message));
  assert.is(message.code, code, JSON.stringify(message));
  assert.type(message.message, 'string');
  await raw.waitClosed(7_000);
  assert.equal(raw.drain(), [], 'nothing follows the ERROR');
  return message;
}

async function chatOk(token: string): Promise<RawConnection> {
  const chat = await open(chatPort);
  chat.send({ type: 'CHAT_HELLO', token });
  const ok = await chat.next(5_000);
  assert.is(ok.type, 'CHAT_OK', JSON.stringify(ok));
  return chat;
}

test('a message before CHAT_HELLO is AUTH_REQUIRED, and the connection closes', async () => {
  for (const first of [
    { type: 'MSG_C2S', text: 'let me in' },
    { type: 'PING', id: 1 },
  ]) {
    const mark = server.mark();
    const chat = await open(chatPort);
    chat.send(first);
    await refusedWith(chat, 'AUTH_REQUIRED');
    assert.equal(server.payloads('chat.message', mark), [], 'the text reached the operator');
  }
  const log = await server.handle('logs.query', { categories: ['Security'], text: 'chat connection refused' });
  assert.ok(log.length >= 2);
});

test('a made-up token is AUTH_FAILED; a malformed CHAT_HELLO is BAD_MESSAGE', async () => {
  await loggedIn(); // A real session exists, so the lookup has something to compare against.
  for (const token of [randomBytes(32).toString('base64url'), 'x', 'A'.repeat(256)]) {
    const chat = await open(chatPort);
    chat.send({ type: 'CHAT_HELLO', token });
    await refusedWith(chat, 'AUTH_FAILED');
  }
  for (const hello of [
    { type: 'CHAT_HELLO', token: '' },
    { type: 'CHAT_HELLO', token: 'A'.repeat(257) },
    { type: 'CHAT_HELLO' },
    { type: 'CHAT_HELLO', token: 12345 },
  ]) {
    const chat = await open(chatPort);
    chat.send(hello);
    await refusedWith(chat, 'BAD_MESSAGE');
  }
});

test('the token of a session that has ended is AUTH_FAILED, and its open chat was closed with it', async () => {
  const { main, token, sessionId } = await loggedIn();
  const earlier = await chatOk(token);
  const mark = server.mark();
  main.destroy();
  await server.waitFor('session.removed', (r) => r.id === sessionId, { since: mark });
  await earlier.waitClosed(7_000);

  const chat = await open(chatPort);
  chat.send({ type: 'CHAT_HELLO', token });
  await refusedWith(chat, 'AUTH_FAILED');
});

test('the token of a session the administrator disconnected is AUTH_FAILED', async () => {
  const { token, sessionId } = await loggedIn();
  const earlier = await chatOk(token);
  await server.handle('session.disconnect', { sessionId, reason: 'enough' });
  const bye = await earlier.next(5_000);
  assert.equal([bye.type, bye.code, bye.message], ['ERROR', 'DISCONNECTED', 'enough']);
  await earlier.waitClosed(7_000);
  const chat = await open(chatPort);
  chat.send({ type: 'CHAT_HELLO', token });
  await refusedWith(chat, 'AUTH_FAILED');
});

test('before a password login there is no token: guesses are refused; LOGIN_OK.token opens chat', async () => {
  const locked = await CoreDriver.create('password-server');
  try {
    const status = await locked.startServer(share, { password: PASSWORD });
    const { raw: main, welcome } = await RawConnection.hello(status.mainPort!);
    raws.push(main);
    assert.is(welcome.type, 'WELCOME');
    assert.is(welcome.auth, 'password');
    assert.is(welcome.token, undefined, 'WELCOME carried a token before the login');
    const sessionId = welcome.sessionId as string;
    for (const guess of [randomBytes(32).toString('base64url'), sessionId, 'undefined', 'null']) {
      const chat = await open(status.chatPort!);
      chat.send({ type: 'CHAT_HELLO', token: guess });
      await refusedWith(chat, 'AUTH_FAILED');
    }
    assert.is((await locked.session('raw test')).chatReady, false);

    main.send({ type: 'LOGIN', password: PASSWORD });
    const ok = await main.next(10_000);
    assert.is(ok.type, 'LOGIN_OK', JSON.stringify(ok));
    const chat = await open(status.chatPort!);
    chat.send({ type: 'CHAT_HELLO', token: ok.token });
    assert.equal(await chat.next(5_000), { type: 'CHAT_OK', sessionId });
    await locked.session('raw test', (s) => s.chatReady && s.status === 'idle');
  } finally {
    await closeAll(locked);
  }
});

test('a token works only on the chat port of the server that issued it', async () => {
  const other = await CoreDriver.create('other-server');
  try {
    const status = await other.startServer(share);
    const { token } = await loggedIn();
    const chat = await open(status.chatPort!);
    chat.send({ type: 'CHAT_HELLO', token });
    await refusedWith(chat, 'AUTH_FAILED');
  } finally {
    await closeAll(other);
  }
});

test('a DATA frame on the chat port is BAD_FRAME, before and after CHAT_HELLO; so are unknown and oversized frames', async () => {
  const before = await open(chatPort);
  before.sendBytes(encodeData(Buffer.from('not chat')));
  await refusedWith(before, 'BAD_FRAME');

  const { token } = await loggedIn();
  const after = await chatOk(token);
  after.sendBytes(encodeData(Buffer.from('still not chat')));
  await refusedWith(after, 'BAD_FRAME');

  const unknown = await open(chatPort);
  unknown.sendBytes(hex('07 00000002 7b7d'));
  await refusedWith(unknown, 'BAD_FRAME');

  // A header announcing 2 GiB: refused from the header alone.
  const huge = await open(chatPort);
  huge.sendBytes(hex('01 80000000'));
  await refusedWith(huge, 'BAD_FRAME');
});

test('after CHAT_HELLO: PING is answered, a second CHAT_HELLO is refused, a newer connection replaces the older', async () => {
  const { token, sessionId } = await loggedIn();
  const first = await chatOk(token);
  first.send({ type: 'PING', id: 7 });
  assert.equal(await first.next(5_000), { type: 'PONG', id: 7 });

  const second = await chatOk(token);
  const replaced = await first.next(5_000);
  assert.equal([replaced.type, replaced.code], ['ERROR', 'DISCONNECTED']);
  await first.waitClosed(7_000);

  // The newer one is the session's chat: the operator's messages go there.
  const sent = await server.handle('chat.send', { sessionId, text: 'to the newer one' });
  const got = await second.next(5_000);
  assert.equal(got, { type: 'MSG_S2C', id: sent.id, text: 'to the newer one', time: sent.time });
  await server.handle('session.warn', { sessionId, text: 'careful' });
  const warned = await second.next(5_000);
  assert.equal([warned.type, warned.text], ['WARN_S2C', 'careful']);

  second.send({ type: 'CHAT_HELLO', token });
  await refusedWith(second, 'UNEXPECTED_MESSAGE');
  const mark = server.mark();
  await server.waitFor('session.changed', (s) => s.id === sessionId && !s.chatReady, { since: mark, timeoutMs: 2_000 });
  assert.is((await rejection(server.handle('chat.send', { sessionId, text: 'anyone?' }))).code, 'CHAT_CLOSED');
});

test('a chat connection that stays silent is dropped after the hello timeout', async () => {
  const quick = await startTestServer({ sharePath: share, timeouts: { helloMs: 400 } });
  try {
    const chat = await RawConnection.open(quick.server.chatPort);
    raws.push(chat);
    const started = Date.now();
    const message = await refusedWith(chat, 'TIMEOUT');
    const waited = Date.now() - started;
    assert.ok(waited >= 300 && waited < 5_000, `dropped after ${waited} ms`);
    assert.match(String(message.message), /CHAT_HELLO/);
    // A client that is slow but not silent within the timeout is still served.
    const { raw: main, welcome } = await RawConnection.hello(quick.port);
    raws.push(main);
    const chat2 = await RawConnection.open(quick.server.chatPort);
    raws.push(chat2);
    chat2.send({ type: 'CHAT_HELLO', token: welcome.token });
    assert.is((await chat2.next(5_000)).type, 'CHAT_OK');
    // Time is the subject: past the 400 ms hello timer, which must not fire for it; the PING after is answered.
    await new Promise((r) => setTimeout(r, 700));
    assert.not.ok(chat2.closed, 'an authorized chat connection was dropped by the hello timeout');
    chat2.send({ type: 'PING', id: 1 });
    assert.equal(await chat2.next(5_000), { type: 'PONG', id: 1 });
  } finally {
    await quick.close();
  }
});

test('the raw frames the tests send are the real encoding', () => {
  // Guards the hex above against a change of the frame layout (PROTOCOL.md §2).
  assert.equal(encodeControl({}), hex('01 00000002 7b7d'));
  assert.equal(encodeData(Buffer.from('ab')), hex('02 00000002 6162'));
});

test.run();
