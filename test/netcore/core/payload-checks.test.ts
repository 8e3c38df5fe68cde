// The IPC is a boundary: a malformed command, a command at the wrong moment or an unknown
// command name comes back as an error with a stable code, never as a crash, and leaves
// the Core usable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandName } from '../../../extensions/netcore/src/contract';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection } from '../../support/wait';

let base = '';
let share = '';
let core: CoreDriver;

test.before(async () => {
  base = await makeTempDir('core-payloads');
  share = join(base, 'share');
  await mkdir(share);
  await writeFile(join(share, 'file.txt'), 'shared');
  core = await CoreDriver.create('core');
});

test.after(async () => {
  await closeAll(core);
  await removeDir(base);
});

/** The code of the error `command` fails with. */
async function codeOf(command: string, payload: unknown): Promise<string | undefined> {
  const err = await rejection(core.handle(command as CommandName, payload as never), 15_000, command);
  assert.type(err.message, 'string');
  return err.code;
}

test('server.start checks every setting', async () => {
  assert.is(await codeOf('server.start', { sharePath: 5 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', {}), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: '' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 70_000, maxClients: 1 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 1.5, maxClients: 1 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 0, maxClients: 0 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 0, maxClients: '3' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 0, maxClients: 1, password: '' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: share, port: 0, maxClients: 1, password: 'x'.repeat(2000) }), 'BAD_ARGUMENT');
  assert.is(await codeOf('server.start', { sharePath: join(base, 'missing'), port: 0, maxClients: 1, bind: '127.0.0.1' }), 'SHARE_INVALID');
  assert.is(await codeOf('server.start', { sharePath: core.dataDir, port: 0, maxClients: 1, bind: '127.0.0.1' }), 'SHARE_INVALID');
  // None of that left a server behind.
  const status = await core.handle('server.status', {});
  assert.is(status.state, 'stopped');
  assert.is(status.mainPort, null);
});

test('unknown commands and payloads that are not objects are BAD_MESSAGE', async () => {
  assert.is(await codeOf('server.explode', {}), 'BAD_MESSAGE');
  assert.is(await codeOf('', {}), 'BAD_MESSAGE');
  assert.is(await codeOf('server.status', null), 'BAD_MESSAGE');
  assert.is(await codeOf('server.status', 'status please'), 'BAD_MESSAGE');
  assert.is(await codeOf('logs.query', undefined), 'BAD_MESSAGE');
});

test('names inherited from Object.prototype are unknown commands too', async () => {
  // The UI sends command names as strings; only the contract's own names may run.
  const names = ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf'];
  const got: string[] = [];
  for (const name of names) {
    try {
      const result = await core.handle(name as CommandName, {} as never);
      got.push(`${name}: resolved with ${JSON.stringify(result)}`);
    } catch (err) {
      got.push(`${name}: ${(err as { code?: string }).code ?? `${(err as Error).name} without a code`}`);
    }
  }
  assert.equal(
    got,
    names.map((name) => `${name}: BAD_MESSAGE`),
  );
  assert.not.ok(core.core.isCommand('toString'));
});

test('commands at the wrong moment are refused with UNEXPECTED_MESSAGE, CONNECTION_LOST or CHAT_CLOSED', async () => {
  assert.is(await codeOf('client.trust', { accept: true }), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('client.retry', {}), 'UNEXPECTED_MESSAGE');
  const download = await codeOf('client.download', { paths: [], destination: join(base, 'nowhere') });
  assert.ok(download === 'CONNECTION_LOST' || download === 'UNEXPECTED_MESSAGE', String(download));
  assert.is(await codeOf('client.list', {}), 'CONNECTION_LOST');
  assert.is(await codeOf('client.login', { password: 'pw' }), 'CONNECTION_LOST');
  assert.is(await codeOf('client.chat.send', { text: 'hello?' }), 'CHAT_CLOSED');
  assert.is(await codeOf('server.pause', {}), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('server.resume', {}), 'UNEXPECTED_MESSAGE');
  assert.equal(await core.handle('server.sessions', {}), []);
  assert.is(await codeOf('session.disconnect', { sessionId: 'abc' }), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('session.warn', { sessionId: 'abc', text: 'hi' }), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('chat.send', { sessionId: 'abc', text: 'hi' }), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('chat.history', { sessionId: 'abc' }), 'UNEXPECTED_MESSAGE');
  assert.is(await codeOf('chat.markRead', { sessionId: 'abc' }), 'UNEXPECTED_MESSAGE');
  // Stopping a stopped server is harmless; the state says so.
  assert.is((await core.handle('server.stop', {})).state, 'stopped');
  assert.is((await core.handle('server.status', {})).state, 'stopped');
  // Disconnecting while not connected is harmless too.
  assert.is((await core.handle('client.disconnect', {})).phase, 'disconnected');
});

test('client.retry after a download that was refused for want of a connection is a coded error', async () => {
  const fresh = await CoreDriver.create('fresh');
  try {
    const first = await rejection(fresh.handle('client.download', { paths: ['file.txt'], destination: join(base, 'never') }));
    assert.is(first.code, 'CONNECTION_LOST');
    // Nothing ever ran and no server was ever named: there is nothing to retry or reconnect to.
    const err = await rejection(fresh.handle('client.retry', {}));
    assert.ok(err.code === 'UNEXPECTED_MESSAGE' || err.code === 'CONNECTION_LOST', `${err.name} ${err.code ?? '(no code)'}: ${err.message}`);
  } finally {
    await closeAll(fresh);
  }
});

test('client payloads are checked before anything is sent', async () => {
  assert.is(await codeOf('client.connect', { host: 'bad host!', port: 5000 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.connect', { host: '', port: 5000 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.connect', { host: '127.0.0.1', port: -1 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.connect', { host: '127.0.0.1', port: '5000' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.connect', { host: '127.0.0.1', port: 5000, displayName: 7 }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.download', { paths: 'all', destination: base }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.download', { paths: [1], destination: base }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.download', { paths: [], destination: '' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.download', { paths: [], destination: base, subfolder: '../up' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.login', { password: '' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('client.chat.send', { text: '' }), 'BAD_ARGUMENT');
  assert.is(await codeOf('logs.export', { format: 'doc', filePath: join(base, 'x') }), 'BAD_ARGUMENT');
  assert.is(await codeOf('logs.export', { format: 'csv', filePath: 3 }), 'BAD_ARGUMENT');
  assert.is((await core.handle('client.disconnect', {})).phase, 'disconnected');
});

test('a running server: a second start, and admin commands with bad ids or texts', async () => {
  const status = await core.startServer(share);
  try {
    assert.is(status.state, 'running');
    assert.is(await codeOf('server.start', { sharePath: share, port: 0, maxClients: 1, bind: '127.0.0.1' }), 'UNEXPECTED_MESSAGE');
    assert.is(await codeOf('session.disconnect', { sessionId: '' }), 'BAD_ARGUMENT');
    assert.is(await codeOf('session.disconnect', { sessionId: 42 }), 'BAD_ARGUMENT');
    assert.is(await codeOf('session.disconnect', { sessionId: 'nobody', reason: '' }), 'BAD_ARGUMENT');
    assert.is(await codeOf('session.disconnect', { sessionId: 'nobody' }), 'NOT_FOUND');
    assert.is(await codeOf('session.warn', { sessionId: 'nobody' }), 'BAD_ARGUMENT');
    assert.is(await codeOf('session.warn', { sessionId: 'nobody', text: 'hi' }), 'NOT_FOUND');
    assert.is(await codeOf('chat.send', { sessionId: 'nobody', text: 'hi' }), 'NOT_FOUND');
    assert.is(await codeOf('chat.send', { text: 'hi' }), 'BAD_ARGUMENT');
    assert.is(await codeOf('logs.query', { from: 'yesterday-ish' }), 'BAD_ARGUMENT');
    // Pause and resume go both ways, each once announced.
    const mark = core.mark();
    assert.is((await core.handle('server.pause', {})).state, 'paused');
    assert.is((await core.handle('server.resume', {})).state, 'running');
    assert.equal(
      core.payloads('server.status', mark).map((s) => s.state),
      ['paused', 'running'],
    );
  } finally {
    const stopped = await core.handle('server.stop', {});
    assert.is(stopped.state, 'stopped');
  }
  // And the same Core starts again afterwards.
  const again = await core.startServer(share);
  assert.is(again.state, 'running');
  assert.is((await core.handle('server.stop', {})).state, 'stopped');
});

test('after close() every command is SHUTTING_DOWN, and close() may be called again', async () => {
  const spare = await CoreDriver.create('spare');
  try {
    await spare.core.close();
    await spare.core.close();
    const err = await rejection(spare.handle('server.status', {}));
    assert.is(err.code, 'SHUTTING_DOWN');
  } finally {
    await closeAll(spare);
  }
});

test.run();
