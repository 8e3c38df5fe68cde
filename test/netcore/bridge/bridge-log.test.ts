// The bridge's log file stays bounded: it moves aside to bridge.log.1 when full, an
// oversized line is cut, and it is private to the user.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BridgeLog } from '../../../extensions/netcore/src/bridge/bridge-log';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let dir = '';

test.before.each(async () => {
  dir = await makeTempDir('bridge-log');
});

test.after.each(async () => {
  await removeDir(dir);
});

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

test('writes JSON lines with time, level and fields to logs/bridge.log', async () => {
  const log = new BridgeLog(dir);
  log.info('hello', { port: 1 });
  log.warn('careful');
  log.error('broken', { error: 'x' });
  log.close();
  log.close();
  const out = await lines(join(dir, 'logs', 'bridge.log'));
  assert.equal(
    out.map((l) => [l.level, l.message]),
    [
      ['info', 'hello'],
      ['warn', 'careful'],
      ['error', 'broken'],
    ],
  );
  assert.is(out[0].port, 1);
  assert.ok(!Number.isNaN(Date.parse(out[0].time)));
  if (process.platform !== 'win32') assert.is((await stat(join(dir, 'logs', 'bridge.log'))).mode & 0o777, 0o600);
});

test('moves a full file aside and keeps writing, never past the limit', async () => {
  const log = new BridgeLog(dir, 2_000);
  for (let i = 0; i < 100; i++) log.info(`line ${i}`, { pad: 'x'.repeat(50) });
  log.close();
  const current = join(dir, 'logs', 'bridge.log');
  assert.ok((await stat(current)).size <= 2_000);
  assert.ok((await stat(`${current}.1`)).size <= 2_000);
  const last = await lines(current);
  assert.is(last.at(-1).message, 'line 99');
});

test('a file already over the limit is moved aside at start', async () => {
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(join(dir, 'logs', 'bridge.log'), 'x'.repeat(5_000));
  const log = new BridgeLog(dir, 2_000);
  log.info('fresh');
  log.close();
  assert.equal(
    (await lines(join(dir, 'logs', 'bridge.log'))).map((l) => l.message),
    ['fresh'],
  );
  assert.is((await stat(join(dir, 'logs', 'bridge.log.1'))).size, 5_000);
});

test('a huge message is cut', async () => {
  const log = new BridgeLog(dir);
  log.info('y'.repeat(100_000));
  log.close();
  const [line] = await lines(join(dir, 'logs', 'bridge.log'));
  assert.ok(line.cut === true && line.message.length < 4_000);
});

test.run();
