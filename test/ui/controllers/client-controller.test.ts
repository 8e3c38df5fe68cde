// The Client screen put together: one banner for every part, the status line over all of them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connected, setup } from '../support/client-screen';
import { clientState } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

test('one banner for the whole screen: an error from one part is cleared by the next action of another', async () => {
  const { api, c } = await connected();
  api.fail('client.chat.send', 'CHAT_CLOSED', 'the chat is not connected');
  assert.not.ok(await c.chat.sendChat('hello'));
  assert.ok(c.outcome.state.error);
  c.destination.setSubfolderDraft('from-ana');
  assert.ok(c.destination.createSubfolder());
  assert.is(c.outcome.state.error, null);
  assert.match(plain(c.outcome.state.notice!), /from-ana/);
});

test('the status line follows the connection, and says how the last download went until the next', async () => {
  const { api, c } = await setup();
  assert.match(plain(c.statusLine()), /Not connected/);
  c.connection.setHost('10.0.0.2');
  api.emit('client.state', clientState({ phase: 'connecting', server: null }));
  assert.match(plain(c.statusLine()), /Connecting to 10\.0\.0\.2/, 'the typed server until the engine names it');
  api.emit('client.state', clientState({ phase: 'awaiting-password' }));
  assert.match(plain(c.statusLine()), /192\.168\.1\.20:5000 requires a password/);
  api.emit('client.state', clientState({ phase: 'disconnected', canRetry: true }));
  assert.match(plain(c.statusLine()), /connection was lost during the download/);
  api.emit('client.state', clientState({ phase: 'disconnected' }));
  assert.match(plain(c.statusLine()), /^Disconnected\.$/);
});

test.run();
