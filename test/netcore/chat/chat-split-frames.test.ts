// Chat frames cut anywhere: a MSG_C2S frame whose text is multi-byte UTF-8 (Persian and
// emoji, 2- and 4-byte sequences) is written in two pieces for EVERY split point, each piece
// sent on its own (no Nagle, a pause between), and the operator gets the exact text every
// time. Also one byte per write, and several frames in one write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeControl } from '../../../extensions/netcore/src/protocol/frames';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { RawConnection } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay } from '../../support/wait';

const TEXT = 'سلام 👋🏽 دنیا!\n✅ 🇮🇷 ok';

let base = '';
let server: CoreDriver;
let main: RawConnection | undefined;
let chat: RawConnection | undefined;
let sessionId = '';

test.before(async () => {
  base = await makeTempDir('chat-split');
  await mkdir(join(base, 'share'));
  await writeFile(join(base, 'share', 'file.txt'), 'shared');
  server = await CoreDriver.create('server');
  const status = await server.startServer(join(base, 'share'));
  // A logged-in session on a no-password server: WELCOME carries the chat token.
  const hello = await RawConnection.hello(status.mainPort!);
  main = hello.raw;
  assert.is(hello.welcome.type, 'WELCOME');
  sessionId = hello.welcome.sessionId as string;
  chat = await RawConnection.open(status.chatPort!);
  chat.socket.setNoDelay(true);
  chat.send({ type: 'CHAT_HELLO', token: hello.welcome.token });
  assert.equal(await chat.next(5_000), { type: 'CHAT_OK', sessionId });
});

test.after(async () => {
  chat?.destroy();
  main?.destroy();
  await closeAll(server);
  await removeDir(base);
});

/** Writes `bytes` and resolves once the socket has handed them on. */
function write(raw: RawConnection, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => raw.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
}

test('a MSG_C2S frame split at every byte boundary arrives intact each time', async () => {
  const frame = encodeControl({ type: 'MSG_C2S', text: TEXT });
  // The text really has multi-byte sequences to cut through.
  assert.ok(Buffer.byteLength(TEXT) > TEXT.length + 10);
  for (let k = 1; k < frame.length; k++) {
    const mark = server.mark();
    await write(chat!, frame.subarray(0, k));
    // A gap, so the two pieces reach the server as two reads rather than one.
    await delay(2);
    await write(chat!, frame.subarray(k));
    const message = await server.waitFor('chat.message', () => true, { since: mark, timeoutMs: 5_000 });
    assert.is(message.text, TEXT, `split at byte ${k} of ${frame.length}`);
    assert.is(message.sessionId, sessionId);
    assert.is(message.from, 'client');
  }
  assert.not.ok(chat!.closed);
  const history = await server.handle('chat.history', { sessionId });
  assert.is(history.length, frame.length - 1);
  assert.ok(history.every((m) => m.text === TEXT));
});

test('one byte per write, then three frames in one write', async () => {
  await server.handle('chat.markRead', { sessionId });
  let mark = server.mark();
  const frame = encodeControl({ type: 'MSG_C2S', text: `byte by byte: ${TEXT}` });
  for (const byte of frame) {
    await write(chat!, Buffer.of(byte));
    await new Promise((r) => setImmediate(r));
  }
  const one = await server.waitFor('chat.message', () => true, { since: mark, timeoutMs: 5_000 });
  assert.is(one.text, `byte by byte: ${TEXT}`);
  assert.is(one.unread, 1);

  mark = server.mark();
  const texts = ['یک', 'two 👍', 'سه\nthree'];
  await write(chat!, Buffer.concat(texts.map((text) => encodeControl({ type: 'MSG_C2S', text }))));
  await server.waitFor('chat.message', (m) => m.text === texts[2], { since: mark, timeoutMs: 5_000 });
  const got = server.payloads('chat.message', mark);
  assert.equal(
    got.map((m) => m.text),
    texts,
  );
  assert.equal(
    got.map((m) => m.unread),
    [2, 3, 4],
  );
});

test.run();
