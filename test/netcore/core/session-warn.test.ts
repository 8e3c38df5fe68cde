// The administrator's warning through the contract: session.warn reaches the one client it
// names and no other, over its chat when that is open and over the main port when it is
// not, even while that port is busy streaming a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { sha256File } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { connectClient, downloadInto } from '../../support/test-client';
import { rejection, waitUntil } from '../../support/wait';

const MIB = 1 << 20;
const ZEROS = 256 * MIB;
const WARNING = 'Bitte den Download beenden.\nلطفاً دانلود را متوقف کنید ⚠️👩‍💻';

let base = '';
/** SHA-256 of ZEROS zero bytes, worked out once. */
let zerosSha = '';

test.before(async () => {
  base = await makeTempDir('core-warn');
  zerosSha = await writeZeroFile(join(base, 'share', 'zeros.bin'), ZEROS);
  await writeFile(join(base, 'share', 'small.txt'), 'small');
});

test.after(async () => {
  await removeDir(base);
});

function isIsoTime(value: string): boolean {
  return !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

test('session.warn reaches the named client over its chat, and no other client', async () => {
  const server = await CoreDriver.create('server');
  const alpha = await CoreDriver.create('alpha');
  const beta = await CoreDriver.create('beta');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await alpha.connect(mainPort!, { displayName: 'warn-alpha', chat: true });
    await beta.connect(mainPort!, { displayName: 'warn-beta', chat: true });
    const a = await server.session('warn-alpha', (s) => s.chatReady);
    const b = await server.session('warn-beta', (s) => s.chatReady);

    const alphaMark = alpha.mark();
    const betaMark = beta.mark();
    const before = Date.now();
    await server.handle('session.warn', { sessionId: a.id, text: WARNING });
    const warning = await alpha.waitFor('client.warning', () => true, { since: alphaMark, timeoutMs: 5_000 });
    assert.is(warning.text, WARNING);
    assert.ok(isIsoTime(warning.time) && Date.parse(warning.time) >= before - 1, `time ${warning.time}`);

    await server.handle('session.warn', { sessionId: b.id, text: 'only for beta' });
    const toBeta = await beta.waitFor('client.warning', () => true, { since: betaMark, timeoutMs: 5_000 });
    assert.is(toBeta.text, 'only for beta');
    // Markers: one more warning to each, sent after beta's. Each session's messages arrive in
    // order, so a stray copy of beta's warning would come before alpha's marker.
    await server.handle('session.warn', { sessionId: a.id, text: 'marker for alpha' });
    await server.handle('session.warn', { sessionId: b.id, text: 'marker for beta' });
    await alpha.waitFor('client.warning', (w) => w.text === 'marker for alpha', { since: alphaMark, timeoutMs: 5_000 });
    await beta.waitFor('client.warning', (w) => w.text === 'marker for beta', { since: betaMark, timeoutMs: 5_000 });
    assert.equal(
      alpha.payloads('client.warning', alphaMark).map((w) => w.text),
      [WARNING, 'marker for alpha'],
    );
    assert.equal(
      beta.payloads('client.warning', betaMark).map((w) => w.text),
      ['only for beta', 'marker for beta'],
    );
    // A warning is not a chat message and does not end anything.
    assert.equal(alpha.payloads('client.chat', alphaMark), []);
    assert.equal(alpha.payloads('client.disconnected', alphaMark), []);
    assert.ok(
      server.payloads('log.entry').some((e) => e.sessionId === a.id && e.message.includes(WARNING)),
      'the warning is in the log',
    );
  } finally {
    await closeAll(alpha, beta, server);
  }
});

test('session.warn reaches a client without chat over the main port, in the middle of a download', async () => {
  const server = await CoreDriver.create('server');
  const bystander = await CoreDriver.create('bystander');
  const pinsDir = await makeTempDir('core-warn-pins');
  let plain: ServerConnection | undefined;
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await bystander.connect(mainPort!, { displayName: 'warn-bystander', chat: true });
    const warnings: { text: string; time: string; downloading: boolean }[] = [];
    let downloadFinished = false;
    plain = await connectClient(mainPort!, { pinsDir });
    plain.onWarning = (w) => warnings.push({ ...w, downloading: !downloadFinished });
    const session = await server.session('integration test');
    assert.is(session.chatReady, false);

    // Idle first.
    await server.handle('session.warn', { sessionId: session.id, text: 'idle warning' });
    await waitUntil(() => warnings.length === 1, 'the idle warning arrived', { timeoutMs: 5_000 });
    assert.is(warnings[0]!.text, 'idle warning');

    // Then while the main port streams 256 MiB.
    const entries = (await plain.list()).entries.filter((e) => e.path === 'zeros.bin');
    const mark = server.mark();
    const download = downloadInto(plain, entries, join(base, 'into-plain'), {}, 60_000).finally(() => (downloadFinished = true));
    download.catch(() => undefined);
    await server.waitFor('session.changed', (s) => s.id === session.id && s.status === 'downloading', { since: mark });
    await server.handle('session.warn', { sessionId: session.id, text: WARNING });
    await waitUntil(() => warnings.length === 2, 'the warning during the download arrived', { timeoutMs: 5_000 });
    assert.is(warnings[1]!.text, WARNING);
    assert.ok(isIsoTime(warnings[1]!.time));
    assert.ok(warnings[1]!.downloading, 'the warning arrived only after the download');

    const result = await download;
    assert.ok(result.ok, JSON.stringify(result.files));
    assert.is(await sha256File(join(base, 'into-plain', 'zeros.bin')), zerosSha);
    assert.equal(bystander.payloads('client.warning'), [], 'the other client saw none of it');
  } finally {
    plain?.destroy();
    await closeAll(bystander, server);
    await removeDir(pinsDir);
  }
});

test('session.warn refuses an empty or over-long text and an unknown session', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await client.connect(mainPort!, { displayName: 'warn-checks', chat: true });
    const s = await server.session('warn-checks');
    const mark = client.mark();
    assert.is((await rejection(server.handle('session.warn', { sessionId: s.id, text: '' }))).code, 'BAD_ARGUMENT');
    assert.is((await rejection(server.handle('session.warn', { sessionId: s.id, text: ' \n\t ' }))).code, 'BAD_MESSAGE');
    assert.is((await rejection(server.handle('session.warn', { sessionId: s.id, text: 'x'.repeat(4001) }))).code, 'BAD_MESSAGE');
    assert.is((await rejection(server.handle('session.warn', { sessionId: 'nobody', text: 'hello' }))).code, 'NOT_FOUND');
    // Exactly at the limit is fine.
    const longest = 'و'.repeat(4000);
    await server.handle('session.warn', { sessionId: s.id, text: longest });
    const w = await client.waitFor('client.warning', () => true, { since: mark, timeoutMs: 5_000 });
    assert.is(w.text, longest);
    assert.equal(client.payloads('client.warning', mark).length, 1);
  } finally {
    await closeAll(client, server);
  }
});

test.run();
