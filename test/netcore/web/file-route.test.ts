// GET /files/<path> over real HTTPS with curl and aria2c (PROTOCOL.md §10.3): ranges
// (206, 416, If-Range), resume with `curl -C -` and with aria2c, byte-exact; validators
// and 304; Content-Disposition that gives back any name; HEAD.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomFile, sha256File } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { curl, parseHead, runTool, webRequest } from '../../support/web-client';
import { encodeWirePath } from '../../../extensions/netcore/src/web/web-path';
import { commandNeed, testIf } from '../../support/tools';

const curlTest = testIf(test, commandNeed('curl', { ciInstalls: true }));
const aria2Test = testIf(test, commandNeed('aria2c', { ciInstalls: true }));

const MIB = 1 << 20;
const BIG = 'big/three MiB and a bit.bin';
const NAMES = ['گزارش سالانه.txt', "it's 'quoted' (1).txt", '📷 party 2024.jpg', 'symbols #%&+;=@.txt'];

let base = '';
let server: TestServer;
let certFile = '';
let certPem = '';
let bigBytes: Buffer;

test.before(async () => {
  base = await makeTempDir('web-files');
  const share = join(base, 'share');
  await writeRandomFile(join(share, ...BIG.split('/')), 3 * MIB + 7);
  for (const name of NAMES) await writeRandomFile(join(share, name), 1000);
  bigBytes = await readFile(join(share, ...BIG.split('/')));
  server = await startTestServer({ sharePath: share });
  certFile = join(server.dataDir, 'server.crt');
  certPem = await readFile(certFile, 'utf8');
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

const url = (path: string) => `https://127.0.0.1:${server.webPort}/files/${encodeWirePath(path)}`;

/** curl printing the head to stdout and the body into `out`. */
let bodies = 0;

async function fetchWith(
  args: string[],
  path: string,
  out = join(base, `body-${++bodies}.bin`),
): Promise<{ status: number; headers: Map<string, string>; body: Buffer }> {
  const r = await curl(certFile, ['-D', '-', '-o', out, ...args, url(path)]);
  assert.is(r.code, 0, r.stderr);
  const head = parseHead(r.stdout.toString('latin1'));
  return { ...head, body: await readFile(out).catch(() => Buffer.alloc(0)) };
}

curlTest('curl: the whole file, with type, length, validators and security headers', async () => {
  const r = await fetchWith([], BIG);
  assert.is(r.status, 200);
  assert.ok(r.body.equals(bigBytes), 'byte-exact');
  assert.is(r.headers.get('content-length'), String(bigBytes.length));
  assert.is(r.headers.get('content-type'), 'application/octet-stream');
  assert.is(r.headers.get('accept-ranges'), 'bytes');
  assert.match(r.headers.get('etag')!, /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
  assert.ok(r.headers.get('last-modified')!.endsWith(' GMT'));
  assert.is(r.headers.get('x-content-type-options'), 'nosniff');
  assert.is(r.headers.get('referrer-policy'), 'no-referrer');
  assert.match(r.headers.get('content-security-policy')!, /sandbox/);
  assert.match(r.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
});

curlTest('curl -r: 206 with Content-Range and exactly those bytes; a suffix range too', async () => {
  const r = await fetchWith(['-r', '1048570-1048590'], BIG);
  assert.is(r.status, 206);
  assert.is(r.headers.get('content-range'), `bytes 1048570-1048590/${bigBytes.length}`);
  assert.ok(r.body.equals(bigBytes.subarray(1048570, 1048591)));
  const tail = await fetchWith(['-r', '-10'], BIG);
  assert.is(tail.status, 206);
  assert.ok(tail.body.equals(bigBytes.subarray(bigBytes.length - 10)));
});

curlTest('a range past the end is 416 with bytes */size and no body', async () => {
  const r = await fetchWith(['-r', `${bigBytes.length}-`], BIG);
  assert.is(r.status, 416);
  assert.is(r.headers.get('content-range'), `bytes */${bigBytes.length}`);
  assert.is(r.body.length, 0);
});

curlTest('If-Range: the current ETag gets 206; another tag or an old date gets the whole file (200)', async () => {
  const etag = (await fetchWith(['-I'], BIG)).headers.get('etag')!;
  const same = await fetchWith(['-r', '0-9', '-H', `If-Range: ${etag}`], BIG);
  assert.is(same.status, 206);
  assert.is(same.body.length, 10);
  const other = await fetchWith(['-r', '0-9', '-H', 'If-Range: "not-this-one"'], BIG);
  assert.is(other.status, 200);
  assert.ok(other.body.equals(bigBytes));
  const old = await fetchWith(['-r', '0-9', '-H', 'If-Range: Mon, 01 Jan 2001 00:00:00 GMT'], BIG);
  assert.is(old.status, 200);
  assert.is(old.body.length, bigBytes.length);
});

curlTest('If-None-Match with the ETag is 304; HEAD has the headers and no body', async () => {
  const head = await webRequest(server.webPort, certPem, `/files/${encodeWirePath(BIG)}`, { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], String(bigBytes.length));
  assert.is(head.body.length, 0);
  const again = await fetchWith(['-H', `If-None-Match: ${head.headers.etag}`], BIG);
  assert.is(again.status, 304);
  assert.is(again.body.length, 0);
});

curlTest('curl -C - resumes a partial download byte-exact', async () => {
  const out = join(base, 'resume-curl.bin');
  await writeFile(out, bigBytes.subarray(0, MIB + 3));
  const r = await curl(certFile, ['-C', '-', '-o', out, '-w', '%{http_code}', url(BIG)]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.toString(), '206');
  assert.ok((await readFile(out)).equals(bigBytes));
});

aria2Test('aria2c resumes a partial download and splits one over several connections, byte-exact', async () => {
  const dir = join(base, 'aria2');
  const aria = (name: string, extra: string[]) =>
    runTool(
      'aria2c',
      [
        '--ca-certificate',
        certFile,
        '--no-conf',
        '--quiet=true',
        '--allow-overwrite=false',
        '--auto-file-renaming=false',
        '--timeout=20',
        '-d',
        dir,
        '-o',
        name,
        ...extra,
        url(BIG),
      ],
      60_000,
    );
  await writeRandomFile(join(dir, 'placeholder'), 0);
  await writeFile(join(dir, 'resumed.bin'), bigBytes.subarray(0, 2 * MIB + 11));
  const resumed = await aria('resumed.bin', ['--continue=true']);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.ok((await readFile(join(dir, 'resumed.bin'))).equals(bigBytes), 'resumed file is byte-exact');
  // aria2c asks from the start of the piece its partial copy ends in.
  const resumedFrom = server.logs
    .filter((e) => e.category === 'Web')
    .map((e) => Number(/^download started: .* bytes (\d+)-/.exec(e.message)?.[1] ?? NaN))
    .filter((n) => n > MIB + 3);
  assert.ok(
    resumedFrom.some((n) => n <= 2 * MIB + 11),
    `the server saw a range from the partial copy (${resumedFrom})`,
  );

  const split = await aria('split.bin', ['--split=4', '--max-connection-per-server=4', '--min-split-size=1M']);
  assert.is(split.code, 0, split.stderr);
  assert.is(await sha256File(join(dir, 'split.bin')), await sha256File(join(base, 'share', ...BIG.split('/'))));
});

test('Content-Disposition gives back Unicode, quote and symbol names exactly (filename*)', async () => {
  for (const name of NAMES) {
    const reply = await webRequest(server.webPort, certPem, `/files/${encodeWirePath(name)}`, { method: 'HEAD' });
    assert.is(reply.status, 200, name);
    const header = String(reply.headers['content-disposition']);
    assert.ok(/^[\x20-\x7e]+$/.test(header), header);
    const ext = /filename\*=UTF-8''([^;\s]+)/.exec(header)?.[1];
    assert.is(decodeURIComponent(ext ?? ''), name);
    assert.not.match(/filename="([^"]*)"/.exec(header)?.[1] ?? '"', /["\\]/);
  }
});

test('a missing file is 404; a folder is not a file', async () => {
  assert.is((await webRequest(server.webPort, certPem, '/files/missing.txt')).status, 404);
  assert.is((await webRequest(server.webPort, certPem, '/files/big')).status, 404);
});

test.run();
