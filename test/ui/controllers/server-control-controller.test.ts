// The Control Panel's controller: share choice through native dialogs, settings checks,
// the password confirmation, Start/Stop/Pause/Resume and remembered settings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServerControlController, stoppedStatus } from '../../../resources/ui/src/controllers/server-control-controller';
import { SettingsStore } from '../../../resources/ui/src/controllers/settings-store';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { FakeNetcore, settle } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { serverStatus } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

async function setup(stored?: object) {
  const api = new FakeNetcore().handle('server.status', () => stoppedStatus);
  const shell = new FakeShell();
  if (stored) shell.storage.set(SETTINGS_STORAGE_KEY, JSON.stringify(stored));
  const c = new ServerControlController(api, shell, await SettingsStore.load(shell));
  await c.start();
  return { api, shell, c };
}

test('the remembered share, mode, port and max clients are filled in', async () => {
  const { c } = await setup({ shareMode: 'file', sharePath: '/srv/a.iso', port: 6000, maxClients: 4 });
  assert.is(c.state.shareMode, 'file');
  assert.is(c.state.sharePath, '/srv/a.iso');
  assert.is(c.state.port, '6000');
  assert.is(c.state.maxClients, '4');
});

test('Browse… opens the folder or the file dialog by mode; cancel changes nothing', async () => {
  const { shell, c } = await setup();
  shell.folderAnswers.push('/home/ana/Shared');
  await c.browse();
  assert.is(c.state.sharePath, '/home/ana/Shared');
  c.setShareMode('file');
  assert.is(c.state.sharePath, '', 'a folder is no file: choose again');
  shell.fileAnswers.push(null);
  await c.browse();
  assert.is(c.state.sharePath, '');
  assert.equal(
    shell.dialogs.map((d) => d.kind),
    ['folder', 'file'],
  );
});

test('Start checks what it can first', async () => {
  const { api, c } = await setup();
  await c.startServer();
  assert.match(plain(c.state.error!), /folder to share/);
  c.setSharePath('/s');
  c.setPort('70000');
  await c.startServer();
  assert.match(plain(c.state.error!), /port/);
  c.setPort('5000');
  c.setMaxClients('0');
  await c.startServer();
  assert.match(plain(c.state.error!), /Max Clients/);
  c.setMaxClients('3');
  c.setRequirePassword(true);
  await c.startServer();
  assert.match(plain(c.state.error!), /Confirm Password/);
  assert.is(api.sent('server.start').length, 0);
});

test('Confirm Password needs two equal passwords, and any edit un-confirms', async () => {
  const { c } = await setup();
  c.setRequirePassword(true);
  assert.not.ok(c.confirmPassword());
  c.setPassword('s3cret');
  c.setConfirm('s3cre');
  assert.not.ok(c.confirmPassword());
  assert.match(plain(c.state.error!), /not the same/);
  c.setConfirm('s3cret');
  assert.ok(c.confirmPassword());
  assert.ok(c.state.passwordConfirmed);
  c.setPassword('s3cret!');
  assert.not.ok(c.state.passwordConfirmed);
});

test('Start sends the settings with the password, forgets the password, and remembers the rest', async () => {
  const { api, shell, c } = await setup();
  api.handle('server.start', () => serverStatus({ passwordRequired: true }));
  c.setSharePath('/home/ana/Shared');
  c.setPort('5050');
  c.setMaxClients('5');
  c.setRequirePassword(true);
  c.setPassword('pw');
  c.setConfirm('pw');
  c.confirmPassword();
  await c.startServer();
  assert.equal(api.sent('server.start'), [{ sharePath: '/home/ana/Shared', port: 5050, maxClients: 5, password: 'pw' }]);
  assert.is(c.state.status.state, 'running');
  assert.is(c.state.password, '');
  assert.is(c.state.confirm, '');
  await settle();
  const stored = shell.storage.get(SETTINGS_STORAGE_KEY)!;
  assert.not.ok(stored.includes('pw"'), 'the password is not stored');
  assert.equal(JSON.parse(stored).port, 5050);
  assert.equal(JSON.parse(stored).maxClients, 5);
});

test('Start failures show the engine’s reason; Pause, Resume and Stop follow the status', async () => {
  const { api, c } = await setup();
  c.setSharePath('/s');
  api.fail('server.start', 'PORT_IN_USE', 'port 5000 is in use');
  await c.startServer();
  assert.match(plain(c.state.error!), /port is in use/);
  assert.not.ok(c.state.busy);
  api.handle('server.start', () => serverStatus());
  api.handle('server.pause', () => serverStatus({ state: 'paused' }));
  api.handle('server.resume', () => serverStatus());
  api.handle('server.stop', () => stoppedStatus);
  await c.startServer();
  await c.pause();
  assert.is(c.state.status.state, 'paused');
  await c.resume();
  assert.is(c.state.status.state, 'running');
  api.emit('server.status', serverStatus({ sessions: 3 }));
  assert.is(c.state.status.sessions, 3, 'status events update the panel');
  await c.stopServer();
  assert.is(c.state.status.state, 'stopped');
});

test.run();
