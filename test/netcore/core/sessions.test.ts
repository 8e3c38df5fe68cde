// Sessions through the contract: two clients from one address are two sessions, each with
// its own id, name, address and connection time; 'authenticating' until a password login,
// 'idle' after it; a client that leaves is removed, and only that one; the server's status
// counts them as they come and go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { SessionInfo } from '../../../extensions/netcore/src/contract';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';

const PASSWORD = 'correct horse battery staple';

let base = '';
let share = '';

test.before(async () => {
  base = await makeTempDir('core-sessions');
  share = join(base, 'share');
  await writeRandomFile(join(share, 'note.txt'), 100);
});

test.after(async () => {
  await removeDir(base);
});

function assertIsoBetween(value: string, from: number, to: number, what: string): void {
  const ms = Date.parse(value);
  assert.ok(!Number.isNaN(ms) && new Date(ms).toISOString() === value, `${what}: ${value} is not an ISO date-time`);
  // ISO strings keep whole milliseconds.
  assert.ok(ms >= from - 1 && ms <= to, `${what}: ${value} is outside the connection window`);
}

test('two clients from one address are two sessions with their own ids, names and times', async () => {
  const server = await CoreDriver.create('server');
  const alpha = await CoreDriver.create('alpha');
  const beta = await CoreDriver.create('beta');
  try {
    const { mainPort } = await server.startServer(share);
    const before = Date.now();
    await alpha.connect(mainPort!, { displayName: 'desk-alpha' });
    await beta.connect(mainPort!, { displayName: 'desk-beta' });
    const after = Date.now();

    const a = await server.session('desk-alpha', (s) => s.chatReady);
    const b = await server.session('desk-beta', (s) => s.chatReady);
    assert.is.not(a.id, b.id);
    for (const s of [a, b]) {
      assert.is(s.kind, 'desktop');
      assert.is(s.address, '127.0.0.1');
      assert.is(s.status, 'idle');
      assert.is(s.currentFile, null);
      assert.is(s.bytesSent, 0);
      assert.is(s.unread, 0);
      assertIsoBetween(s.connectedAt, before, after, s.name);
    }
    assert.ok(Date.parse(a.connectedAt) <= Date.parse(b.connectedAt), 'alpha connected first');
    assert.is((await server.handle('server.sessions', {})).length, 2);
    assert.is((await server.handle('server.status', {})).sessions, 2);

    const added = server.payloads('session.added');
    assert.equal(added.map((s) => s.id).sort(), [a.id, b.id].sort());
    for (const s of added) {
      assert.is(s.address, '127.0.0.1');
      assert.is(s.kind, 'desktop');
    }
    // The list the events build ends where server.sessions is.
    await waitUntil(
      () => {
        const view = server.sessionView();
        return view.get(a.id)?.name === 'desk-alpha' && view.get(b.id)?.name === 'desk-beta' && view.get(b.id)?.chatReady === true;
      },
      'the session events describe both clients',
      { timeoutMs: 2_000 },
    );
    assert.is(server.sessionView().get(a.id)?.status, 'idle');

    // One leaves: only its session goes.
    const mark = server.mark();
    await alpha.handle('client.disconnect', {});
    const removed = await server.waitFor('session.removed', (r) => r.id === a.id, { since: mark });
    assert.type(removed.reason, 'string');
    const left = await server.handle('server.sessions', {});
    assert.equal(
      left.map((s) => s.id),
      [b.id],
    );
    assert.equal([...server.sessionView().keys()], [b.id]);
    assert.equal(
      server.payloads('session.removed', mark).map((r) => r.id),
      [a.id],
    );
    // The status a UI shows ("Connected clients: n") follows every arrival and departure.
    const counts = server
      .payloads('server.status')
      .filter((st) => st.state === 'running')
      .map((st) => st.sessions);
    assert.equal(counts.slice(-3), [1, 2, 1]);
    const listing = await beta.handle('client.list', {});
    assert.equal(
      listing.entries.map((e) => e.path),
      ['note.txt'],
    );
  } finally {
    await closeAll(alpha, beta, server);
  }
});

test('a password server: authenticating until the login, idle after it, each client its own session', async () => {
  const server = await CoreDriver.create('server');
  const alpha = await CoreDriver.create('alpha');
  const beta = await CoreDriver.create('beta');
  try {
    const status = await server.startServer(share, { password: PASSWORD });
    assert.ok(status.passwordRequired);
    const port = status.mainPort!;

    const waiting = await alpha.connect(port, { displayName: 'pw-alpha' });
    assert.is(waiting.phase, 'awaiting-password');
    assert.is(waiting.chatReady, false);
    const pending = await server.session('pw-alpha');
    assert.is(pending.status, 'authenticating');
    assert.is(pending.chatReady, false);
    assert.is(pending.address, '127.0.0.1');
    const addedFirst = await server.waitFor('session.added', (s) => s.id === pending.id);
    assert.is(addedFirst.status, 'authenticating');

    const mark = server.mark();
    const state = await alpha.handle('client.login', { password: PASSWORD });
    assert.is(state.phase, 'connected');
    const changed = await server.waitFor('session.changed', (s) => s.id === pending.id && s.status === 'idle', { since: mark });
    assert.is(changed.name, 'pw-alpha');
    assert.is((await server.session('pw-alpha')).status, 'idle');

    const betaState = await beta.connect(port, { displayName: 'pw-beta', password: PASSWORD, chat: true });
    assert.is(betaState.phase, 'connected');
    const b = await server.session('pw-beta', (s) => s.status === 'idle' && s.chatReady);
    assert.is.not(b.id, pending.id);
    assert.is(b.address, '127.0.0.1');
    assert.equal(
      (await server.handle('server.sessions', {})).map((s) => s.status),
      ['idle', 'idle'],
    );
  } finally {
    await closeAll(alpha, beta, server);
  }
});

test('the session events show a password client by its name while it is still authenticating', async () => {
  const server = await CoreDriver.create('server');
  const client = await CoreDriver.create('client');
  try {
    const { mainPort } = await server.startServer(share, { password: PASSWORD });
    await client.connect(mainPort!, { displayName: 'named-before-login' });
    const pending = await server.session('named-before-login');
    // A UI builds its list from session.added and session.changed only; HELLO carried the
    // name, so the events must get it there before the user types a password.
    let seen: SessionInfo | undefined;
    try {
      await waitUntil(
        () => {
          seen = server.sessionView().get(pending.id);
          return seen?.name === 'named-before-login';
        },
        'an event names the session',
        { timeoutMs: 1_500 },
      );
    } catch {
      assert.unreachable(
        `the last session event for ${pending.id} still names it ${JSON.stringify(seen?.name)} (server.sessions says ${JSON.stringify(pending.name)})`,
      );
    }
  } finally {
    await closeAll(client, server);
  }
});

test.run();
