// The Chats tab's controller: chat windows per client (several at once), unread counts,
// the 🔴 on the tab, history, sending, and sessions that leave.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChatsController } from '../../../resources/ui/src/controllers/chats-controller';
import { unreadFor } from '../../../resources/ui/src/logic/unread';
import { FakeNetcore, settle } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { chat, session } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

async function setup() {
  const api = new FakeNetcore()
    .handle('server.sessions', () => [session({ id: 'a', name: 'ana', unread: 2 }), session({ id: 'b', name: 'bob' }), session({ id: 'w', kind: 'web' })])
    .handle('chat.history', ({ sessionId }) => (sessionId === 'a' ? [chat({ id: 1, sessionId: 'a', text: 'earlier' })] : []))
    .handle('chat.markRead', () => ({ unread: 0, totalUnread: 0 }))
    .handle('chat.send', ({ sessionId, text }) => chat({ id: 100, sessionId, from: 'server', text }));
  const shell = new FakeShell();
  const c = new ChatsController(api, shell);
  await c.start();
  return { api, shell, c };
}

test('desktop clients are listed with the engine’s unread counts; the marker is on', async () => {
  const { c } = await setup();
  assert.equal(
    c.state.clients.map((s) => s.id),
    ['a', 'b'],
    'web pages have no chat',
  );
  assert.is(unreadFor(c.state.unread, 'a'), 2);
  assert.ok(c.state.marker);
});

test('a message for a closed chat counts, lights the marker and notifies', async () => {
  const { api, shell, c } = await setup();
  api.emit('chat.message', { ...chat({ id: 5, sessionId: 'b', text: 'hello admin' }), unread: 1, totalUnread: 3 });
  assert.is(unreadFor(c.state.unread, 'b'), 1);
  assert.ok(c.state.marker);
  assert.equal(shell.notifications.at(-1), { title: 'Message from \u2068bob\u2069', body: 'hello admin' }, 'the name isolated from the sentence');
});

test('opening a chat loads its history, reads it, and the marker goes out when no closed chat waits', async () => {
  const { api, c } = await setup();
  await c.openChat('a');
  assert.equal(c.state.openIds, ['a']);
  assert.equal(
    c.state.messages.get('a')!.map((m) => m.text),
    ['earlier'],
  );
  assert.equal(api.sent('chat.markRead'), [{ sessionId: 'a' }]);
  assert.is(unreadFor(c.state.unread, 'a'), 0);
  assert.not.ok(c.state.marker);
});

test('several windows can be open; messages to open ones are read at once', async () => {
  const { api, shell, c } = await setup();
  await c.openChat('a');
  await c.openChat('b');
  assert.equal(c.state.openIds, ['a', 'b']);
  const notes = shell.notifications.length;
  api.emit('chat.message', { ...chat({ id: 6, sessionId: 'b', text: 'ping' }), unread: 1, totalUnread: 1 });
  await settle();
  assert.is(unreadFor(c.state.unread, 'b'), 0);
  assert.not.ok(c.state.marker);
  assert.is(api.sent('chat.markRead').filter((p) => p.sessionId === 'b').length, 2);
  assert.is(shell.notifications.length, notes, 'no notification for an open chat');
  assert.equal(
    c.state.messages.get('b')!.map((m) => m.text),
    ['ping'],
  );
  c.closeChat('b');
  api.emit('chat.message', { ...chat({ id: 7, sessionId: 'b', text: 'pong?' }), unread: 1, totalUnread: 1 });
  assert.ok(c.state.marker, 'closed again: the marker comes back');
  api.emit('session.changed', session({ id: 'a', name: 'ana', unread: 4 }));
  assert.is(unreadFor(c.state.unread, 'a'), 0, 'the open chat with a stays read');
});

test('sending appends the engine’s message once, even if it also arrives otherwise', async () => {
  const { api, c } = await setup();
  await c.openChat('b');
  assert.ok(await c.send('b', '  Hello bob  '));
  assert.equal(api.sent('chat.send'), [{ sessionId: 'b', text: 'Hello bob' }]);
  assert.not.ok(await c.send('b', '   '));
  assert.equal(
    c.state.messages.get('b')!.map((m) => m.id),
    [100],
  );
  api.fail('chat.send', 'CHAT_CLOSED', 'bob has no chat open');
  assert.not.ok(await c.send('b', 'again'));
  assert.match(plain(c.state.error!), /Chat is not connected/);
});

test('a client that leaves takes its window, messages and count with it', async () => {
  const { api, c } = await setup();
  await c.openChat('b');
  c.select('b');
  api.emit('session.removed', { id: 'b', reason: 'left' });
  assert.equal(
    c.state.clients.map((s) => s.id),
    ['a'],
  );
  assert.equal(c.state.openIds, []);
  assert.is(c.state.selectedId, null);
  assert.not.ok(c.state.messages.has('b'));
  api.emit('session.removed', { id: 'a', reason: 'left' });
  assert.not.ok(c.state.marker);
});

test.run();
