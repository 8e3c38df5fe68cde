// The client's chat opens by itself after the login, in the background. Whatever happens
// while it is still opening (the user disconnects at once, the server goes away) must
// leave the Core running: netcore is one process, and an exception thrown from a socket
// callback would end it, taking the UI's server and client with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, waitUntil } from '../../support/wait';

let base = '';

test.before(async () => {
  base = await makeTempDir('core-chat-lifecycle');
  await mkdir(join(base, 'share'));
  await writeFile(join(base, 'share', 'file.txt'), 'shared');
});

test.after(async () => {
  await removeDir(base);
});

/** TCP connections open in this process (the Cores run here: both ends of each count). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/**
 * Runs `body` and reports the exceptions that escaped to the process meanwhile, instead of
 * letting one end the test run. It watches until every connection opened meanwhile (main
 * and chat, client and server end) has closed and its last callbacks have run: after that
 * no socket callback of theirs is left to throw.
 */
async function escapedDuring(body: () => Promise<void>): Promise<string[]> {
  const escaped: string[] = [];
  const catcher = (err: unknown) => escaped.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  const before = openSockets();
  process.on('uncaughtException', catcher);
  try {
    await body();
    await waitUntil(() => openSockets() <= before, `the connections to close (${openSockets()} open, ${before} before)`, { timeoutMs: 10_000, intervalMs: 5 });
    // 'close' is emitted on the turn after the handle is gone.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', catcher);
  }
  return escaped;
}

test('client.disconnect while the chat is still opening throws nothing out of the Core', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    const escaped = await escapedDuring(async () => {
      for (let round = 0; round < 5; round++) {
        await client.connect(mainPort!, { displayName: `hasty-${round}` });
        // No wait for chatReady: the chat is being opened right now.
        const state = await client.handle('client.disconnect', {});
        assert.is(state.phase, 'disconnected');
        // A little later each round, so the disconnect meets the chat at a different step of opening.
        await delay(round * 5);
      }
    });
    assert.equal(escaped, [], 'exceptions escaped from the Core');
    // The Core still works.
    await client.connect(mainPort!, { displayName: 'patient', chat: true });
    assert.equal(
      (await client.handle('client.list', {})).entries.map((e) => e.path),
      ['file.txt'],
    );
  } finally {
    await closeAll(client, server);
  }
});

test('server.stop right after a client logged in throws nothing out of the client Core', async () => {
  const escaped: string[] = [];
  for (let round = 0; round < 3; round++) {
    const server = await CoreDriver.create('server');
    const client = await CoreDriver.create('client');
    try {
      const { mainPort } = await server.startServer(join(base, 'share'));
      escaped.push(
        ...(await escapedDuring(async () => {
          await client.connect(mainPort!, { displayName: `unlucky-${round}` });
          await server.handle('server.stop', {});
          await client.waitFor('client.state', (s) => s.phase === 'disconnected');
        })),
      );
      const last = client.payloads('client.state').at(-1)!;
      assert.is(last.phase, 'disconnected');
      assert.is(last.chatReady, false);
    } finally {
      await closeAll(client, server);
    }
  }
  assert.equal(escaped, [], 'exceptions escaped from the Core');
});

test.run();
