// Password logins on the main port (DESIGN §2): wrong and missing passwords are refused,
// the right one works, repeated failures lock the address out (even for the right
// password), and the password itself never reaches the log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { connectClient } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { rejection } from '../../support/wait';

const PASSWORD = 'correct horse battery staple ✓';
const LOCKOUT_MS = 60_000;

let base = '';
let server: TestServer;
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('login');
  await writeRandomFile(join(base, 'share', 'file.txt'), 100);
  server = await startTestServer({
    sharePath: join(base, 'share'),
    password: PASSWORD,
    throttle: { baseDelayMs: 10, maxDelayMs: 20, lockoutAfter: 3, lockoutMs: LOCKOUT_MS },
  });
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

async function login(password: string | undefined) {
  const c = await connectClient(server.port, { pinsDir: await makeSubDir(base, 'pins'), ...(password !== undefined ? { password } : {}) });
  return c;
}

test('WELCOME asks for a password and gives no token before the login', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  raws.push(raw);
  assert.is(welcome.type, 'WELCOME');
  assert.is(welcome.auth, 'password');
  assert.is(welcome.token, undefined);
});

test('a request before logging in is AUTH_REQUIRED and ends the session', async () => {
  const { raw } = await RawConnection.hello(server.port);
  raws.push(raw);
  raw.send({ type: 'LIST_FILES' });
  const reply = await raw.next();
  assert.is(reply.type, 'ERROR');
  assert.is(reply.code, 'AUTH_REQUIRED');
  await raw.waitClosed();
});

test('a client that has no password stops with AUTH_REQUIRED', async () => {
  const err = await rejection(login(undefined), 15_000, 'logging in without a password');
  assert.is(err.code, 'AUTH_REQUIRED');
});

test('a wrong password is AUTH_FAILED and ends the session', async () => {
  const err = await rejection(login('correct horse battery staple'), 15_000, 'a wrong password');
  assert.is(err.code, 'AUTH_FAILED');
});

test('the right password logs in and the listing follows', async () => {
  const c = await login(PASSWORD);
  try {
    assert.ok(c.token && c.token.length >= 32, 'a session token is issued');
    assert.equal(
      (await c.list()).entries.map((e) => e.path),
      ['file.txt'],
    );
  } finally {
    c.destroy();
  }
});

test('the password is compared after Unicode normalisation (NFC)', async () => {
  const c = await login(PASSWORD.normalize('NFD'));
  c.destroy();
});

test('after three failures the address is locked out, and then even the right password is LOCKED_OUT', async () => {
  // The earlier success cleared this address's record; three fresh failures lock it.
  const first = await rejection(login('wrong 1'), 15_000, 'failure 1');
  assert.is(first.code, 'AUTH_FAILED');
  const second = await rejection(login('wrong 2'), 15_000, 'failure 2');
  assert.is(second.code, 'AUTH_FAILED');
  const third = await rejection(login('wrong 3'), 15_000, 'failure 3');
  assert.is(third.code, 'LOCKED_OUT');
  assert.is(third.retryAfterMs, LOCKOUT_MS);

  const locked = await rejection(login(PASSWORD), 15_000, 'the right password while locked out');
  assert.is(locked.code, 'LOCKED_OUT');
  assert.ok(locked.retryAfterMs! > 0 && locked.retryAfterMs! <= LOCKOUT_MS, `retryAfterMs ${locked.retryAfterMs}`);
  assert.match(locked.message, /try again in \d+ s/);
});

test('failed logins are logged, the password never is', () => {
  const auth = server.logs.filter((e) => e.category === 'Authentication' || e.category === 'Security Alert');
  assert.ok(auth.some((e) => /login failed/.test(e.message)));
  assert.ok(auth.some((e) => /locked out/.test(e.message)));
  assert.ok(auth.some((e) => /login succeeded/.test(e.message)));
  const text = JSON.stringify(server.logs);
  for (const secret of [PASSWORD, 'wrong 1', 'correct horse']) assert.not.ok(text.includes(secret), `the log mentions ${secret}`);
});

test.run();
