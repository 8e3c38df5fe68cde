// Max clients through the contract: with the one place taken, client.connect fails with
// SERVER_FULL (the error handle() throws), the refused client never shows up as a session,
// and the place is free again once the first client leaves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection, waitUntil } from '../../support/wait';

let base = '';

test.before(async () => {
  base = await makeTempDir('core-max-clients');
  await mkdir(join(base, 'share'));
  await writeFile(join(base, 'share', 'file.txt'), 'one');
});

test.after(async () => {
  await removeDir(base);
});

test('maxClients 1: the second client.connect fails with SERVER_FULL; the place frees when the first leaves', async () => {
  const server = await CoreDriver.create('server');
  const first = await CoreDriver.create('first');
  const second = await CoreDriver.create('second');
  try {
    const status = await server.startServer(join(base, 'share'), { maxClients: 1 });
    assert.is(status.maxClients, 1);
    const port = status.mainPort!;
    await first.connect(port, { displayName: 'first', chat: true });

    const mark = second.mark();
    const serverMark = server.mark();
    const err = await rejection(second.connect(port, { displayName: 'second' }), 20_000, 'the second client.connect');
    assert.is(err.code, 'SERVER_FULL');
    assert.match(err.message, /full/);
    const states = second.payloads('client.state', mark);
    assert.is(states.at(-1)?.phase, 'disconnected');

    // The refused connection's end, logged by the server after everything it did with it:
    // a session it announced or counted would be there by now.
    await server.waitFor('log.entry', (e) => e.category === 'Connection' && e.message.startsWith('disconnected'), { since: serverMark, timeoutMs: 5_000 });
    assert.equal(
      (await server.handle('server.sessions', {})).map((s) => s.name),
      ['first'],
    );
    assert.is(server.payloads('session.added').length, 1, 'the refused client was announced as a session');
    assert.is((await server.handle('server.status', {})).sessions, 1);
    assert.ok((await server.handle('logs.query', { categories: ['Connection'], text: 'server full' })).length >= 1);
    // The first client is not disturbed.
    assert.equal(
      (await first.handle('client.list', {})).entries.map((e) => e.path),
      ['file.txt'],
    );

    await first.handle('client.disconnect', {});
    await waitUntil(async () => (await server.handle('server.sessions', {})).length === 0, 'the first client is gone');
    const state = await second.connect(port, { displayName: 'second', chat: true });
    assert.is(state.phase, 'connected');
    assert.equal(
      (await second.handle('client.list', {})).entries.map((e) => e.path),
      ['file.txt'],
    );
    assert.equal(
      (await server.handle('server.sessions', {})).map((s) => s.name),
      ['second'],
    );
  } finally {
    await closeAll(first, second, server);
  }
});

test.run();
