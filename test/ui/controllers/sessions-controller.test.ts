// Client Management's controller: the live table from the list and session events,
// Disconnect Selected and Send Warning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionsController } from '../../../resources/ui/src/controllers/sessions-controller';
import { FakeNetcore } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { serverStatus, session } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

async function setup() {
  const api = new FakeNetcore().handle('server.sessions', () => [session({ id: 'b', connectedAt: '2024-05-01T10:05:00.000Z' }), session({ id: 'a' })]);
  const shell = new FakeShell();
  const c = new SessionsController(api, shell);
  await c.start();
  return { api, shell, c };
}

test('the table starts from the engine’s list, in connection order', async () => {
  const { c } = await setup();
  assert.equal(
    c.state.sessions.map((s) => s.id),
    ['a', 'b'],
  );
});

test('added, changed and removed events keep the table live', async () => {
  const { api, c } = await setup();
  api.emit('session.added', session({ id: 'w', kind: 'web', connectedAt: '2024-05-01T10:09:00.000Z' }));
  api.emit('session.changed', session({ id: 'a', status: 'downloading', currentFile: 'big.iso', progress: 40, bytesPerSecond: 1e6 }));
  assert.equal(
    c.state.sessions.map((s) => s.id),
    ['a', 'b', 'w'],
  );
  const a = c.state.sessions[0]!;
  assert.is(a.status, 'downloading');
  assert.is(a.currentFile, 'big.iso');
  assert.is(a.progress, 40);
  c.select('b');
  api.emit('session.removed', { id: 'b', reason: 'left' });
  assert.equal(
    c.state.sessions.map((s) => s.id),
    ['a', 'w'],
  );
  assert.is(c.state.selectedId, null, 'a selected session that leaves is unselected');
  api.emit('server.status', serverStatus({ state: 'stopped' }));
  assert.is(c.state.sessions.length, 0);
});

test('Disconnect Selected and Send Warning act on the selected session only', async () => {
  const { api, shell, c } = await setup();
  api.handle('session.disconnect', () => undefined).handle('session.warn', () => undefined);
  await c.disconnectSelected();
  await c.sendWarning('hey');
  assert.is(api.requests.filter((r) => r.command !== 'server.sessions').length, 0, 'nothing selected, nothing sent');
  c.select('a');
  await c.sendWarning('   ');
  assert.is(api.sent('session.warn').length, 0, 'an empty warning is not sent');
  await c.sendWarning(' Please stop ');
  assert.equal(api.sent('session.warn'), [{ sessionId: 'a', text: 'Please stop' }]);
  assert.match(plain(c.state.notice!), /warning was sent to laptop-ana/);
  assert.is(shell.notifications.length, 1);
  await c.disconnectSelected();
  assert.is(api.sent('session.disconnect')[0]!.sessionId, 'a');
});

test('a failed action shows the engine’s reason', async () => {
  const { api, c } = await setup();
  api.fail('session.warn', 'NOT_FOUND', 'no connected client with session id a');
  c.select('a');
  await c.sendWarning('x');
  assert.match(plain(c.state.error!), /Not found: no connected client/);
  assert.not.ok(c.state.busy);
});

test.run();
