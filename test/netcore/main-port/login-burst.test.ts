// Password guesses sent all at once (issue: 40 parallel LOGINs once got the right password
// in after 39 failures). The checks of one address run one after another and look at the
// lockout when their turn comes, on the main and the web port alike: a burst never has
// more passwords compared than the lockout allows, and the right password queued behind
// the failures is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { encodeControl } from '../../../extensions/netcore/src/protocol/frames';
import { RawConnection, type RawMessage } from '../../support/raw-connection';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { within } from '../../support/wait';
import { webRequest, type WebReply } from '../../support/web-client';
import { connectAndLogin } from '../../../extensions/netcore/src/cli/shared';
import { CoreDriver } from '../../support/core-driver';

const PASSWORD = 'correct horse battery staple';
const LOCKOUT_AFTER = 3;

let base = '';

test.before(async () => {
  base = await makeTempDir('login-burst');
  await writeRandomFile(join(base, 'share', 'a.txt'), 100);
});

test.after(async () => {
  await removeDir(base);
});

async function withServer(run: (server: TestServer, certPem: string) => Promise<void>, lockoutAfter = LOCKOUT_AFTER): Promise<void> {
  const server = await startTestServer({
    sharePath: join(base, 'share'),
    password: PASSWORD,
    maxClients: 32,
    throttle: { baseDelayMs: 10, maxDelayMs: 20, lockoutAfter, lockoutMs: 60_000 },
  });
  try {
    await run(server, await readFile(join(server.dataDir, 'server.crt'), 'utf8'));
  } finally {
    await server.close();
  }
}

/** Passwords actually compared: each comparison that failed leaves one of these lines. */
function evaluatedFailures(server: TestServer): number {
  return server.logs.filter((e) => /login failed/.test(e.message)).length;
}

async function mainPortBurst(port: number, wrong: number): Promise<RawMessage[]> {
  const raws = await Promise.all(Array.from({ length: wrong + 1 }, () => RawConnection.hello(port)));
  try {
    for (const { welcome } of raws) assert.is(welcome.type, 'WELCOME');
    // The right password goes out once every guess before it is on the wire.
    await Promise.all(raws.slice(0, wrong).map(({ raw }, i) => written(raw, { type: 'LOGIN', password: `wrong ${i}` })));
    raws[wrong]!.raw.send({ type: 'LOGIN', password: PASSWORD });
    return await Promise.all(raws.map(({ raw }) => raw.next(30_000)));
  } finally {
    for (const { raw } of raws) raw.destroy();
  }
}

/** Sends `message` and resolves once it is handed to the operating system. */
function written(raw: RawConnection, message: object): Promise<void> {
  return new Promise((resolve, reject) => raw.socket.write(encodeControl(message), (err) => (err ? reject(err) : resolve())));
}

function webLogin(port: number, certPem: string, password: string, onSent?: () => void): Promise<WebReply> {
  return webRequest(port, certPem, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `password=${encodeURIComponent(password)}&next=%2Fbrowse%2F`,
    timeoutMs: 30_000,
    ...(onSent ? { onSent } : {}),
  });
}

test('main port: a burst of wrong passwords compares at most the lockout allows; the right one behind them is refused', async () => {
  await withServer(async (server) => {
    const replies = await mainPortBurst(server.port, 12);
    assert.not.ok(
      replies.some((m) => m.type === 'LOGIN_OK'),
      `nobody got in: ${JSON.stringify(replies.map((m) => m.code ?? m.type))}`,
    );
    const last = replies[replies.length - 1]!;
    assert.ok(last.code === 'LOCKED_OUT' || last.code === 'BUSY', `the right password was refused: ${JSON.stringify(last)}`);
    assert.ok(evaluatedFailures(server) <= LOCKOUT_AFTER, `${evaluatedFailures(server)} passwords compared`);
    assert.is(replies.filter((m) => m.code === 'LOCKED_OUT').length >= 1, true);
    // The lockout holds afterwards too.
    const { raw, welcome } = await RawConnection.hello(server.port);
    try {
      assert.is(welcome.type, 'WELCOME');
      raw.send({ type: 'LOGIN', password: PASSWORD });
      const after = await raw.next(30_000);
      assert.is(after.code, 'LOCKED_OUT');
    } finally {
      raw.destroy();
    }
  });
});

