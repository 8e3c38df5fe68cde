// A peer that does not read stops being read (PROTOCOL.md §11): answers it has not taken
// are capped per connection, a request of thousands of files waits for it instead of
// queueing every answer, and its refusals are logged a few at a time, not one line each.
// A flood of PINGs ends the session.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { delay, waitUntil } from '../../support/wait';

let base = '';
let server: TestServer;

test.before(async () => {
  base = await makeTempDir('backpressure');
  await writeRandomFile(join(base, 'share', 'a.txt'), 10);
  server = await startTestServer({ sharePath: join(base, 'share') });
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

test('requests for 4,000 missing files from a peer that reads nothing are answered only as fast as it reads', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  try {
    assert.is(welcome.type, 'WELCOME');
    raw.socket.pause();
    const before = server.logs.length;
    const session = server.server.session(server.server.sessions()[0]!.id);
    const files = Array.from({ length: 4_000 }, (_, i) => ({ path: `missing/${'x'.repeat(200)}-${i}`, offset: 0 }));
    // Each request is answered in full while the kernel's buffers take the answers; once
    // they are full the next request waits for the peer instead of queueing its answers.
    // Each request logs this line when it ends.
    const answered = () => server.logs.slice(before).filter((e) => /more files of this request were refused/.test(e.message)).length;
    let sent = 0;
    let blocked = false;
    while (sent < 40 && !blocked) {
      raw.send({ type: 'DOWNLOAD_FILES', files });
      sent++;
      // The request has arrived once it runs, or has already been answered.
      await waitUntil(() => session.busy || answered() === sent || raw.closed, `request ${sent} to arrive`);
      assert.not.ok(raw.closed, 'the session is still open');
      // Time is the subject here: a request a peer would have taken in a few milliseconds is
      // still running 1.5 s later. No event marks the moment the kernel's buffers are full.
      const until = Date.now() + 1_500;
      while (session.busy && Date.now() < until) await delay(20);
      blocked = session.busy;
    }
    assert.ok(blocked, `the server answered ${sent} unread requests in full`);
    const queued = (session as unknown as { conn: { socket: { writableLength: number } } }).conn.socket.writableLength;
    assert.ok(queued <= 4 * 1024 * 1024, `${queued} bytes queued for the peer`);
    raw.socket.resume();
    let done = 0;
    let errors = 0;
    while (done < sent) {
      const m = await raw.next(30_000);
      if (m.type === 'FILE_ERROR') errors++;
      else if (m.type === 'DOWNLOAD_DONE') done++;
      else assert.unreachable(`unexpected ${JSON.stringify(m).slice(0, 200)}`);
    }
    assert.is(errors, 4_000 * sent);
    const logged = server.logs.slice(before).filter((e) => e.category === 'File Transfer');
    assert.ok(logged.length <= 21 * sent, `${logged.length} log entries for ${sent} requests`);
    assert.ok(logged.some((e) => /and 3980 more files of this request were refused/.test(e.message)));
  } finally {
    raw.destroy();
  }
});

test('a session that sends a flood of PINGs is ended after the first hundred', async () => {
  const { raw } = await RawConnection.hello(server.port);
  try {
    for (let i = 0; i < 150; i++) raw.send({ type: 'PING', id: i });
    const replies = await raw.until('ERROR', 10_000);
    assert.is(replies.filter((m) => m.type === 'PONG').length, 100);
    assert.is(replies.at(-1)!.code, 'UNEXPECTED_MESSAGE');
    assert.match(String(replies.at(-1)!.message), /more than 100 PINGs/);
    await raw.waitClosed();
  } finally {
    raw.destroy();
  }
});

test('the server still serves others meanwhile', async () => {
  await waitUntil(() => server.server.sessions().length === 0, 'the earlier sessions are gone');
  const { raw } = await RawConnection.hello(server.port);
  try {
    raw.send({ type: 'LIST_FILES' });
    const list = await raw.next();
    assert.is(list.type, 'FILE_LIST');
  } finally {
    raw.destroy();
  }
});

test.run();
