// Two-way chat through the contract: the client's chat opens by itself after login; its
// messages reach the server with unread counts, the server's reach the client; reading
// clears the counts; history keeps order and times; any text survives (Persian, emoji,
// line breaks); chat keeps working while that client downloads; bad texts are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import type { ChatMessage } from '../../../extensions/netcore/src/contract';
import { closeAll, CoreDriver, maxInWindow } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { sha256File } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { connectClient } from '../../support/test-client';
import { delay, rejection, within } from '../../support/wait';

const MIB = 1 << 20;
const BIG = 256 * MIB;

let base = '';
let share = '';
let bigSha = '';

test.before(async () => {
  base = await makeTempDir('core-chat');
  share = join(base, 'share');
  bigSha = await writeZeroFile(join(share, 'big.bin'), BIG);
});

test.after(async () => {
  await removeDir(base);
});

function isIsoTime(value: string): boolean {
  return !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

async function pair(label: string): Promise<{ server: CoreDriver; client: CoreDriver; sessionId: string }> {
  const server = await CoreDriver.create(`${label}-server`);
  const client = await CoreDriver.create(`${label}-client`);
  try {
    const { mainPort } = await server.startServer(share);
    await client.connect(mainPort!, { displayName: label, chat: true });
    const session = await server.session(label, (s) => s.chatReady);
    return { server, client, sessionId: session.id };
  } catch (err) {
    await closeAll(client, server);
    throw err;
  }
}

test('messages both ways with unread counts, read markers and an ordered history', async () => {
  const { server, client, sessionId } = await pair('chatty');
  try {
    // Chat opened by itself after the login, on both sides.
    assert.ok(client.payloads('client.state').some((s) => s.chatReady && s.phase === 'connected'));
    assert.ok((await server.session('chatty')).chatReady);
    await server.waitFor('session.changed', (s) => s.id === sessionId && s.chatReady);

    let mark = server.mark();
    const sent = await client.handle('client.chat.send', { text: 'first' });
    assert.is(sent.from, 'client');
    assert.is(sent.text, 'first');
    const one = await server.waitFor('chat.message', () => true, { since: mark });
    assert.is(one.sessionId, sessionId);
    assert.is(one.from, 'client');
    assert.is(one.text, 'first');
    assert.is(one.unread, 1);
    assert.is(one.totalUnread, 1);
    assert.ok(isIsoTime(one.time));

    const sentTwo = await client.handle('client.chat.send', { text: 'second' });
    assert.equal([sent.id, sentTwo.id], [-1, -2], "the client numbers its own messages below zero, apart from the server's");
    const two = await server.waitFor('chat.message', (m) => m.text === 'second', { since: mark });
    assert.is(two.unread, 2);
    assert.is(two.totalUnread, 2);
    assert.ok(two.id > one.id);
    await server.waitFor('session.changed', (s) => s.id === sessionId && s.unread === 2, { since: mark, timeoutMs: 2_000 });
    assert.is((await server.session('chatty')).unread, 2);

    mark = server.mark();
    assert.equal(await server.handle('chat.markRead', { sessionId }), { unread: 0, totalUnread: 0 });
    await server.waitFor('session.changed', (s) => s.id === sessionId && s.unread === 0, { since: mark, timeoutMs: 2_000 });
    assert.is((await server.session('chatty')).unread, 0);

    const clientMark = client.mark();
    const reply: ChatMessage = await server.handle('chat.send', { sessionId, text: 'reply' });
    assert.is(reply.from, 'server');
    assert.is(reply.sessionId, sessionId);
    assert.ok(reply.id > two.id);
    const got = await client.waitFor('client.chat', () => true, { since: clientMark });
    assert.equal(got, reply, 'the message as the server sent it: the interface counts what is unread');
    // The operator's own message is not unread on the server.
    assert.is((await server.session('chatty')).unread, 0);

    await server.handle('chat.send', { sessionId, text: 'reply two' });
    const second = await client.waitFor('client.chat', (m) => m.text === 'reply two', { since: clientMark });
    assert.ok(second.id > reply.id);

    const history = await server.handle('chat.history', { sessionId });
    assert.equal(
      history.map((m) => [m.from, m.text]),
      [
        ['client', 'first'],
        ['client', 'second'],
        ['server', 'reply'],
        ['server', 'reply two'],
      ],
    );
    for (let i = 0; i < history.length; i++) {
      assert.ok(isIsoTime(history[i]!.time));
      assert.is(history[i]!.sessionId, sessionId);
      if (i > 0) {
        assert.ok(history[i]!.id > history[i - 1]!.id, 'ids grow');
        assert.ok(Date.parse(history[i]!.time) >= Date.parse(history[i - 1]!.time), 'times never go back');
      }
    }
    assert.equal(history[2], reply);
  } finally {
    await closeAll(client, server);
  }
});

const TEXTS: readonly (readonly [sent: string, arrives: string])[] = [
  ['سلام! فایل‌های جدید کجاست؟', 'سلام! فایل‌های جدید کجاست؟'],
  ['emoji 👩‍👩‍👧‍👦 🇮🇷 👍🏽 and a lone é', 'emoji 👩‍👩‍👧‍👦 🇮🇷 👍🏽 and a lone é'],
  ['line one\nline two\n\n\ttabbed «quoted» \\ "json"', 'line one\nline two\n\n\ttabbed «quoted» \\ "json"'],
  ['۱۲۳ mixed עברית and العربية\u200f with marks', '۱۲۳ mixed עברית and العربية\u200f with marks'],
  ['windows\r\nline ends\rand old Mac ones', 'windows\nline ends\nand old Mac ones'],
  ['  leading and trailing spaces  ', '  leading and trailing spaces  '],
  ['س'.repeat(4000), 'س'.repeat(4000)],
  ['😀'.repeat(2000), '😀'.repeat(2000)],
];

test('Persian, emoji, line breaks and the longest texts arrive intact both ways', async () => {
  const { server, client, sessionId } = await pair('unicode');
  try {
    const expected: [string, string][] = [];
    for (const [sent, arrives] of TEXTS) {
      const serverMark = server.mark();
      await client.handle('client.chat.send', { text: sent });
      const up = await server.waitFor('chat.message', () => true, { since: serverMark });
      assert.is(up.text, arrives, `client to server: ${JSON.stringify(sent.slice(0, 40))}`);
      const clientMark = client.mark();
      const back = await server.handle('chat.send', { sessionId, text: sent });
      assert.is(back.text, arrives);
      const down = await client.waitFor('client.chat', () => true, { since: clientMark });
      assert.is(down.text, arrives, `server to client: ${JSON.stringify(sent.slice(0, 40))}`);
      expected.push(['client', arrives], ['server', arrives]);
    }
    assert.equal(
      (await server.handle('chat.history', { sessionId })).map((m) => [m.from, m.text]),
      expected,
    );
    const log = await server.handle('logs.query', { categories: ['Chat'], text: 'فایل‌های جدید' });
    assert.ok(log.length >= 2, 'both directions are in the Chat log');
  } finally {
    await closeAll(client, server);
  }
});

test('chat works while that client downloads 256 MiB, and chat traffic keeps session.changed coalesced', async () => {
  const { server, client, sessionId } = await pair('busy');
  try {
    const destination = join(base, 'into-busy');
    const serverMark = server.mark();
    let finishedAt = 0;
    const download = client.handle('client.download', { paths: ['big.bin'], destination }).finally(() => (finishedAt = Date.now()));
    download.catch(() => undefined);
    await server.waitFor('session.changed', (s) => s.id === sessionId && s.status === 'downloading', { since: serverMark });

    const started = Date.now();
    let mark = server.mark();
    await client.handle('client.chat.send', { text: 'در حین دانلود: still there? 📦' });
    const up = await server.waitFor('chat.message', () => true, { since: mark, timeoutMs: 5_000 });
    assert.is(up.text, 'در حین دانلود: still there? 📦');
    const clientMark = client.mark();
    await server.handle('chat.send', { sessionId, text: 'yes — بله ✅' });
    const down = await client.waitFor('client.chat', () => true, { since: clientMark, timeoutMs: 5_000 });
    assert.is(down.text, 'yes — بله ✅');
    const roundTrip = Date.now() - started;
    assert.ok(roundTrip < 5_000, `the round trip took ${roundTrip} ms`);
    assert.is(finishedAt, 0, 'the download ended before the chat round trip; nothing was proven');

    // A burst of messages during the transfer: the per-session event rate stays capped. The
    // transfer is held by Pause meanwhile, so that it outlasts the burst however fast it is.
    await server.handle('server.pause', {});
    await server.waitFor('session.held', (h) => h.id === sessionId, { since: serverMark });
    mark = server.mark();
    for (let i = 0; i < 12; i++) {
      await client.handle('client.chat.send', { text: `burst ${i}` });
      // Spread over about three coalescing intervals: the cap holds across intervals, not only inside one.
      await delay(60);
    }
    await server.waitFor('chat.message', (m) => m.text === 'burst 11', { since: mark, timeoutMs: 5_000 });
    const burstEnd = Date.now();
    await server.handle('server.resume', {});

    const summary = await within(download, 30_000, 'the download');
    assert.ok(summary.ok, JSON.stringify(summary.files));
    assert.is(await sha256File(join(destination, 'big.bin')), bigSha);
    assert.ok(finishedAt > burstEnd, 'the burst happened during the download');
    const changed = server.recorded('session.changed', serverMark).filter((r) => r.payload.id === sessionId);
    const perSecond = maxInWindow(
      changed.map((r) => r.at),
      1_000,
    );
    assert.ok(perSecond <= 6, `${perSecond} session.changed events for one session within one second (one per 250 ms allows 5)`);
  } finally {
    await closeAll(client, server);
  }
});

test('bad texts are refused on both sides, and chat to a client without chat is CHAT_CLOSED', async () => {
  const { server, client, sessionId } = await pair('strict');
  const pinsDir = await makeTempDir('core-chat-pins');
  let plain: ServerConnection | undefined;
  try {
    const code = async (p: Promise<unknown>) => (await rejection(p)).code;
    assert.is(await code(server.handle('chat.send', { sessionId, text: '' })), 'BAD_ARGUMENT');
    assert.is(await code(server.handle('chat.send', { sessionId, text: ' \n ' })), 'BAD_MESSAGE');
    assert.is(await code(server.handle('chat.send', { sessionId, text: 'a'.repeat(4001) })), 'BAD_MESSAGE');
    assert.is(await code(server.handle('chat.send', { sessionId, text: '😀'.repeat(2001) })), 'BAD_MESSAGE');
    assert.is(await code(server.handle('chat.send', { sessionId, text: 'nul\u0000inside' })), 'BAD_MESSAGE');
    assert.is(await code(server.handle('chat.send', { sessionId: 'no-such-session', text: 'hello' })), 'NOT_FOUND');
    assert.is(await code(server.handle('chat.send', { sessionId, text: 42 as unknown as string })), 'BAD_ARGUMENT');

    assert.is(await code(client.handle('client.chat.send', { text: '' })), 'BAD_ARGUMENT');
    assert.is(await code(client.handle('client.chat.send', { text: 'b'.repeat(4001) })), 'BAD_MESSAGE');
    assert.is(await code(client.handle('client.chat.send', { text: '\t' })), 'BAD_MESSAGE');
    // Refused texts never left, and the chat is still open.
    const mark = server.mark();
    await client.handle('client.chat.send', { text: 'still open' });
    await server.waitFor('chat.message', (m) => m.text === 'still open', { since: mark });
    assert.equal(
      server.payloads('chat.message').map((m) => m.text),
      ['still open'],
    );
    assert.equal(
      (await server.handle('chat.history', { sessionId })).map((m) => m.text),
      ['still open'],
    );

    // A client that never opened its chat.
    plain = await connectClient((await server.handle('server.status', {})).mainPort!, { pinsDir });
    const noChat = await server.session('integration test');
    assert.is(noChat.chatReady, false);
    assert.is(await code(server.handle('chat.send', { sessionId: noChat.id, text: 'anyone?' })), 'CHAT_CLOSED');
    assert.equal(await server.handle('chat.history', { sessionId: noChat.id }), []);
  } finally {
    plain?.destroy();
    await closeAll(client, server);
    await removeDir(pinsDir);
  }
});

test('a session that ends takes its chat thread and its unread count with it', async () => {
  const { server, client, sessionId } = await pair('leaver');
  const other = await CoreDriver.create('stayer');
  try {
    await other.connect((await server.handle('server.status', {})).mainPort!, { displayName: 'stayer', chat: true });
    const stayer = await server.session('stayer', (s) => s.chatReady);
    let mark = server.mark();
    await client.handle('client.chat.send', { text: 'bye' });
    assert.is((await server.waitFor('chat.message', () => true, { since: mark })).totalUnread, 1);

    mark = server.mark();
    await client.handle('client.disconnect', {});
    await server.waitFor('session.removed', (r) => r.id === sessionId, { since: mark });
    assert.equal(await server.handle('chat.history', { sessionId }), []);
    await other.handle('client.chat.send', { text: 'hello' });
    const m = await server.waitFor('chat.message', (x) => x.text === 'hello', { since: mark });
    assert.is(m.sessionId, stayer.id);
    assert.is(m.unread, 1);
    assert.is(m.totalUnread, 1);
    assert.is(await server.handle('chat.markRead', { sessionId: stayer.id }).then((r) => r.totalUnread), 0);
    assert.is((await rejection(client.handle('client.chat.send', { text: 'gone' }))).code, 'CHAT_CLOSED');
  } finally {
    await closeAll(other, client, server);
  }
});

test.run();