test('web port: parallel POST /login never yields a cookie after the lockout began, nor compares more than it allows', async () => {
  await withServer(async (server, certPem) => {
    // The right password goes out once every guess before it is on the wire (or answered).
    const sent: Promise<unknown>[] = [];
    const wrong = Array.from({ length: 12 }, (_, i) => {
      let handedOn!: () => void;
      const onSent = new Promise<void>((resolve) => (handedOn = resolve));
      const reply = webLogin(server.webPort, certPem, `wrong ${i}`, handedOn);
      sent.push(Promise.race([onSent, reply.catch(() => undefined)]));
      return reply;
    });
    await within(Promise.all(sent), 30_000, 'every wrong password to be sent');
    const right = webLogin(server.webPort, certPem, PASSWORD);
    const replies = await within(Promise.all([...wrong, right]), 60_000, 'every login answered');
    assert.not.ok(
      replies.some((r) => r.headers['set-cookie'] !== undefined),
      'no session cookie was issued',
    );
    assert.ok([429, 503].includes(replies[replies.length - 1]!.status), `the right password: ${replies[replies.length - 1]!.status}`);
    assert.ok(evaluatedFailures(server) <= LOCKOUT_AFTER, `${evaluatedFailures(server)} passwords compared`);
    assert.ok(replies.some((r) => r.status === 429));
  });
});

test('the two ports share one count: failures on the main port lock the web port, and the other way round', async () => {
  await withServer(async (server, certPem) => {
    for (let i = 0; i < LOCKOUT_AFTER; i++) {
      const { raw } = await RawConnection.hello(server.port);
      raw.send({ type: 'LOGIN', password: `wrong ${i}` });
      const reply = await raw.next(30_000);
      raw.destroy();
      assert.is(reply.code, i === LOCKOUT_AFTER - 1 ? 'LOCKED_OUT' : 'AUTH_FAILED');
    }
    const web = await webLogin(server.webPort, certPem, PASSWORD);
    assert.is(web.status, 429);
    assert.is(web.headers['set-cookie'], undefined);
    assert.ok(Number(web.headers['retry-after']) > 0);
  });
});

test('a mixed burst on both ports at once still compares at most the lockout allows', async () => {
  await withServer(async (server, certPem) => {
    const web = Array.from({ length: 6 }, (_, i) => webLogin(server.webPort, certPem, `web wrong ${i}`));
    const main = mainPortBurst(server.port, 6);
    const [webReplies, mainReplies] = await within(Promise.all([Promise.all(web), main]), 60_000, 'both bursts answered');
    assert.not.ok(webReplies.some((r) => r.headers['set-cookie'] !== undefined));
    assert.not.ok(mainReplies.some((m) => m.type === 'LOGIN_OK'));
    assert.ok(evaluatedFailures(server) <= LOCKOUT_AFTER, `${evaluatedFailures(server)} passwords compared`);
  });
});

/** Fills the address's queue of password checks (8) and more: the rest are told BUSY. */
async function fillLoginQueue(port: number): Promise<RawConnection[]> {
  const raws = await Promise.all(Array.from({ length: 12 }, () => RawConnection.hello(port)));
  for (const [i, { raw }] of raws.entries()) raw.send({ type: 'LOGIN', password: `queued ${i}` });
  return raws.map(({ raw }) => raw);
}

test('a client told BUSY at login connects and sends its password again by itself (desktop and command line)', async () => {
  await withServer(async (server) => {
    const queued = await fillLoginQueue(server.port);
    const desktop = await CoreDriver.create('busy-login');
    try {
      // Both log in while every place in the queue is taken; the server says BUSY and closes,
      // the clients wait what it names, connect again and get in once the queue has room.
      const flags = { 'trust-new': true, 'password-env': 'BUSY_TEST_PASSWORD', 'data-dir': await makeSubDir(base, 'cli-data') };
      process.env.BUSY_TEST_PASSWORD = PASSWORD;
      const [state, cli] = await within(
        Promise.all([desktop.connect(server.port, { displayName: 'patient', password: PASSWORD }), connectAndLogin(`127.0.0.1:${server.port}`, flags)]),
        60_000,
        'both logins',
      );
      assert.is(state.phase, 'connected');
      assert.ok(cli.token, 'the command line is logged in');
      cli.close();
      const busy = server.logs.filter((e) => /too many logins are waiting/.test(e.message));
      assert.ok(busy.length >= 2, `the server said BUSY ${busy.length} times`);
    } finally {
      delete process.env.BUSY_TEST_PASSWORD;
      for (const raw of queued) raw.destroy();
      await desktop.close();
    }
  }, 1_000);
});

test.run();
