// ZIP downloads (PROTOCOL.md §10.4): a folder, the whole share, or a ticked selection,
// streamed with an exact Content-Length; `unzip` checks every CRC and the extracted
// files equal the shared ones, Unicode names included, and so are names the main port
// leaves out only because Windows could not store them (§10.2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { makeShareTree, snapshotTree, writeRandomFile, type ShareTree } from '../../support/file-tree';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { waitUntil } from '../../support/wait';
import { curl, runTool, webRequest } from '../../support/web-client';
import { commandNeed, conditionNeed, testIf } from '../../support/tools';
import { readZip } from '../../support/zip-read';

const curlTest = testIf(test, commandNeed('curl', { ciInstalls: true }));
const unzipTest = testIf(test, commandNeed('unzip', { ciInstalls: true, probe: ['-v'] }));
const procTest = testIf(test, conditionNeed(process.platform === 'linux' ? undefined : 'no /proc/self/fd here, so open descriptors cannot be counted'));

let base = '';
let tree: ShareTree;
let server: TestServer;
let certPem = '';
/** Every file the web port offers, by wire path: the tree's files, as on the main port. */
const webFiles = new Map<string, string>();

test.before(async () => {
  base = await makeTempDir('web-zip');
  tree = await makeShareTree(join(base, 'share'));
  for (const [path, facts] of tree.files) webFiles.set(path, facts.sha256);
  server = await startTestServer({ sharePath: tree.root });
  certPem = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

/** Saves the ZIP, tests it with unzip, extracts it, and returns path → sha256 of what came out. */
async function unzipped(body: Buffer): Promise<Map<string, string | undefined>> {
  const dir = await makeSubDir(base, 'unzip');
  const file = join(dir, 'got.zip');
  await writeFile(file, body);
  const check = await runTool('unzip', ['-t', '-q', file]);
  assert.is(check.code, 0, `unzip -t: ${check.stdout}${check.stderr}`);
  const out = join(dir, 'out');
  const x = await runTool('unzip', ['-q', file, '-d', out]);
  assert.is(x.code, 0, x.stderr);
  const snap = await snapshotTree(out);
  return new Map([...snap].filter(([, e]) => e.kind === 'file').map(([p, e]) => [p, e.sha256]));
}

function expected(prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, sha256] of webFiles) if (path.startsWith(prefix)) out.set(path.slice(prefix.length), sha256);
  return out;
}

unzipTest('GET /zip?path=docs: the folder, names relative to it, exact length, byte-exact contents', async () => {
  const reply = await webRequest(server.webPort, certPem, '/zip?path=docs');
  assert.is(reply.status, 200);
  assert.is(reply.headers['content-type'], 'application/zip');
  assert.is(Number(reply.headers['content-length']), reply.body.length);
  assert.match(String(reply.headers['content-disposition']), /filename="docs\.zip"/);
  assert.equal(await unzipped(reply.body), expected('docs/'));
});

unzipTest('GET /zip?path= is the whole share, Unicode and emoji names intact', async () => {
  const reply = await webRequest(server.webPort, certPem, '/zip?path=');
  assert.is(reply.status, 200);
  assert.equal(await unzipped(reply.body), expected(''));
});

unzipTest('POST /zip: a selection of files and folders from one folder, each once', async () => {
  const picks = ['docs/nested', 'docs/گزارش سالانه.txt', 'docs/nested/deeper/note.txt'];
  const body = ['dir=docs', ...picks.map((p) => `f=${encodeURIComponent(p)}`)].join('&');
  const reply = await webRequest(server.webPort, certPem, '/zip', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  assert.is(reply.status, 200);
  const all = expected('docs/');
  assert.equal(await unzipped(reply.body), new Map([...all].filter(([p]) => p.startsWith('nested/') || p === 'گزارش سالانه.txt')));
});

test('POST /zip with nothing ticked is a 400 page that leads back; a pick outside the folder shown is refused', async () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const none = await webRequest(server.webPort, certPem, '/zip', { method: 'POST', headers, body: 'dir=docs' });
  assert.is(none.status, 400);
  assert.ok(none.text.includes('href="/browse/docs/"'));
  const outside = await webRequest(server.webPort, certPem, '/zip', { method: 'POST', headers, body: 'dir=docs&f=empty.bin' });
  assert.is(outside.status, 400);
});

