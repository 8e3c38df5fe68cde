// The administrator's Disconnect through the contract: it ends exactly one session. That
// client's Core hears DISCONNECTED with the reason and goes to 'disconnected' (its chat
// too); the server reports that session removed and no other; the other client carries on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { sha256File, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection, waitUntil } from '../../support/wait';

const REASON = 'Bitte trennen — قطع اتصال توسط مدیر 🔌';

let base = '';
let facts: FileFacts;

test.before(async () => {
  base = await makeTempDir('core-disconnect');
  facts = await writeRandomFile(join(base, 'share', 'data.bin'), 3 * (1 << 20) + 11);
  // Long enough to be cut off in the middle; zeros are quick to make and still hashed.
  await writeZeroFile(join(base, 'share', 'zeros.bin'), 256 * (1 << 20));
});

test.after(async () => {
  await removeDir(base);
});

test('session.disconnect ends one of two sessions, with its reason, and leaves the other working', async () => {
  const server = await CoreDriver.create('server');
  const victim = await CoreDriver.create('victim');
  const bystander = await CoreDriver.create('bystander');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await victim.connect(mainPort!, { displayName: 'victim', chat: true });
    await bystander.connect(mainPort!, { displayName: 'bystander', chat: true });
    const v = await server.session('victim', (s) => s.chatReady);
    const b = await server.session('bystander', (s) => s.chatReady);

    const serverMark = server.mark();
    const victimMark = victim.mark();
    const bystanderMark = bystander.mark();
    await server.handle('session.disconnect', { sessionId: v.id, reason: REASON });

    const told = await victim.waitFor('client.disconnected', () => true, { since: victimMark });
    assert.equal(told, { code: 'DISCONNECTED', message: REASON });
    const state = await victim.waitFor('client.state', (s) => s.phase === 'disconnected', { since: victimMark });
    assert.is(state.chatReady, false);
    const removed = await server.waitFor('session.removed', (r) => r.id === v.id, { since: serverMark });
    assert.type(removed.reason, 'string');
    await waitUntil(async () => (await server.handle('server.sessions', {})).length === 1, 'the server lists one session');
    assert.equal(
      (await server.handle('server.sessions', {})).map((s) => s.id),
      [b.id],
    );
    assert.is((await server.handle('server.status', {})).sessions, 1);

    // Markers: a request and a chat message from the bystander, made after the disconnect and
    // both answered, so whatever the disconnect did to its two connections has shown by now.
    const listing = await bystander.handle('client.list', {});
    const markerMark = server.mark();
    await bystander.handle('client.chat.send', { text: 'marker' });
    await server.waitFor('chat.message', (m) => m.sessionId === b.id && m.text === 'marker', { since: markerMark, timeoutMs: 5_000 });
    assert.equal(
      server.payloads('session.removed', serverMark).map((r) => r.id),
      [v.id],
    );
    assert.equal(bystander.payloads('client.disconnected', bystanderMark), []);
    assert.not.ok(bystander.payloads('client.state', bystanderMark).some((s) => s.phase === 'disconnected' || !s.chatReady));
    assert.equal(victim.payloads('client.disconnected', victimMark).length, 1);

    // The disconnected client can do nothing more until it connects again.
    assert.is((await rejection(victim.handle('client.list', {}))).code, 'CONNECTION_LOST');
    assert.is((await rejection(victim.handle('client.chat.send', { text: 'still there?' }))).code, 'CHAT_CLOSED');
    assert.is((await rejection(server.handle('chat.send', { sessionId: v.id, text: 'hello?' }))).code, 'NOT_FOUND');

    // The other one still lists, downloads and chats.
    assert.equal(listing.entries.map((e) => e.path).sort(), ['data.bin', 'zeros.bin']);
    const summary = await bystander.handle('client.download', { paths: ['data.bin'], destination: join(base, 'into-bystander') });
    assert.ok(summary.ok, JSON.stringify(summary.files));
    assert.is(await sha256File(join(base, 'into-bystander', 'data.bin')), facts.sha256);
    const chatMark = server.mark();
    await bystander.handle('client.chat.send', { text: 'still here' });
    const message = await server.waitFor('chat.message', (m) => m.sessionId === b.id, { since: chatMark });
    assert.is(message.text, 'still here');

    // And the one that was put out may come back, as a new session.
    await victim.connect(mainPort!, { displayName: 'victim', chat: true });
    const again = await server.session('victim');
    assert.is.not(again.id, v.id);
  } finally {
    await closeAll(victim, bystander, server);
  }
});

