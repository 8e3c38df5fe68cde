// The administrator's view of the web port, through the contract: the status carries the
// web port, its URL and a QR code with the fingerprint; every browser and cookie-less
// download is a session of kind 'web' in the same table as desktop clients, counted
// against max clients; a web download asked for while paused is held before its first byte
// (session.held) and Resume finishes it byte for byte;
// Disconnect ends a browser's download and its cookie.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { closeAll, CoreDriver } from '../../support/core-driver';
import { writeZeroFile } from '../../support/core-files';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil, within } from '../../support/wait';
import { cookieFrom, webRequest } from '../../support/web-client';

const MIB = 1 << 20;
const BIG = 256 * MIB;
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

let base = '';
let share = '';
let bigSha = '';

test.before(async () => {
  base = await makeTempDir('web-admin');
  share = join(base, 'share');
  bigSha = await writeZeroFile(join(share, 'big.bin'), BIG);
  await writeRandomFile(join(share, 'small.txt'), 100);
});

test.after(async () => {
  await removeDir(base);
});

/** A download whose body is read only when asked: it stalls the server by backpressure. */
interface Download {
  response: IncomingMessage;
  received: () => number;
  /** Reads everything; resolves with the SHA-256 and byte count, or rejects when cut off. */
  finish: () => Promise<{ sha256: string; bytes: number }>;
}

function startDownload(port: number, ca: string, path: string, headers: Record<string, string>): Promise<Download> {
  return within(
    new Promise<Download>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, ca, headers, agent: false }, (response) => {
        response.pause();
        const hash = createHash('sha256');
        let bytes = 0;
        const done = new Promise<{ sha256: string; bytes: number }>((ok, fail) => {
          response.on('data', (c: Buffer) => {
            bytes += c.length;
            hash.update(c);
          });
          response.once('end', () => (response.complete ? ok({ sha256: hash.digest('hex'), bytes }) : fail(new Error(`cut off after ${bytes} bytes`))));
          response.once('aborted', () => fail(new Error(`aborted after ${bytes} bytes`)));
          response.once('error', fail);
        });
        done.catch(() => undefined);
        resolve({
          response,
          received: () => bytes,
          finish: () => {
            response.resume();
            return within(done, 60_000, `reading ${path}`);
          },
        });
      });
      req.once('error', reject);
      req.end();
    }),
    15_000,
    `starting ${path}`,
  );
}

