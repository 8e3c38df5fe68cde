// Remembered settings: defaults, what is kept, what is refused, and never a password.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultSettings, parseSettings, serializeSettings } from '../../../resources/ui/src/logic/settings';

test('nothing stored, or something unreadable, gives the defaults', () => {
  assert.equal(parseSettings(null), defaultSettings);
  assert.equal(parseSettings('{oops'), defaultSettings);
  assert.equal(parseSettings('"text"'), defaultSettings);
  assert.is(defaultSettings.port, 5000);
});

test('a round trip keeps every setting', () => {
  const s = {
    ...defaultSettings,
    shareMode: 'file' as const,
    sharePath: '/srv/a.iso',
    port: 6000,
    maxClients: 3,
    lastServer: '10.0.0.2',
    lastPort: 6000,
    downloadFolder: '/home/b/Downloads',
    windowWidth: 1400,
    windowHeight: 900,
    language: 'fa' as const,
  };
  assert.equal(parseSettings(serializeSettings(s)), s);
});

test('the language is English, Persian or not chosen yet (the system decides)', () => {
  assert.is(defaultSettings.language, null);
  assert.is(parseSettings(JSON.stringify({ language: 'fa' })).language, 'fa');
  assert.is(parseSettings(JSON.stringify({ language: 'en' })).language, 'en');
  assert.is(parseSettings(JSON.stringify({ language: 'de' })).language, null);
  assert.is(parseSettings(JSON.stringify({ language: 1 })).language, null);
});

test('out-of-range and wrongly typed values fall back one by one', () => {
  const s = parseSettings(
    JSON.stringify({ shareMode: 'disk', port: 70000, maxClients: 0, lastPort: '5000', windowWidth: 10, sharePath: 42, lastServer: 'nas.local' }),
  );
  assert.is(s.shareMode, 'directory');
  assert.is(s.port, 5000);
  assert.is(s.maxClients, 10);
  assert.is(s.lastPort, 5000);
  assert.is(s.windowWidth, null);
  assert.is(s.sharePath, '');
  assert.is(s.lastServer, 'nas.local');
});

test('a password never reaches storage, even if an object carrying one is saved', () => {
  const withSecret = { ...defaultSettings, password: 'hunter2' } as typeof defaultSettings & { password: string };
  const text = serializeSettings(withSecret);
  assert.not.ok(text.includes('hunter2'));
  assert.not.ok(text.includes('password'));
  assert.not.ok('password' in parseSettings(JSON.stringify({ password: 'hunter2' })));
});

test.run();
