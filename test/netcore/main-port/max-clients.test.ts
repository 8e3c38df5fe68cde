// Max clients: one over the limit is told SERVER_FULL (and the CLI says "full"), and a
// place frees up as soon as a client leaves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { linesOf, runCli } from '../../support/cli-runner';
import { writeRandomFile } from '../../support/file-tree';
import { OpenClients } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection, waitUntil } from '../../support/wait';

let base = '';
let server: TestServer;
const clients = new OpenClients(() => base);

test.before(async () => {
  base = await makeTempDir('max-clients');
  await writeRandomFile(join(base, 'share', 'file.txt'), 10);
  server = await startTestServer({ sharePath: join(base, 'share'), maxClients: 1 });
});

test.after(async () => {
  clients.closeAll();
  await server?.close();
  await removeDir(base);
});

const connect = (): Promise<ServerConnection> => clients.connect(server.port);

test('with one place taken, the next client gets SERVER_FULL; once it leaves, a new client gets in', async () => {
  const first = await connect();
  assert.is(server.server.sessionCount, 1);

  const err = await rejection(connect(), 15_000, 'a second client');
  assert.is(err.code, 'SERVER_FULL');
  assert.match(err.message, /full/);

  const cli = await runCli(['list', `127.0.0.1:${server.port}`, '--trust-new', '--data-dir', await makeSubDir(base, 'cli-data')], { cwd: base });
  assert.is(cli.code, 1);
  assert.equal(linesOf(cli.stderr), ['pss: the server is full (1 clients at most) [SERVER_FULL]']);

  // The first client still works while others are turned away.
  assert.equal(
    (await first.list()).entries.map((e) => e.path),
    ['file.txt'],
  );

  first.close();
  await waitUntil(() => server.server.sessionCount === 0, 'the server has forgotten the first client');
  const third = await connect();
  assert.equal(
    (await third.list()).entries.map((e) => e.path),
    ['file.txt'],
  );
  assert.ok(server.logs.some((e) => e.category === 'Connection' && /server full/.test(e.message)));
});

test.run();
