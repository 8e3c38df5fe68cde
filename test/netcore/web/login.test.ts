// The password on the web port (PROTOCOL.md §10.5): without the session cookie pages
// redirect to the login and files are 401; the same scrypt check and the same per-address
// throttle as the main port (failures on one port count on the other); a good login sets
// an HttpOnly, Secure, SameSite=Strict cookie; logout ends it; forms from another origin
// are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { cookieFrom, webRequest, type WebReply } from '../../support/web-client';

const PASSWORD = 'correct horse battery staple';

let base = '';
let server: TestServer;
let certPem = '';

test.before(async () => {
  base = await makeTempDir('web-login');
  await writeRandomFile(join(base, 'share', 'a.txt'), 100);
  server = await startTestServer({
    sharePath: join(base, 'share'),
    password: PASSWORD,
    // Short delays keep the test quick; the lockout still comes on the third failure.
    throttle: { baseDelayMs: 10, maxDelayMs: 20, lockoutAfter: 3, lockoutMs: 60_000 },
  });
  certPem = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

const get = (path: string, headers: Record<string, string> = {}) => webRequest(server.webPort, certPem, path, { headers });

function login(password: string, next = '/browse/', headers: Record<string, string> = {}): Promise<WebReply> {
  return webRequest(server.webPort, certPem, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/124.0 Mobile', ...headers },
    body: `password=${encodeURIComponent(password)}&next=${encodeURIComponent(next)}`,
  });
}

test('without the cookie: pages redirect to the login, files and ZIPs are 401, nothing is listed', async () => {
  const page = await get('/browse/');
  assert.is(page.status, 303);
  assert.is(page.headers.location, '/login?next=%2Fbrowse%2F');
  const file = await get('/files/a.txt');
  assert.is(file.status, 401);
  assert.not.ok(file.text.includes('a.txt'));
  assert.is((await get('/zip?path=')).status, 401);
  const form = await get('/login?next=%2Fbrowse%2F');
  assert.is(form.status, 200);
  assert.ok(form.text.includes('type="password"'));
  assert.not.ok(form.text.includes('a.txt'), 'the login page lists nothing');
  assert.is((await get('/browse/', { cookie: '__Host-pss-session=made-up' })).status, 303, 'a made-up cookie is no session');
});

test('a good login sets the session cookie; with it pages and files work; logout ends it', async () => {
  const reply = await login(PASSWORD, '/browse/');
  assert.is(reply.status, 303);
  assert.is(reply.headers.location, '/browse/');
  const set = reply.headers['set-cookie']![0]!;
  for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(set.includes(attr), `${attr} in ${set}`);
  assert.match(set, /^__Host-pss-session=[A-Za-z0-9_-]{43};/);
  const cookie = cookieFrom(reply)!;
  const page = await get('/browse/', { cookie });
  assert.is(page.status, 200);
  assert.ok(page.text.includes('a.txt'));
  assert.ok(page.text.includes('action="/logout"'));
  assert.is((await get('/files/a.txt', { cookie })).status, 200);
  assert.equal(
    server.server
      .sessions()
      .filter((s) => s.kind === 'web')
      .map((s) => s.name),
    ['Chrome 124 on Android'],
  );

  const out = await webRequest(server.webPort, certPem, '/logout', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  assert.is(out.status, 303);
  assert.match(out.headers['set-cookie']![0]!, /Max-Age=0/);
  assert.is((await get('/browse/', { cookie })).status, 303, 'the old cookie no longer works');
  assert.is(server.server.sessions().length, 0);
});

test('a login form posted from another origin is refused', async () => {
  const reply = await login(PASSWORD, '/browse/', { origin: 'https://evil.example' });
  assert.is(reply.status, 403);
  assert.is(reply.headers['set-cookie'], undefined);
});

test('a wrong password is 401 with the form again; after the throttle, failures lock the address on both ports', async () => {
  const wrong = await login('nope');
  assert.is(wrong.status, 401);
  assert.ok(wrong.text.includes('Wrong password.'));
  assert.is(wrong.headers['set-cookie'], undefined);

  // Second failure on the main port: the throttle is the same object.
  const { raw, welcome } = await RawConnection.hello(server.port);
  assert.is(welcome.auth, 'password');
  raw.send({ type: 'LOGIN', password: 'still wrong' });
  assert.is((await raw.next()).code, 'AUTH_FAILED');
  raw.destroy();

  // The third failure, back on the web port, locks the address out.
  const third = await login('wrong again');
  assert.is(third.status, 429);
  assert.ok(Number(third.headers['retry-after']) > 0);
  // Locked: even the right password is not checked, on either port.
  assert.is((await login(PASSWORD)).status, 429);
  const again = await RawConnection.hello(server.port);
  again.raw.send({ type: 'LOGIN', password: PASSWORD });
  assert.is((await again.raw.next()).code, 'LOCKED_OUT');
  again.raw.destroy();

  const categories = server.logs.filter((e) => /web login/.test(e.message)).map((e) => e.category);
  assert.ok(categories.includes('Authentication') && categories.includes('Security Alert'), String(categories));
});

test.run();
