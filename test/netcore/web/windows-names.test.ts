// Names only Windows cannot store, over real HTTPS with curl (PROTOCOL.md §10.2): the web
// port lists them as text, serves them byte-exact under a correct Content-Disposition and
// puts them in ZIPs, and the main port of the same server lists and serves the same
// files (§5.1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOST_NAMES } from '../../../extensions/netcore/src/protocol/path-rules';
import { escapeHtml } from '../../../extensions/netcore/src/web/html';
import { encodeWirePath } from '../../../extensions/netcore/src/web/web-path';
import { writeRandomFile, type FileFacts } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { curl, parseHead, runTool } from '../../support/web-client';
import { commandNeed, conditionNeed, testIf } from '../../support/tools';

/** Windows itself refuses these names, so a server there has none of them to serve. */
const served = conditionNeed(HOST_NAMES.portable ? 'a server on Windows cannot have these names in its share' : undefined);
const namesTest = testIf(test, served);
const curlTest = testIf(test, served, commandNeed('curl', { ciInstalls: true }));
const unzipTest = testIf(test, served, commandNeed('curl', { ciInstalls: true }), commandNeed('unzip', { ciInstalls: false, probe: ['-v'] }));

const NAMES = ['<img src=x onerror=alert(1)>.png', 'a"b.txt', 'what?.txt', 'CON.txt', 'trailing.', 'a:b.txt'];
const FOLDER = 'odd|dir?';
const NESTED = `${FOLDER}/inner "q" *.txt`;
const PLAIN = 'plain.txt';

let base = '';
let share = '';
let server: TestServer;
let certFile = '';
const files = new Map<string, FileFacts>();
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('web-windows-names');
  share = join(base, 'share');
  for (const path of [...NAMES, NESTED, PLAIN]) files.set(path, await writeRandomFile(join(share, ...path.split('/')), 3_000 + files.size));
  await symlink(PLAIN, join(share, 'link?.txt'));
  server = await startTestServer({ sharePath: share });
  certFile = join(server.dataDir, 'server.crt');
});

