// A download must not wait forever on a server that stopped answering (a frozen host, a
// dropped link with no reset), yet a server paused on purpose - which still answers PING -
// must not be mistaken for a dead one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import type { TransferProgress } from '../../../extensions/netcore/src/contract';
import { startFakeServer, type FakeServer } from '../../support/fake-server';
import { assertTreeMatches, writeRandomFile } from '../../support/file-tree';
import { downloadInto, OpenClients } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, waitUntil } from '../../support/wait';

const REPLY_TIMEOUT_MS = 500;

let base = '';
const closers: Array<() => Promise<void>> = [];
const clients = new OpenClients(() => base);

test.before.each(async () => {
  base = await makeTempDir('stalled');
});

test.after.each(async () => {
  clients.closeAll();
  for (const close of closers.splice(0)) await close();
  await removeDir(base);
});

const connect = (port: number): Promise<ServerConnection> => clients.connect(port, { replyTimeoutMs: REPLY_TIMEOUT_MS });

test('a server that goes silent mid-file (and ignores PING) ends the download with TIMEOUT', async () => {
  const frozen: FakeServer = await startFakeServer(async (peer) => {
    await peer.welcome();
    await peer.next();
    peer.send({ type: 'FILE_BEGIN', path: 'file.bin', size: 1000, mtimeMs: 1_700_000_000_000, offset: 0 });
    peer.sendData(Buffer.alloc(100, 1));
    // Then nothing, with the connection left open.
  });
  closers.push(() => frozen.close());
  const c = await connect(frozen.port);
  const result = await downloadInto(c, [{ path: 'file.bin', size: 1000, mtimeMs: 1_700_000_000_000 }], join(base, 'dest'), {}, 5_000);
  assert.is(result.ok, false);
  assert.is(result.files[0]!.code, 'TIMEOUT');
});

test('a server paused for longer than the reply timeout is waited for, and the download completes', async () => {
  const share = join(base, 'share');
  const facts = await writeRandomFile(join(share, 'file.bin'), 3 << 20, 1_690_000_000.5);
  const s: TestServer = await startTestServer({ sharePath: share });
  closers.push(() => s.close());
  const c = await connect(s.port);
  const { entries } = await c.list();
  s.server.pause();
  const dest = join(base, 'dest');
  const download = downloadInto(c, entries, dest, {}, 15_000);
  await waitUntil(() => s.events.some((e) => e.event === 'session.held'), 'the file is held by Pause');
  // Time is the subject: the pause outlasts the client's reply timeout three times over.
  await delay(REPLY_TIMEOUT_MS * 3);
  s.server.resume();
  const result = await download;
  assert.ok(result.ok, JSON.stringify(result.files));
  await assertTreeMatches(dest, new Map([['file.bin', facts]]));
});

test('while a held transfer brings no bytes, progress keeps coming: the speed falls to 0 and the ETA becomes unknown', async () => {
  const size = 1 << 20;
  const held: FakeServer = await startFakeServer(async (peer) => {
    await peer.welcome();
    await peer.next();
    peer.send({ type: 'FILE_BEGIN', path: 'file.bin', size, mtimeMs: 1_700_000_000_000, offset: 0 });
    // A steady trickle, then the server holds the file (as Pause does) and only answers PING.
    for (let i = 0; i < 8; i++) {
      peer.sendData(Buffer.alloc(16 * 1024, i));
      // Pacing: spread over 0.8 s, so the client measures a speed before the hold.
      await delay(100);
    }
    for (;;) {
      const m = await peer.next(30_000).catch(() => undefined);
      if (!m) return;
      if (m.type === 'PING') peer.send({ type: 'PONG', id: m.id });
    }
  });
  closers.push(() => held.close());
  const c = await connect(held.port);
  const seen: TransferProgress[] = [];
  const download = downloadInto(c, [{ path: 'file.bin', size, mtimeMs: 1_700_000_000_000 }], join(base, 'dest'), { onProgress: (p) => seen.push(p) }, 20_000);
  await waitUntil(() => seen.some((p) => p.bytesPerSecond > 0), 'a speed while bytes arrive', { timeoutMs: 5_000 });
  await waitUntil(() => seen.length > 0 && seen[seen.length - 1]!.bytesPerSecond === 0, 'progress to report a speed of 0 while nothing arrives', {
    timeoutMs: 8_000,
  });
  const last = seen[seen.length - 1]!;
  assert.is(last.fileBytes, 8 * 16 * 1024, 'the bytes so far stay as they were');
  assert.is(last.currentPath, 'file.bin');
  assert.is(last.etaSeconds, null);
  c.destroy();
  const result = await download;
  assert.is(result.ok, false);
});

test.run();
