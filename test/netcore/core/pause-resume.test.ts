// Pause and Resume through the contract. Pause holds every transfer where it is: measured
// on the client side (the .part file) and on the server side (bytes sent), nothing moves
// while paused beyond what was already on its way; sessions show 'paused' and the server
// 'paused'. Resume finishes the download byte for byte, and a download asked for while
// paused waits for Resume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { sha256File, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, within } from '../../support/wait';

const MIB = 1 << 20;
const BIG = 256 * MIB;
/** What may still arrive after Pause: frames already read and written towards the socket. */
const IN_FLIGHT_MAX = 4 * MIB;

let base = '';
let share = '';
let bigSha = '';
let small: FileFacts;

test.before(async () => {
  base = await makeTempDir('core-pause');
  share = join(base, 'share');
  bigSha = await writeZeroFile(join(share, 'big.bin'), BIG);
  small = await writeRandomFile(join(share, 'small.bin'), 2 * MIB + 3);
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
  const winner = await Promise.race([promise.then(() => true, () => true), delay(0).then(() => marker)]);
  return winner !== marker;
}

test('server.pause holds a running download still; server.resume finishes it byte for byte', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    await client.connect(mainPort!, { displayName: 'pauser', chat: true });
    const session = await server.session('pauser');
    const destination = join(base, 'into-pauser');
    const part = join(destination, 'big.bin.part');

    const serverMark = server.mark();
    const clientMark = client.mark();
    const download = client.handle('client.download', { paths: ['big.bin'], destination });
    download.catch(() => undefined);
    // Well under way: the client has reported progress at least once.
    await client.waitFor('client.progress', (p) => p.doneBytes > 0, { since: clientMark });

    const pauseMark = server.mark();
    const paused = await server.handle('server.pause', {});
    assert.is(paused.state, 'paused');
    const sentAtPause = (await server.session('pauser')).bytesSent;
    assert.ok(sentAtPause < BIG, 'the download was still running at Pause');
    assert.equal(server.payloads('server.status', pauseMark).map((s) => s.state), ['paused']);

    await delay(300);
    const settledSent = (await server.session('pauser')).bytesSent;
    const settledPart = await sizeOf(part);
    const progressMark = client.mark();
    await delay(1_000);
    const laterSent = (await server.session('pauser')).bytesSent;
    const laterPart = await sizeOf(part);

    assert.ok(settledSent - sentAtPause <= IN_FLIGHT_MAX, `${settledSent - sentAtPause} bytes were sent after Pause`);
    assert.is(laterSent, settledSent, 'the server sent more while paused');
    assert.is(laterPart, settledPart, 'the .part file grew while paused');
    assert.ok(settledPart > 0 && settledPart <= settledSent, `the .part holds ${settledPart} of ${settledSent} bytes sent`);
    const moving = client.payloads('client.progress', progressMark).filter((p) => p.doneBytes > settledPart);
    assert.equal(moving, [], 'client.progress moved while paused');
    assert.not.ok(await settled(download), 'the download ended while paused');

    const view = await server.session('pauser');
    assert.is(view.status, 'paused');
    assert.is(view.currentFile, 'big.bin');
    assert.ok(server.payloads('session.changed', pauseMark).some((s) => s.id === session.id && s.status === 'paused'), 'session.changed showed paused');
    assert.is((await server.handle('server.status', {})).state, 'paused');
    assert.is(client.payloads('client.state').at(-1)?.phase, 'downloading');
    // Pausing twice changes nothing.
    assert.is((await server.handle('server.pause', {})).state, 'paused');

    const resumeMark = server.mark();
    const resumed = await server.handle('server.resume', {});
    assert.is(resumed.state, 'running');
    const summary = await within(download, 30_000, 'the download after Resume');
    assert.ok(summary.ok, JSON.stringify(summary.files));
    assert.equal(summary.files, [{ path: 'big.bin', status: 'done' }]);
    assert.is(summary.bytes, BIG);
    assert.is(await sha256File(join(destination, 'big.bin')), bigSha);
    assert.not.ok(existsSync(part));
    const after = server.payloads('session.changed', resumeMark).filter((s) => s.id === session.id);
    assert.ok(after.some((s) => s.status === 'downloading'), 'session.changed showed downloading again');
    assert.ok(server.payloads('session.changed', serverMark).filter((s) => s.id === session.id).every((s) => s.status !== 'disconnected'));
    const last = client.payloads('client.progress', clientMark).at(-1)!;
    assert.is(last.doneBytes, last.totalBytes);
    assert.is(last.totalBytes, BIG);
  } finally {
    await closeAll(client, server);
  }
});

test('a download asked for while paused waits, and completes after server.resume', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    await server.handle('server.pause', {});
    // Pause holds transfers, not the door: a client still connects and lists.
    await client.connect(mainPort!, { displayName: 'late', chat: true });
    const listing = await client.handle('client.list', {});
    assert.equal(listing.entries.map((e) => e.path).sort(), ['big.bin', 'small.bin']);
    const session = await server.session('late');

    const destination = join(base, 'into-late');
    const mark = server.mark();
    const download = client.handle('client.download', { paths: ['small.bin'], destination });
    download.catch(() => undefined);
    await server.waitFor('session.changed', (s) => s.id === session.id && s.status === 'paused', { since: mark });
    await delay(600);
    assert.not.ok(await settled(download), 'the download finished while the server was paused');
    assert.not.ok(existsSync(join(destination, 'small.bin')));
    assert.is(await sizeOf(join(destination, 'small.bin.part')), 0);
    assert.is((await server.session('late')).bytesSent, 0);

    await server.handle('server.resume', {});
    const summary = await within(download, 15_000, 'the download after Resume');
    assert.ok(summary.ok, JSON.stringify(summary.files));
    assert.is(await sha256File(join(destination, 'small.bin')), small.sha256);
    await server.waitFor('session.changed', (s) => s.id === session.id && s.status === 'idle', { since: mark, timeoutMs: 2_000 });
  } finally {
    await closeAll(client, server);
  }
});

test('server.stop while paused in the middle of a download ends it promptly and tells the client why', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share);
    await client.connect(mainPort!, { displayName: 'stopped', chat: true });
    const clientMark = client.mark();
    const download = client.handle('client.download', { paths: ['big.bin'], destination: join(base, 'into-stopped') });
    download.catch(() => undefined);
    await client.waitFor('client.progress', (p) => p.doneBytes > 0, { since: clientMark });
    await server.handle('server.pause', {});
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
