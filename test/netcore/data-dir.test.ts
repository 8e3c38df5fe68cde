import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDataDir, resolveDataDir, writeFileAtomic } from '../../extensions/netcore/src/data-dir';
import { PssError } from '../../extensions/netcore/src/errors';

let root = '';

test.before.each(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pss-data-dir-'));
});

test.after.each(async () => {
  await rm(root, { recursive: true, force: true });
});

const posixHome = '/home/ada';

test('the --data-dir flag wins over everything', async () => {
  await mkdir(path.join(root, 'data'));
  const dir = resolveDataDir({ flag: '/srv/pss', env: { PSS_DATA_DIR: '/env/pss' }, appDir: root, platform: 'linux', home: posixHome });
  assert.is(dir, '/srv/pss');
});

test('a relative flag becomes absolute', () => {
  const dir = resolveDataDir({ flag: 'pss-data', env: {}, platform: 'linux', home: posixHome });
  assert.is(dir, path.resolve('pss-data'));
});

test('an empty flag is refused', () => {
  try {
    resolveDataDir({ flag: ' ', env: {}, platform: 'linux', home: posixHome });
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, PssError);
    assert.is((err as PssError).code, 'BAD_ARGUMENT');
  }
});

test('PSS_DATA_DIR comes next, before portable mode', async () => {
  await mkdir(path.join(root, 'data'));
  const dir = resolveDataDir({ env: { PSS_DATA_DIR: '/env/pss' }, appDir: root, platform: 'linux', home: posixHome });
  assert.is(dir, '/env/pss');
});

test('an empty PSS_DATA_DIR is ignored', () => {
  const dir = resolveDataDir({ env: { PSS_DATA_DIR: '' }, platform: 'linux', home: posixHome });
  assert.is(dir, '/home/ada/.config/pro-secure-suite');
});

test('portable mode: a data folder beside the app', async () => {
  await mkdir(path.join(root, 'data'));
  const dir = resolveDataDir({ env: {}, appDir: root, platform: 'linux', home: posixHome });
  assert.is(dir, path.join(root, 'data'));
});

test('a file named data beside the app is not portable mode', async () => {
  await writeFile(path.join(root, 'data'), '');
  const dir = resolveDataDir({ env: {}, appDir: root, platform: 'linux', home: posixHome });
  assert.is(dir, '/home/ada/.config/pro-secure-suite');
});

test('Linux: XDG_CONFIG_HOME, then ~/.config', () => {
  assert.is(resolveDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: posixHome }), '/xdg/pro-secure-suite');
  assert.is(resolveDataDir({ env: {}, platform: 'linux', home: posixHome }), '/home/ada/.config/pro-secure-suite');
  // The XDG spec says a relative value is invalid and must be ignored.
  assert.is(resolveDataDir({ env: { XDG_CONFIG_HOME: 'rel' }, platform: 'linux', home: posixHome }), '/home/ada/.config/pro-secure-suite');
});

test('Windows: %APPDATA%', () => {
  const dir = resolveDataDir({ env: { APPDATA: 'C:\\Users\\Ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\Ada' });
  assert.is(dir, 'C:\\Users\\Ada\\AppData\\Roaming\\pro-secure-suite');
  const fallback = resolveDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\Ada' });
  assert.is(fallback, 'C:\\Users\\Ada\\AppData\\Roaming\\pro-secure-suite');
});

test('macOS: ~/Library/Application Support', () => {
  const dir = resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/ada' });
  assert.is(dir, '/Users/ada/Library/Application Support/pro-secure-suite');
});

test('no home directory and no override is an error', () => {
  try {
    resolveDataDir({ env: {}, platform: 'linux', home: '' });
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as PssError).code, 'BAD_ARGUMENT');
  }
});

test('ensureDataDir creates nested folders owner-only and returns the real path', async () => {
  const dir = path.join(root, 'a', 'b', 'data');
  const real = await ensureDataDir(dir);
  assert.is(real, await realpath(dir));
  assert.ok((await stat(dir)).isDirectory());
  if (process.platform !== 'win32') assert.is((await stat(dir)).mode & 0o777, 0o700);
  assert.is(await ensureDataDir(dir), real, 'a second call succeeds');
});

test('ensureDataDir resolves symlinks', async () => {
  if (process.platform === 'win32') return;
  const target = path.join(root, 'target');
  await mkdir(target);
  await symlink(target, path.join(root, 'link'));
  assert.is(await ensureDataDir(path.join(root, 'link')), await realpath(target));
});

test('ensureDataDir reports a file in the way', async () => {
  const file = path.join(root, 'file');
  await writeFile(file, '');
  try {
    await ensureDataDir(file);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, PssError);
    assert.match((err as PssError).message, file);
  }
});

test('writeFileAtomic replaces content, sets the mode and leaves no temporary file', async () => {
  const file = path.join(root, 'secret');
  await writeFileAtomic(file, 'one', 0o600);
  await writeFileAtomic(file, 'two', 0o600);
  assert.is(await readFile(file, 'utf8'), 'two');
  if (process.platform !== 'win32') assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.equal(await readdir(root), ['secret']);
});

test.run();
