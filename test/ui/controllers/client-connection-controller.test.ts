// The Client screen's connection against a fake engine: the remembered server, host:port paste,
// first-contact trust, the changed-certificate alarm, login, and the server ending the session.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { connected, listing, setup } from '../support/client-screen';
import { settle } from '../support/fake-netcore';
import { clientState } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

test('the last server and port are filled in, and a connect remembers them', async () => {
  const { api, shell, c } = await setup({ lastServer: '10.0.0.9', lastPort: 6000 });
  assert.is(c.connection.state.host, '10.0.0.9');
  assert.is(c.connection.state.port, '6000');
  api.handle('client.connect', () => clientState()).handle('client.list', () => listing);
  c.connection.setHost('192.168.1.20:7000');
  await c.connection.connect();
  assert.equal(api.sent('client.connect'), [{ host: '192.168.1.20', port: 7000 }], 'a pasted host:port fills the port');
  assert.is(c.connection.state.port, '7000');
  await settle();
  const saved = JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!);
  assert.is(saved.lastServer, '192.168.1.20');
  assert.is(saved.lastPort, 7000);
});

test('a bad address or port is refused before anything is asked of the engine', async () => {
  const { api, c } = await setup();
  c.connection.setHost('192.168.1.');
  await c.connection.connect();
  assert.is(api.requests.length, 0);
  assert.match(plain(c.outcome.state.error!), /IP address or name/);
  c.connection.setHost('192.168.1.20');
  c.connection.setPort('99999');
  await c.connection.connect();
  assert.is(api.requests.length, 0);
  assert.match(plain(c.outcome.state.error!), /port/);
});

test('first contact: the trust prompt shows while connect waits, and the answer goes to the engine', async () => {
  const { api, c } = await setup();
  let finish!: () => void;
  api.handle('client.connect', () => new Promise((resolve) => (finish = () => resolve(clientState({ phase: 'awaiting-password' })))));
  api.handle('client.trust', () => clientState({ phase: 'connecting' }));
  c.connection.setHost('10.0.0.2');
  const connecting = c.connection.connect();
  api.emit('client.state', clientState({ phase: 'awaiting-trust', fingerprint: 'AA:BB', shortFingerprint: 'AABB' }));
  assert.is(c.connection.phase, 'awaiting-trust');
  assert.is(c.connection.state.connection!.fingerprint, 'AA:BB');
  assert.match(plain(c.statusLine()), /compare the fingerprint/);
  await c.connection.trust(true);
  assert.equal(api.sent('client.trust'), [{ accept: true }]);
  finish();
  await connecting;
  assert.is(c.connection.phase, 'awaiting-password');
});

test('declining trust ends the connect with a calm message, not the alarm', async () => {
  const { api, c } = await setup();
  api.fail('client.connect', 'PIN_UNKNOWN', 'unknown server 10.0.0.2:5000');
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.is(c.connection.state.pinAlert, null);
  assert.match(plain(c.outcome.state.error!), /not trusted/);
});

test('a changed certificate (PIN_MISMATCH) raises the alarm with the engine’s details', async () => {
  const { api, c } = await setup();
  api.fail('client.connect', 'PIN_MISMATCH', 'WARNING: the certificate of 10.0.0.2:5000 has CHANGED. Nothing was sent.');
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.match(plain(c.connection.state.pinAlert!), /has CHANGED/);
  assert.is(c.outcome.state.error, null);
  c.connection.dismissPinAlert();
  assert.is(c.connection.state.pinAlert, null);
});

test('login: a wrong password says so and keeps the password box; the right one lists files', async () => {
  const { api, c } = await setup();
  api.handle('client.connect', () => clientState({ phase: 'awaiting-password' }));
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.is(c.connection.phase, 'awaiting-password');
  assert.not.ok(await c.connection.login(''), 'an empty password is not sent');
  assert.is(api.sent('client.login').length, 0);
  api.fail('client.login', 'AUTH_FAILED', 'wrong password');
  assert.not.ok(await c.connection.login('nope'));
  assert.match(plain(c.outcome.state.error!), /Wrong password/);
  api.handle('client.login', () => clientState()).handle('client.list', () => listing);
  assert.ok(await c.connection.login('right'));
  assert.ok(c.files.state.tree);
  assert.is(c.outcome.state.error, null);
});

test('the server ending the session is explained; dispose stops listening', async () => {
  const { api, c } = await connected();
  api.emit('client.disconnected', { code: 'DISCONNECTED', message: 'disconnected by the server administrator' });
  assert.match(plain(c.outcome.state.error!), /server ended the connection: disconnected by the server administrator/);
  c.dispose();
  assert.is(api.listenerCount(), 0);
});

test.run();