test('status: the web port, its URL and a QR code carrying the certificate fingerprint', async () => {
  const server = await CoreDriver.create('server');
  try {
    const status = await server.startServer(share);
    assert.ok(Number.isInteger(status.webPort) && status.webPort! > 0 && status.webPort !== status.mainPort && status.webPort !== status.chatPort);
    assert.equal(
      status.webAccess.map((w) => w.url),
      [`https://127.0.0.1:${status.webPort}/`],
    );
    const [access] = status.webAccess;
    assert.is(access!.qrText, `${access!.url}#sha256=${status.fingerprint}`);
    assert.match(access!.qrSvg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(access!.qrSvg, /<path/);
    const stopped = await server.handle('server.stop', {});
    assert.equal(stopped.webAccess, []);
    assert.is(stopped.webPort, null);
  } finally {
    await closeAll(server);
  }
});

test('a browser is a web session named by its User-Agent; it counts against max clients with desktop clients', async () => {
  const server = await CoreDriver.create('server');
  const desk = await CoreDriver.create('desk');
  const late = await CoreDriver.create('late');
  try {
    const status = await server.startServer(share, { maxClients: 2 });
    const ca = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
    const web = status.webPort!;
    await desk.connect(status.mainPort!, { displayName: 'desk' });

    const mark = server.mark();
    const page = await webRequest(web, ca, '/browse/', { headers: { 'user-agent': PHONE } });
    assert.is(page.status, 200);
    const cookie = cookieFrom(page)!;
    const added = await server.waitFor('session.added', (s) => s.kind === 'web', { since: mark });
    assert.is(added.name, 'Chrome 124 on Android');
    assert.is(added.address, '127.0.0.1');
    assert.is(added.status, 'idle');
    const table = await server.handle('server.sessions', {});
    assert.equal(table.map((s) => [s.kind, s.name]).sort(), [
      ['desktop', 'desk'],
      ['web', 'Chrome 124 on Android'],
    ]);
    assert.is((await server.handle('server.status', {})).sessions, 2);

    // Full: a cookie-less download gets a clear 503 page, a desktop client SERVER_FULL.
    const full = await webRequest(web, ca, '/files/small.txt', { headers: { 'user-agent': 'curl/8.0' } });
    assert.is(full.status, 503);
    assert.match(full.text, /Server full/);
    assert.ok(Number(full.headers['retry-after']) > 0);
    const refused = await late.connect(status.mainPort!, { displayName: 'late' }).then(
      () => 'connected',
      (err: { code?: string }) => err.code,
    );
    assert.is(refused, 'SERVER_FULL');
    // The browser with its cookie still gets its files.
    assert.is((await webRequest(web, ca, '/files/small.txt', { headers: { cookie } })).status, 200);
    assert.ok((await server.handle('logs.query', { categories: ['Web'] })).some((e) => e.message.includes('browser session opened')));
  } finally {
    await closeAll(desk, late, server);
  }
});

test('a cookie-less download is a session while it runs; one asked for while paused is held before its first byte, and Resume finishes it byte for byte', async () => {
  const server = await CoreDriver.create('server');
  try {
    const status = await server.startServer(share);
    const ca = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
    const paused = await server.handle('server.pause', {});
    assert.is(paused.state, 'paused');
    const mark = server.mark();
    // The response's head goes out with its first bytes, so it comes only after Resume.
    const starting = startDownload(status.webPort!, ca, '/files/big.bin', { 'user-agent': 'aria2/1.36.0' });
    starting.catch(() => undefined);
    const added = await server.waitFor('session.added', (s) => s.name === 'aria2 1.36.0', { since: mark });
    assert.is(added.kind, 'web');
    await server.waitFor('session.held', (h) => h.id === added.id, { since: mark });
    const held = await server.session('aria2 1.36.0', (s) => s.status === 'paused');
    assert.is(held.currentFile, 'big.bin');
    assert.is(held.bytesSent, 0, 'nothing was sent before the gate');

    const resumeMark = server.mark();
    await server.handle('server.resume', {});
    await server.waitFor('session.changed', (s) => s.id === added.id && s.status === 'downloading', { since: resumeMark });
    const download = await starting;
    const result = await download.finish();
    assert.equal(result, { sha256: bigSha, bytes: BIG });
    await waitUntil(async () => (await server.handle('server.sessions', {})).length === 0, 'the download session to end');
    const removed = server.payloads('session.removed').find((r) => r.id === added.id);
    assert.ok(removed, 'session.removed for the download');
  } finally {
    await closeAll(server);
  }
});

test('Disconnect ends a browser session: its download stops, its cookie is refused with the reason', async () => {
  const server = await CoreDriver.create('server');
  try {
    const status = await server.startServer(share);
    const ca = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
    const page = await webRequest(status.webPort!, ca, '/browse/', { headers: { 'user-agent': PHONE } });
    const cookie = cookieFrom(page)!;
    const download = await startDownload(status.webPort!, ca, '/files/big.bin', { cookie });
    const session = await server.session('Chrome 124 on Android', (s) => s.status === 'downloading');

    await server.handle('session.disconnect', { sessionId: session.id, reason: 'enough for today' });
    const outcome = await download.finish().then(
      (r) => `finished with ${r.bytes} bytes`,
      (err: Error) => err.message,
    );
    assert.match(outcome, /aborted|cut off/, outcome);
    assert.equal(await server.handle('server.sessions', {}), []);
    assert.ok(server.payloads('session.removed').some((r) => r.id === session.id && r.reason === 'enough for today'));

    const after = await webRequest(status.webPort!, ca, '/browse/', { headers: { cookie } });
    assert.is(after.status, 403);
    assert.match(after.text, /enough for today/);
    assert.match(String(after.headers['set-cookie']), /Max-Age=0/);
  } finally {
    await closeAll(server);
  }
});

test('a warning for a browser is shown on its next page; chat is refused for it', async () => {
  const server = await CoreDriver.create('server');
  try {
    const status = await server.startServer(share);
    const ca = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
    const cookie = cookieFrom(await webRequest(status.webPort!, ca, '/browse/', { headers: { 'user-agent': PHONE } }))!;
    const session = await server.session('Chrome 124 on Android');
    await server.handle('session.warn', { sessionId: session.id, text: 'Please <b>stop</b>' });
    const next = await webRequest(status.webPort!, ca, '/browse/', { headers: { cookie } });
    assert.ok(next.text.includes('Please &lt;b&gt;stop&lt;/b&gt;'));
    const later = await webRequest(status.webPort!, ca, '/browse/', { headers: { cookie } });
    assert.not.ok(later.text.includes('Please'), 'shown once');
    const err = await server.handle('chat.send', { sessionId: session.id, text: 'hi' }).catch((e: { code?: string }) => e.code);
    assert.is(err, 'CHAT_CLOSED');
  } finally {
    await closeAll(server);
  }
});

test.run();
