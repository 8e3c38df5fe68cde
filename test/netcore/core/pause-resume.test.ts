// Pause and Resume through the contract. A download asked for while paused begins its file
// and is held at the pause gate before its first byte: the server says so (session.held),
// the session shows 'paused', nothing has been sent and the .part file is empty. Resume
// finishes the download byte for byte; Stop while a download is held ends it promptly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { sha256File, writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, within } from '../../support/wait';

const MIB = 1 << 20;
const BIG = 256 * MIB;

let base = '';
let share = '';
let bigSha = '';

test.before(async () => {
  base = await makeTempDir('core-pause');
  share = join(base, 'share');
  bigSha = await writeZeroFile(join(share, 'big.bin'), BIG);
  await writeRandomFile(join(share, 'small.bin'), 2 * MIB + 3);
});

test.after(async () => {
  await removeDir(base);
});

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

/** Settles to 'pending' unless `promise` has settled by now. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    delay(0).then(() => marker),
  ]);
  return winner !== marker;
}

test('a download asked for while paused is held before its first byte; server.resume finishes it byte for byte', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    const pauseMark = server.mark();
    const paused = await server.handle('server.pause', {});
    assert.is(paused.state, 'paused');
    assert.equal(
      server.payloads('server.status', pauseMark).map((s) => s.state),
      ['paused'],
    );
    // Pause holds transfers, not the door: a client still connects and lists.
    await client.connect(mainPort!, { displayName: 'pauser', chat: true });
    const listing = await client.handle('client.list', {});
    assert.equal(listing.entries.map((e) => e.path).sort(), ['big.bin', 'small.bin']);
    const session = await server.session('pauser');

    const destination = join(base, 'into-pauser');
    const part = join(destination, 'big.bin.part');
    const serverMark = server.mark();
    const clientMark = client.mark();
    const download = client.handle('client.download', { paths: ['big.bin'], destination });
    download.catch(() => undefined);
    await server.waitFor('session.held', (h) => h.id === session.id, { since: serverMark });

    const view = await server.session('pauser', (s) => s.status === 'paused');
    assert.is(view.currentFile, 'big.bin');
    assert.is(view.bytesSent, 0, 'nothing was sent before the gate');
    assert.is(await sizeOf(part), 0, 'the .part file is empty');
    assert.not.ok(await settled(download), 'the download ended while paused');
    assert.ok(
      client.payloads('client.progress', clientMark).every((p) => p.doneBytes === 0),
      'client.progress moved while paused',
    );
    assert.is(client.payloads('client.state').at(-1)?.phase, 'downloading');
    // A held session changes no count: no status event since the download began.
    assert.equal(server.payloads('server.status', serverMark), []);
    assert.is((await server.handle('server.status', {})).state, 'paused');
    // Pausing twice changes nothing, and the held session is not reported again.
    assert.is((await server.handle('server.pause', {})).state, 'paused');
    assert.is(server.payloads('session.held', serverMark).length, 1);

    const resumeMark = server.mark();
    const resumed = await server.handle('server.resume', {});
    assert.is(resumed.state, 'running');
    const summary = await within(download, 30_000, 'the download after Resume');
    assert.ok(summary.ok, JSON.stringify(summary.files));
    assert.equal(summary.files, [{ path: 'big.bin', status: 'done' }]);
    assert.is(summary.bytes, BIG);
    assert.is(await sha256File(join(destination, 'big.bin')), bigSha);
    assert.not.ok(existsSync(part));
    assert.ok(
      server.payloads('session.changed', resumeMark).some((s) => s.id === session.id && s.status === 'downloading'),
      'session.changed showed downloading again',
    );
    assert.ok(
      server
        .payloads('session.changed', serverMark)
        .filter((s) => s.id === session.id)
        .every((s) => s.status !== 'disconnected'),
    );
    const last = client.payloads('client.progress', clientMark).at(-1)!;
    assert.is(last.doneBytes, last.totalBytes);
    assert.is(last.totalBytes, BIG);
    await server.waitFor('session.changed', (s) => s.id === session.id && s.status === 'idle', { since: resumeMark, timeoutMs: 2_000 });
  } finally {
    await closeAll(client, server);
  }
});

test('server.stop while a download is held by Pause ends it promptly and tells the client why', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    await client.connect(mainPort!, { displayName: 'stopped', chat: true });
    const session = await server.session('stopped');
    await server.handle('server.pause', {});
    const serverMark = server.mark();
    const clientMark = client.mark();
    const download = client.handle('client.download', { paths: ['big.bin'], destination: join(base, 'into-stopped') });
    download.catch(() => undefined);
    await server.waitFor('session.held', (h) => h.id === session.id, { since: serverMark });
    const stopped = await within(server.handle('server.stop', {}), 10_000, 'server.stop while paused');
    assert.is(stopped.state, 'stopped');
    assert.is(stopped.mainPort, null);
    const summary = await within(download, 10_000, 'the download to end');
    assert.not.ok(summary.ok);
    assert.is(summary.files[0]!.status, 'failed');
    assert.is(summary.files[0]!.code, 'SHUTTING_DOWN');
    await client.waitFor('client.state', (s) => s.phase === 'disconnected', { since: clientMark });
    // As when the administrator disconnects: the user is told the server went away, download or not.
    const told = await client.waitFor('client.disconnected', () => true, { since: clientMark, timeoutMs: 1_000 }).catch(() => undefined);
    assert.is(told?.code, 'SHUTTING_DOWN', 'client.disconnected after a shutdown in the middle of a download');
  } finally {
    await closeAll(client, server);
  }
});

test.run();
