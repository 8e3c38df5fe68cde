// Hostile messages on the chat port are refused like the main port refuses them: with
// BAD_MESSAGE and a message of ours, never an exception's own text (the issue: a type
// field {"toString":1} and a 20,000-deep array were answered with a raw TypeError or
// RangeError).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';

let base = '';
let server: TestServer;

test.before(async () => {
  base = await makeTempDir('chat-bad-messages');
  await writeRandomFile(join(base, 'share', 'a.txt'), 10);
  server = await startTestServer({ sharePath: join(base, 'share') });
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

function frameOf(json: string): Buffer {
  const body = Buffer.from(json);
  const frame = Buffer.alloc(5 + body.length);
  frame[0] = 0x01;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

const EXCEPTION_TEXT = /TypeError|RangeError|Cannot convert|Maximum call stack|primitive/;

for (const [what, json, when] of [
  ['a type that is an object with toString', '{"type":{"toString":1}}', 'before'],
  ['a text that is an object with toString', '{"type":"MSG_C2S","text":{"toString":1}}', 'after'],
  ['a 2,000-deep array (as deep as 8 KiB allows before CHAT_HELLO)', '['.repeat(2000) + ']'.repeat(2000), 'before'],
  ['a 20,000-deep array', '['.repeat(20_000) + ']'.repeat(20_000), 'after'],
  ['a 10,000-deep object in the type', '{"type":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}', 'after'],
] as const) {
  test(`${what} ${when} CHAT_HELLO is BAD_MESSAGE, in our words`, async () => {
    const { raw, welcome } = await RawConnection.hello(server.port);
    const chat = await RawConnection.open(server.server.chatPort);
    try {
      if (when === 'after') {
        chat.send({ type: 'CHAT_HELLO', token: welcome.token });
        assert.is((await chat.next()).type, 'CHAT_OK');
      }
      chat.sendBytes(frameOf(json));
      const reply = await chat.next();
      assert.is(reply.type, 'ERROR');
      assert.is(reply.code, 'BAD_MESSAGE', JSON.stringify(reply));
      assert.not.match(String(reply.message), EXCEPTION_TEXT);
      await chat.waitClosed();
    } finally {
      chat.destroy();
      raw.destroy();
    }
  });
}

test('the chat port still serves a good client afterwards', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  const chat = await RawConnection.open(server.server.chatPort);
  try {
    chat.send({ type: 'CHAT_HELLO', token: welcome.token });
    assert.is((await chat.next()).type, 'CHAT_OK');
    chat.send({ type: 'PING', id: 3 });
    assert.equal(await chat.next(), { type: 'PONG', id: 3 });
  } finally {
    chat.destroy();
    raw.destroy();
  }
});

test('a chat connection that floods PINGs is ended after the first hundred, as on the main port', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  const chat = await RawConnection.open(server.server.chatPort);
  try {
    chat.send({ type: 'CHAT_HELLO', token: welcome.token });
    assert.is((await chat.next()).type, 'CHAT_OK');
    for (let i = 0; i < 150; i++) chat.send({ type: 'PING', id: i });
    const replies = await chat.until('ERROR', 10_000);
    assert.is(replies.filter((m) => m.type === 'PONG').length, 100);
    assert.is(replies.at(-1)!.code, 'UNEXPECTED_MESSAGE');
    assert.match(String(replies.at(-1)!.message), /more than 100 PINGs/);
    await chat.waitClosed();
    // Only the chat ended: the session's main connection is still there.
    raw.send({ type: 'PING', id: 1 });
    assert.is((await raw.next()).type, 'PONG');
  } finally {
    chat.destroy();
    raw.destroy();
  }
});

test.run();
