// The Client screen's messages from the server: the chat with its 🔴, and the warnings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connected } from '../support/client-screen';
import { chat, clientState } from '../support/samples';

test('a warning from the server is shown prominently and notified; it can be dismissed', async () => {
  const { api, shell, c } = await connected();
  api.emit('client.warning', { text: 'Stop downloading movies', time: '2024-05-01T10:00:00.000Z' });
  assert.equal(
    c.chat.state.warnings.map((w) => w.text),
    ['Stop downloading movies'],
  );
  assert.ok(shell.notifications.some((n) => n.body === 'Stop downloading movies'));
  c.chat.dismissWarning(0);
  assert.is(c.chat.state.warnings.length, 0);
});

test('chat: the screen keeps the conversation and counts what came while the window was closed', async () => {
  const { api, shell, c } = await connected();
  api.handle('client.chat.send', (p) => chat({ id: -1, from: 'client', text: p.text }));
  api.emit('client.chat', chat({ id: 7, from: 'server', text: 'hi there' }));
  api.emit('client.chat', chat({ id: 8, from: 'server', text: 'anyone?' }));
  assert.is(c.chat.state.unread, 2, '🔴 with two new messages');
  assert.equal(
    shell.notifications.filter((n) => /Message from the server/.test(n.title)).map((n) => n.body),
    ['hi there', 'anyone?'],
  );
  c.chat.openChat();
  assert.is(c.chat.state.unread, 0, 'opening the window reads them');
  assert.is(api.requests.filter((r) => r.command.startsWith('client.chat')).length, 0, 'reading asks nothing of the engine');
  api.emit('client.chat', chat({ id: 9, from: 'server', text: 'still there?' }));
  assert.is(c.chat.state.unread, 0, 'an open window reads new messages');
  assert.ok(await c.chat.sendChat('  yes  '));
  assert.equal(
    c.chat.state.chat.map((m) => m.text),
    ['hi there', 'anyone?', 'still there?', 'yes'],
  );
  c.chat.closeChat();
  api.emit('client.chat', chat({ id: 10, from: 'server', text: 'ok' }));
  assert.is(c.chat.state.unread, 1);
  api.handle('client.disconnect', () => clientState({ phase: 'disconnected' }));
  await c.connection.disconnect();
  assert.is(c.chat.state.chat.length, 5, 'the conversation can still be read after Disconnect');
  await c.connection.connect();
  assert.equal([c.chat.state.chat.length, c.chat.state.unread], [0, 0], 'a new connection starts a new conversation');
});

test.run();