test('ZIP downloads are logged in the Web category when they finish', async () => {
  assert.is((await webRequest(server.webPort, certPem, '/zip?path=docs')).status, 200);
  // The server logs once the connection has taken the last byte, which may be just after
  // the client has read it.
  await waitUntil(() => server.logs.some((e) => e.category === 'Web' && /^ZIP finished: docs\.zip/.test(e.message)), 'the ZIP to be logged');
  assert.ok(server.logs.some((e) => e.category === 'Web' && /^ZIP started: docs\.zip \(\d+ files, \d+ bytes\)/.test(e.message)));
});

curlTest('a ZIP with a central directory past 64 KiB arrives whole, at its announced length', async () => {
  const many = join(tree.root, 'many');
  for (let i = 0; i < 1100; i++) await writeRandomFile(join(many, `a rather long file name, number ${String(i).padStart(4, '0')}.bin`), 512);
  const certFile = join(server.dataDir, 'server.crt');
  // curl fails (exit 18) when the connection ends before Content-Length bytes.
  const r = await curl(certFile, ['-o', '/dev/null', '-w', '%{http_code} %{size_download}', `https://127.0.0.1:${server.webPort}/zip?path=many`], 60_000);
  assert.is(r.code, 0, `curl: ${r.stderr}`);
  const [code, size] = r.stdout.toString().split(' ').map(Number);
  assert.is(code, 200);
  assert.ok(size! > 1100 * 512, `${size} bytes`);
});

test('HEAD /zip announces the length a GET sends, and sends no body', async () => {
  const head = await webRequest(server.webPort, certPem, '/zip?path=docs', { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.body.length, 0);
  const get = await webRequest(server.webPort, certPem, '/zip?path=docs');
  assert.is(Number(head.headers['content-length']), get.body.length);
  const names = (await readZip(get.body)).map((e) => e.name).sort();
  assert.equal(names, [...expected('docs/').keys()].sort(), 'yauzl reads the same entries');
});

test('GET /zip of a folder that does not exist is a 404 page', async () => {
  assert.is((await webRequest(server.webPort, certPem, '/zip?path=no-such-folder')).status, 404);
});

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

procTest('a browser that goes away mid-ZIP: the ZIP stops, is logged as stopped, and leaves no file open', async () => {
  const dir = join(tree.root, 'abandoned');
  for (let i = 0; i < 12; i++) await writeRandomFile(join(dir, `part ${String(i).padStart(2, '0')}.bin`), i % 3 === 0 ? 4 * 2 ** 20 : 300 * 1024);
  const before = openDescriptors();
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.webPort, path: '/zip?path=abandoned', ca: certPem, agent: false }, (res) => {
      assert.is(res.statusCode, 200);
      res.on('data', (c: Buffer) => {
        received += c.length;
        // Gone after the first megabyte of some 17 MiB.
        if (received >= 2 ** 20 && !req.destroyed) {
          req.destroy();
          resolve();
        }
      });
      res.once('end', () => reject(new Error('the whole ZIP arrived before the client went away')));
    });
    req.once('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
  });
  await waitUntil(() => server.logs.some((e) => /^ZIP stopped before the end: abandoned\.zip/.test(e.message)), 'the stopped ZIP to be logged', {
    timeoutMs: 10_000,
  });
  await waitUntil(() => openDescriptors() <= before, `descriptors back to ${before} (now ${openDescriptors()})`, { timeoutMs: 10_000, intervalMs: 20 });
});

test.run();