test('session.disconnect in the middle of a download tells that client why, and the other download finishes', async () => {
  const server = await CoreDriver.create('server');
  const victim = await CoreDriver.create('victim');
  const bystander = await CoreDriver.create('bystander');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await victim.connect(mainPort!, { displayName: 'victim', chat: true });
    await bystander.connect(mainPort!, { displayName: 'bystander', chat: true });
    const v = await server.session('victim');
    const b = await server.session('bystander');

    const serverMark = server.mark();
    const victimMark = victim.mark();
    const victimDownload = victim.handle('client.download', { paths: ['zeros.bin'], destination: join(base, 'cut-off') });
    const bystanderDownload = bystander.handle('client.download', { paths: ['data.bin'], destination: join(base, 'unharmed') });
    victimDownload.catch(() => undefined);
    await server.waitFor('session.changed', (s) => s.id === v.id && s.status === 'downloading', { since: serverMark });
    await server.handle('session.disconnect', { sessionId: v.id, reason: REASON });

    const summary = await victimDownload;
    assert.not.ok(summary.ok);
    assert.is(summary.files[0]!.status, 'failed');
    assert.is(summary.files[0]!.code, 'DISCONNECTED');
    const removed = await server.waitFor('session.removed', (r) => r.id === v.id, { since: serverMark });
    const state = await victim.waitFor('client.state', (s) => s.phase === 'disconnected', { since: victimMark });
    assert.ok(state.canRetry, 'the cut-off download can be retried');

    const problems: string[] = [];
    // The user must learn that the administrator ended the session, and why, whether or
    // not a download was running at the time.
    const told = await victim.waitFor('client.disconnected', () => true, { since: victimMark, timeoutMs: 1_000 }).catch(() => undefined);
    if (told?.code !== 'DISCONNECTED' || told.message !== REASON) problems.push(`client.disconnected: ${JSON.stringify(told)}`);
    // Ending the session must stop the writes to it: a write after end is a server fault.
    if (/ERR_STREAM_WRITE_AFTER_END/.test(removed.reason)) problems.push(`session.removed reason: ${removed.reason}`);
    const afterEnd = (await server.handle('logs.query', { text: 'ERR_STREAM_WRITE_AFTER_END' })).map((e) => `${e.category}: ${e.message}`);
    if (afterEnd.length > 0) problems.push(`log: ${afterEnd.join(' | ')}`);

    const other = await bystanderDownload;
    assert.ok(other.ok, JSON.stringify(other.files));
    assert.is(await sha256File(join(base, 'unharmed', 'data.bin')), facts.sha256);
    assert.equal(
      server.payloads('session.removed', serverMark).map((r) => r.id),
      [v.id],
    );
    assert.equal(
      (await server.handle('server.sessions', {})).map((s) => s.id),
      [b.id],
    );
    assert.equal(problems, [], 'a disconnect in the middle of a download');
  } finally {
    await closeAll(victim, bystander, server);
  }
});

test('server.stop tells every connected client SHUTTING_DOWN and removes every session', async () => {
  const server = await CoreDriver.create('server');
  const clients = [await CoreDriver.create('one'), await CoreDriver.create('two')];
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    for (const c of clients) await c.connect(mainPort!, { displayName: c.label, chat: true });
    const ids = await Promise.all(clients.map(async (c) => (await server.session(c.label)).id));
    const serverMark = server.mark();
    const marked = clients.map((c) => ({ c, since: c.mark() }));
    const stopped = await server.handle('server.stop', {});
    assert.is(stopped.state, 'stopped');
    assert.is(stopped.sessions, 0);
    for (const { c, since } of marked) {
      const told = await c.waitFor('client.disconnected', () => true, { since, timeoutMs: 5_000 });
      assert.is(told.code, 'SHUTTING_DOWN');
      const state = await c.waitFor('client.state', (s) => s.phase === 'disconnected', { since });
      assert.is(state.chatReady, false);
    }
    for (const id of ids) await server.waitFor('session.removed', (r) => r.id === id, { since: serverMark });
    assert.equal(
      server
        .payloads('session.removed', serverMark)
        .map((r) => r.id)
        .sort(),
      [...ids].sort(),
    );
    assert.is(server.sessionView().size, 0, 'the list the events build is empty');
    assert.equal(
      server.payloads('server.status', serverMark).map((s) => s.state),
      ['stopping', 'stopped'],
    );
  } finally {
    await closeAll(...clients, server);
  }
});

test('session.disconnect of an unknown id is NOT_FOUND and ends nobody', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    await client.connect(mainPort!, { displayName: 'stays' });
    const err = await rejection(server.handle('session.disconnect', { sessionId: 'no-such-session' }));
    assert.is(err.code, 'NOT_FOUND');
    assert.is((await server.handle('server.sessions', {})).length, 1);
    assert.equal(
      (await client.handle('client.list', {})).entries.map((e) => e.path),
      ['data.bin', 'zeros.bin'],
    );
  } finally {
    await closeAll(client, server);
  }
});

test.run();
