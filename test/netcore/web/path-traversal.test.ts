// Requests that try to leave the share through the web port (PROTOCOL.md §5, §10.2),
// sent exactly as written (`curl --path-as-is`): encoded and double-encoded parents,
// backslashes, overlong UTF-8, NUL, absolute paths, links that lead out, the server's
// own data folder. Every one is refused (400 or 404) and no byte from outside the share
// is ever served; malformed ones are logged as Security Alert.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEscapeShare } from '../../support/escape-share';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { curl, webRequest } from '../../support/web-client';
import { commandNeed, testIf } from '../../support/tools';

const curlTest = testIf(test, commandNeed('curl', { ciInstalls: true }));

const SECRET = 'TOP-SECRET-2b7c11-outside-the-share';
const SECRET_TOO = 'ALSO-SECRET-9e0d44-behind-a-link';

let base = '';
let server: TestServer;
let certFile = '';
let certPem = '';
let keyLine = '';

test.before(async () => {
  base = await makeTempDir('web-traversal');
  const share = await makeEscapeShare(base, { beside: SECRET, behindLink: SECRET_TOO });
  // A name refused only because Windows could not store it: the web port serves it
  // (PROTOCOL.md §10.2), and it must not open a way out either.
  await writeFile(join(share, '<img src=x onerror=alert(1)>.png'), 'hostile');
  const dataDir = join(share, '.pss-data');
  await mkdir(dataDir);
  server = await startTestServer({ sharePath: share, dataDir });
  certFile = join(dataDir, 'server.crt');
  certPem = await readFile(certFile, 'utf8');
  keyLine = (await readFile(join(dataDir, 'server.key'), 'utf8')).split('\n')[1]!;
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

function assertNothingSecret(body: string, what: string): void {
  assert.not.ok(body.includes(SECRET), `${what}: the secret outside the share was served`);
  assert.not.ok(body.includes(SECRET_TOO), `${what}: the secret behind a link was served`);
  assert.not.ok(body.includes('PRIVATE KEY') || body.includes(keyLine), `${what}: the private key was served`);
  assert.not.ok(body.includes('root:x:0:0'), `${what}: /etc/passwd was served`);
}

const ATTEMPTS: ReadonlyArray<readonly [string, string]> = [
  ['/files/../secret.txt', 'raw parent'],
  ['/files/sub/../../secret.txt', 'raw parent after a folder'],
  ['/files/%2e%2e/secret.txt', 'encoded parent'],
  ['/files/%2E%2E%2Fsecret.txt', 'encoded parent and slash'],
  ['/files/%252e%252e/secret.txt', 'double-encoded parent'],
  ['/files/%252e%252e%252fsecret.txt', 'double-encoded parent and slash'],
  ['/files/..%5csecret.txt', 'encoded backslash'],
  ['/files/..\\secret.txt', 'raw backslash'],
  ['/files/%c0%ae%c0%ae/secret.txt', 'overlong UTF-8 parent'],
  ['/files/%c0%ae%c0%ae%c0%afsecret.txt', 'overlong UTF-8 parent and slash'],
  ['/files/%e0%80%ae%e0%80%ae/secret.txt', 'three-byte overlong parent'],
  ['/files/public.txt%00.png', 'NUL'],
  ['/files//etc/passwd', 'absolute'],
  ['/files/%2fetc%2fpasswd', 'encoded absolute'],
  ['/files/link/secret.txt', 'a folder link that leads out'],
  ['/files/secret-link.txt', 'a file link'],
  ['/files/sub/up/secret.txt', 'a link back up'],
  ['/files/.pss-data/server.key', "the server's private key"],
  ['/files/.pss-data/server.crt', "the server's certificate file"],
  ['/files/C:%2fetc%2fpasswd', 'drive letter'],
  ['/files/C%3A/secret.txt', 'encoded drive letter'],
  ['/files/%3F/../../secret.txt', 'parent after a name Windows cannot store'],
  ['/files/sub./../../secret.txt', 'parent after a trailing dot'],
  ['/files/.pss-data./server.key', 'the data folder with a trailing dot'],
  ['/files/.pss-data%20/server.key', 'the data folder with a trailing space'],
  ['/files/.pss-data::$DATA/server.key', 'the data folder as an alternate stream'],
  ['/files/public.txt::$DATA', 'a file as an alternate stream'],
  ['/files/CON', 'a device name'],
  ['/browse/.pss-data./', 'folder: the data folder with a trailing dot'],
  ['/browse/C%3A/', 'folder: drive letter'],
  ['/zip?path=.pss-data.', 'ZIP: the data folder with a trailing dot'],
  ['/zip?path=C%3A', 'ZIP: drive letter'],
  ['/browse/../', 'folder: raw parent'],
  ['/browse/%2e%2e/', 'folder: encoded parent'],
  ['/browse/link/', 'folder: a link that leads out'],
  ['/browse/.pss-data/', 'folder: the data folder'],
  ['/zip?path=..', 'ZIP: parent'],
  ['/zip?path=%2e%2e', 'ZIP: encoded parent'],
  ['/zip?path=link', 'ZIP: a folder link'],
  ['/zip?path=.pss-data', 'ZIP: the data folder'],
  ['/zip?path=%2fetc', 'ZIP: absolute'],
];

for (const [path, why] of ATTEMPTS) {
  curlTest(`${why} (${path}) is refused and serves nothing from outside`, async () => {
    const r = await curl(certFile, ['--path-as-is', '-o', '-', '-w', '\n%{http_code}', `https://127.0.0.1:${server.webPort}${path}`]);
    assert.is(r.code, 0, r.stderr);
    const text = r.stdout.toString('latin1');
    const status = Number(text.slice(text.lastIndexOf('\n') + 1));
    assert.ok(status === 400 || status === 404, `${path}: status ${status}`);
    assertNothingSecret(text, path);
  });
}

test('a ZIP selection naming anything outside is refused as a whole', async () => {
  for (const f of ['link', 'link/secret.txt', '../secret.txt', '.pss-data/server.key', 'secret-link.txt']) {
    const reply = await webRequest(server.webPort, certPem, '/zip', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `dir=&f=public.txt&f=${encodeURIComponent(f)}`,
    });
    assert.ok(reply.status === 400 || reply.status === 404, `${f}: status ${reply.status}`);
    assertNothingSecret(reply.body.toString('latin1'), f);
  }
});

test('a name refused only for Windows is served as itself, and only itself', async () => {
  const r = await webRequest(server.webPort, certPem, '/files/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png');
  assert.is(r.status, 200);
  assert.is(r.text, 'hostile');
});

test('the listing and a ZIP of the root hold only the plain files', async () => {
  const page = await webRequest(server.webPort, certPem, '/browse/');
  assert.is(page.status, 200);
  assert.ok(page.text.includes('public.txt'));
  for (const hidden of ['link', 'secret-link.txt', '.pss-data']) assert.not.ok(page.text.includes(`>${hidden}`), hidden);
  assert.ok(page.text.includes('>&lt;img src=x onerror=alert(1)&gt;.png<'), 'the Windows-only name is listed as text');
  assert.not.ok(page.text.includes('<img'), 'and never as markup');
  const zip = await webRequest(server.webPort, certPem, '/zip?path=');
  assert.is(zip.status, 200);
  const text = zip.body.toString('latin1');
  assertNothingSecret(text, 'ZIP of the root');
  assert.ok(text.includes('public.txt') && text.includes('sub/inner.txt') && text.includes('<img src=x onerror=alert(1)>.png'));
  assert.not.ok(text.includes('server.key') || text.includes('secret'), 'nothing else is named in the ZIP');
});

test('malformed paths are logged as Security Alert', () => {
  assert.ok(server.logs.some((e) => e.category === 'Security Alert' && /web: refused/.test(e.message)));
});

test.run();
