// The app frame's controller: screens and titles, the window size remembered, EXIT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLanguage } from '../../../resources/ui/src/app/language';
import { AppController } from '../../../resources/ui/src/controllers/app-controller';
import { catalog, t } from '../../../resources/ui/src/i18n/i18n';
import { SettingsStore } from '../../../resources/ui/src/controllers/settings-store';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { FakeNetcore } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { serverStatus } from '../support/samples';

async function setup(stored?: object) {
  const api = new FakeNetcore().handle('server.status', () => serverStatus({ state: 'stopped' }));
  const shell = new FakeShell();
  if (stored) shell.storage.set(SETTINGS_STORAGE_KEY, JSON.stringify(stored));
  const app = new AppController(api, shell, await SettingsStore.load(shell));
  await app.start();
  return { api, shell, app };
}

test('starts on the Launcher, restores the window size, and titles each screen', async () => {
  const { shell, app } = await setup({ windowWidth: 1400, windowHeight: 900 });
  assert.is(app.state.screen, 'launcher');
  assert.equal(shell.sizesSet, [{ width: 1400, height: 900 }]);
  app.show('server');
  app.show('client');
  app.show('launcher');
  assert.equal(shell.titles, ['Pro Secure Suite', 'Pro Secure Suite — Server', 'Pro Secure Suite — Client', 'Pro Secure Suite']);
});

test('English / فارسی: the catalog switches, the title follows and the choice is stored', async () => {
  const { shell, app } = await setup();
  assert.is(app.state.language, 'en');
  await app.setLanguage('fa');
  try {
    assert.is(app.state.language, 'fa');
    assert.is(catalog().dir, 'rtl');
    assert.is(t('launcher.server'), 'اجرای سرور');
    assert.is(shell.titles.at(-1), 'Pro Secure Suite');
    app.show('server');
    assert.is(shell.titles.at(-1), 'Pro Secure Suite — سرور');
    assert.is(JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!).language, 'fa');
  } finally {
    await app.setLanguage('en');
  }
  assert.is(JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!).language, 'en');
  assert.is(t('launcher.server'), 'Launch Server');
});

test('first run follows the system language; a stored choice wins over it', () => {
  assert.is(startLanguage(null, ['fa-IR', 'en-US']), 'fa');
  assert.is(startLanguage(null, ['de-DE', 'en-GB']), 'en');
  assert.is(startLanguage(null, ['de-DE']), 'en');
  assert.is(startLanguage(null, []), 'en');
  assert.is(startLanguage('en', ['fa-IR']), 'en');
  assert.is(startLanguage('fa', ['en-US']), 'fa');
});

test('no stored size, no resize', async () => {
  const { shell } = await setup();
  assert.equal(shell.sizesSet, []);
});

test('the launcher learns that the server runs', async () => {
  const { api, app } = await setup();
  api.emit('server.status', serverStatus({ state: 'running' }));
  assert.is(app.state.serverState, 'running');
});

test('EXIT remembers the window size, then exits once', async () => {
  const { shell, app } = await setup();
  shell.size = { width: 1111.4, height: 777 };
  await app.exit();
  await app.exit();
  assert.is(shell.exited, 1);
  const stored = JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!);
  assert.is(stored.windowWidth, 1111);
  assert.is(stored.windowHeight, 777);
});

test('closing the window remembers the size (the host then ends the app)', async () => {
  const { shell } = await setup();
  shell.size = { width: 1000, height: 700 };
  shell.closeHandler!();
  await new Promise((r) => setTimeout(r, 0));
  assert.is(JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!).windowWidth, 1000);
  assert.is(shell.exited, 0);
});

test.run();
