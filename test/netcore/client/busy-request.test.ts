// A server too busy for a request answers it BUSY and closes before sending any of it
// (PROTOCOL §7). A busy server is not a dead one: a download that can connect again waits
// the time the server names and asks again, a few times; one that cannot reports BUSY.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIENT_BUSY_ATTEMPTS } from '../../../extensions/netcore/src/constants';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import type { FileEntry } from '../../../extensions/netcore/src/protocol/messages';
import { startFakeServer, type FakePeer, type FakeServer } from '../../support/fake-server';
import { downloadInto, OpenClients } from '../../support/test-client';
import { makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
const fakes: FakeServer[] = [];
const clients = new OpenClients(() => base);

test.before.each(async () => {
  base = await makeTempDir('busy-request');
});

test.after.each(async () => {
  clients.closeAll();
  for (const f of fakes.splice(0)) await f.close();
  await removeDir(base);
});

const CONTENT = Buffer.from('a file a busy server sends on the second try\n');
const ENTRY: FileEntry = { path: 'docs/note.txt', size: CONTENT.length, mtimeMs: 1_700_000_000_000 };

/** Refuses the first `busyFor` requests (one per connection) with BUSY, then serves them. */
async function busyServer(busyFor: number): Promise<{ fake: FakeServer; requests: () => number }> {
  let requests = 0;
  const fake = await startFakeServer(async (peer: FakePeer) => {
    await peer.welcome();
    const req = await peer.next();
    if (req.type !== 'DOWNLOAD_FILES') throw new Error(`expected DOWNLOAD_FILES, got ${req.type}`);
    requests++;
    if (requests <= busyFor) {
      peer.send({ type: 'ERROR', code: 'BUSY', message: 'the server is busy with other requests; try again shortly', retryAfterMs: 10 });
      peer.end();
      return;
    }
    peer.send({ type: 'FILE_BEGIN', path: ENTRY.path, size: CONTENT.length, mtimeMs: ENTRY.mtimeMs, offset: 0 });
    peer.sendData(CONTENT);
    peer.send({ type: 'FILE_END', path: ENTRY.path, sha256: createHash('sha256').update(CONTENT).digest('hex') });
    peer.send({ type: 'DOWNLOAD_DONE', files: 1, bytes: CONTENT.length, cancelled: false });
  });
  fakes.push(fake);
  return { fake, requests: () => requests };
}

test('a request answered BUSY is asked again on a new connection, and the file arrives whole', async () => {
  const { fake, requests } = await busyServer(2);
  const first = await clients.connect(fake.port);
  const made: ServerConnection[] = [];
  const dest = join(base, 'dest');
  const result = await downloadInto(first, [ENTRY], dest, {
    reconnect: async () => {
      const again = await clients.connect(fake.port);
      made.push(again);
      return again;
    },
  });
  assert.ok(result.ok, JSON.stringify(result.files));
  assert.is(requests(), 3, 'asked twice in vain, then served');
  assert.is(made.length, 2, 'one new connection per refusal');
  assert.equal(await readFile(join(dest, 'docs', 'note.txt')), CONTENT);
});

test('a server that stays busy ends the download with BUSY after a bounded number of tries', async () => {
  const { fake, requests } = await busyServer(Number.MAX_SAFE_INTEGER);
  const first = await clients.connect(fake.port);
  const result = await downloadInto(first, [ENTRY], join(base, 'dest'), { reconnect: () => clients.connect(fake.port) });
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'BUSY');
  assert.is(requests(), CLIENT_BUSY_ATTEMPTS);
});

test('without a way to connect again, BUSY is reported at once', async () => {
  const { fake, requests } = await busyServer(1);
  const first = await clients.connect(fake.port);
  const result = await downloadInto(first, [ENTRY], join(base, 'dest'));
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'BUSY');
  assert.match(result.files[0]!.message ?? '', /busy/);
  assert.is(requests(), 1);
});

test.run();
