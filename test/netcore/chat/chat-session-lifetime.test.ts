// A chat connection lives and dies with its session (PROTOCOL.md §9), and a session that
// has ended must not stay in memory: a server runs for days while clients come and go.
// Checked with weak references and forced garbage collection, against a session that
// never opened chat as the control.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RawConnection } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { waitUntil } from '../../support/wait';

/** FramedSocket.end() gives a peer this long to finish before destroying the socket. */
const END_GRACE_MS = 5_000;

let base = '';
let server: TestServer | undefined;

test.before(async () => {
  base = await makeTempDir('chat-lifetime');
  await mkdir(join(base, 'share'));
  await writeFile(join(base, 'share', 'file.txt'), 'shared');
  server = await startTestServer({ sharePath: join(base, 'share') });
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Connects one session (with a chat connection or not), ends it, and returns only a weak
 * reference: a helper of its own, so no variable of the test's frame keeps the session.
 */
async function endedSession(kind: 'plain' | 'chat'): Promise<{ kind: 'plain' | 'chat'; session: WeakRef<object> }> {
  const { raw: main, welcome } = await RawConnection.hello(server!.port);
  let chat: RawConnection | undefined;
  try {
    if (kind === 'chat') {
      chat = await RawConnection.open(server!.server.chatPort);
      chat.send({ type: 'CHAT_HELLO', token: welcome.token });
      assert.is((await chat.next(5_000)).type, 'CHAT_OK');
    }
    const session = server!.server.session(welcome.sessionId as string);
    assert.ok(session, 'the session is listed while connected');
    return { kind, session: new WeakRef(session) };
  } finally {
    main.destroy();
    await main.waitClosed(5_000);
    // The session takes its chat connection with it.
    if (chat) await chat.waitClosed(7_000);
  }
}

test('a session that ended is let go, whether or not it had chat open', async () => {
  const gc = forcedGc();
  const refs: { kind: 'plain' | 'chat'; session: WeakRef<object> }[] = [];
  for (const kind of ['plain', 'chat', 'plain', 'chat'] as const) refs.push(await endedSession(kind));
  assert.is(server!.server.sessionCount, 0);
  // An ended socket may hold its owner for a grace period; collect until all are released
  // or well past it.
  await waitUntil(
    () => {
      gc();
      return refs.every((r) => !r.session.deref());
    },
    'every ended session to be collected',
    { timeoutMs: END_GRACE_MS + 5_000, intervalMs: 50 },
  ).catch(() => undefined);
  const alive = refs.map((r) => `${r.kind}: ${r.session.deref() ? 'still in memory' : 'released'}`);
  assert.ok(
    refs.filter((r) => r.kind === 'plain').every((r) => !r.session.deref()),
    `the control did not work: ${alive.join(', ')}`,
  );
  assert.equal(alive, ['plain: released', 'chat: released', 'plain: released', 'chat: released']);
});

test.run();