test.after.each(() => {
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

const origin = () => `https://127.0.0.1:${server.webPort}`;
let bodies = 0;

async function get(path: string, args: string[] = []): Promise<{ status: number; headers: Map<string, string>; body: Buffer }> {
  const out = join(base, `body-${++bodies}.bin`);
  const r = await curl(certFile, ['-D', '-', '-o', out, ...args, `${origin()}${path}`]);
  assert.is(r.code, 0, r.stderr);
  const head = parseHead(r.stdout.toString('latin1'));
  return { ...head, body: await readFile(out).catch(() => Buffer.alloc(0)) };
}

/** The two names a Content-Disposition header carries, read the way a client would. */
function dispositionNames(header: string): { ascii: string; exact: string } {
  const m = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/.exec(header);
  assert.ok(m, `malformed Content-Disposition: ${header}`);
  return { ascii: m![1]!, exact: decodeURIComponent(m![2]!) };
}

test('the names are served on the web port only because this server does not run on Windows', () => {
  assert.is(HOST_NAMES.portable, process.platform === 'win32');
});

curlTest('the listing shows every name as escaped text with a percent-encoded link', async () => {
  const page = await get('/browse/');
  assert.is(page.status, 200);
  const text = page.body.toString('utf8');
  for (const name of NAMES) {
    assert.ok(text.includes(`<span><bdi>${escapeHtml(name)}</bdi></span>`), `${name} shown as text`);
    assert.ok(text.includes(`href="/files/${encodeWirePath(name)}"`), `${name} linked`);
    assert.ok(text.includes(`value="${escapeHtml(name)}"`), `${name} selectable`);
  }
  assert.ok(text.includes(`href="/browse/${encodeWirePath(FOLDER)}/"`), 'the folder is linked');
  assert.not.ok(/<img/i.test(text), 'no img element');
  assert.not.ok(text.includes('a"b.txt'), 'no raw quote from a name');
  assert.not.ok(text.includes('link?.txt'), 'a link is not listed');
  assert.ok(text.includes('1 item in this folder is not offered by the server: links 1.'), 'but it is counted');
  const folder = await get(`/browse/${encodeWirePath(FOLDER)}/`);
  assert.is(folder.status, 200);
  assert.ok(folder.body.toString('utf8').includes(`href="/files/${encodeWirePath(NESTED)}"`));
  assert.not.ok(folder.body.toString('utf8').includes('not-offered'), 'a folder with nothing left out has no note');
});

curlTest('each file downloads byte-exact with a Content-Disposition that names it exactly', async () => {
  for (const path of [...NAMES, NESTED]) {
    const r = await get(`/files/${encodeWirePath(path)}`);
    assert.is(r.status, 200, path);
    assert.ok(r.body.equals(await readFile(join(share, ...path.split('/')))), `${path}: byte-exact`);
    assert.is(r.headers.get('content-length'), String(files.get(path)!.size));
    const { ascii, exact } = dispositionNames(r.headers.get('content-disposition')!);
    assert.is(exact, path.split('/').at(-1)!, `${path}: filename*`);
    assert.not.match(ascii, /["\\%<>:|?*/]/, `${path}: the fallback has nothing a file system refuses`);
    assert.is(ascii.length, exact.length, `${path}: the fallback keeps one character per character`);
    assert.match(r.headers.get('content-security-policy')!, /sandbox/);
    assert.is(r.headers.get('x-content-type-options'), 'nosniff');
  }
  const png = await get(`/files/${encodeWirePath(NAMES[0]!)}`, ['-I']);
  assert.is(png.headers.get('content-type'), 'image/png');
  assert.is(
    png.headers.get('content-disposition'),
    `attachment; filename="_img src=x onerror=alert(1)_.png"; filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png`,
  );
  const part = await get(`/files/${encodeWirePath('what?.txt')}`, ['-r', '10-19']);
  assert.is(part.status, 206);
  assert.ok(part.body.equals((await readFile(join(share, 'what?.txt'))).subarray(10, 20)), 'a range of it');
});

/** A ZIP entry may not start with a drive letter (§10.4): that one name takes the look-alike colon. */
const inZip = (path: string) => (path === 'a:b.txt' ? 'a\uFF1Ab.txt' : path);

unzipTest('a ZIP of the share holds every name exactly (a drive letter at the top made safe), byte-exact', async () => {
  const r = await get('/zip?path=');
  assert.is(r.status, 200);
  const dir = await makeSubDir(base, 'zip');
  const zip = join(dir, 'share.zip');
  await writeFile(zip, r.body);
  const listing = await runTool('unzip', ['-Z1', zip]);
  assert.is(listing.code, 0, listing.stderr);
  assert.equal(listing.stdout.toString('utf8').trim().split('\n').sort(), [...NAMES, NESTED, PLAIN].map(inZip).sort());
  const out = join(dir, 'out');
  const x = await runTool('unzip', ['-q', zip, '-d', out]);
  assert.is(x.code, 0, x.stderr);
  for (const path of [...NAMES, NESTED, PLAIN]) {
    assert.ok((await readFile(join(out, ...inZip(path).split('/')))).equals(await readFile(join(share, ...path.split('/')))), path);
  }
  const folderZip = await get(`/zip?path=${encodeURIComponent(FOLDER)}`);
  assert.is(folderZip.status, 200);
  assert.is(dispositionNames(folderZip.headers.get('content-disposition')!).exact, `${FOLDER}.zip`);
});

namesTest('the main port of the same server lists and serves them too', async () => {
  const { raw, welcome } = await RawConnection.hello(server.port);
  raws.push(raw);
  assert.is(welcome.type, 'WELCOME');
  raw.send({ type: 'LIST_FILES' });
  const reply = await raw.next();
  assert.is(reply.type, 'FILE_LIST');
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  assert.equal(
    (reply.entries as Array<{ path: string }>).map((e) => e.path),
    [...files.keys()].sort(byCodeUnit),
  );
  raw.send({
    type: 'DOWNLOAD_FILES',
    files: [
      { path: 'what?.txt', offset: 0 },
      { path: 'a:b.txt', offset: 0 },
    ],
  });
  const replies = await raw.until('DOWNLOAD_DONE');
  assert.equal(
    replies.map((m) => m.type),
    ['FILE_BEGIN', 'FILE_END', 'FILE_BEGIN', 'FILE_END', 'DOWNLOAD_DONE'],
  );
  assert.is(replies[1]!.sha256, files.get('what?.txt')!.sha256);
  assert.is(replies[3]!.sha256, files.get('a:b.txt')!.sha256);
  assert.is(raw.dataBytes, files.get('what?.txt')!.size + files.get('a:b.txt')!.size);
});

test.run();
