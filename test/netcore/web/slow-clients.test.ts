// Slow and silent clients on the web port hold nothing for long: a TCP connection that
// never starts TLS, a TLS connection that never sends a request, and a slowloris that
// sends its headers a few bytes at a time are all closed by the server's deadlines; a
// normal request on another connection is served meanwhile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { within } from '../../support/wait';
import { webRequest } from '../../support/web-client';

let base = '';
let server: TestServer;
let certPem = '';
const sockets: Socket[] = [];

test.before(async () => {
  base = await makeTempDir('web-slow');
  await writeRandomFile(join(base, 'share', 'a.txt'), 100);
  server = await startTestServer({
    sharePath: join(base, 'share'),
    timeouts: { handshakeMs: 400 },
    webTimeouts: { handshakeMs: 400, headersMs: 500, requestMs: 1_000, keepAliveMs: 300, socketIdleMs: 800 },
  });
  certPem = await readFile(join(server.dataDir, 'server.crt'), 'utf8');
});

test.after(async () => {
  for (const s of sockets) s.destroy();
  await server?.close();
  await removeDir(base);
});

function closedWithin(socket: Socket, ms: number, what: string): Promise<void> {
  sockets.push(socket);
  socket.on('error', () => undefined);
  return within(new Promise<void>((resolve) => socket.once('close', () => resolve())), ms, what);
}

function secureSocket(): Promise<Socket> {
  return within(
    new Promise<Socket>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: server.webPort, ca: certPem });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    }),
    5_000,
    'TLS handshake',
  );
}

test('a TCP connection that never starts TLS is dropped', async () => {
  const s = tcpConnect({ host: '127.0.0.1', port: server.webPort });
  await closedWithin(s, 8_000, 'the server to drop a silent TCP connection');
});

test('a TLS connection that never sends a request is dropped', async () => {
  const s = await secureSocket();
  await closedWithin(s, 8_000, 'the server to drop a silent TLS connection');
});

test('slowloris: headers trickling in are cut off by the header deadline; others are served meanwhile', async () => {
  const s = await secureSocket();
  const closed = closedWithin(s, 8_000, 'the server to drop a slowloris');
  s.write('GET /browse/ HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const drip = setInterval(() => {
    if (!s.destroyed) s.write('X-Slow: a\r\n');
  }, 100);
  try {
    assert.is((await webRequest(server.webPort, certPem, '/files/a.txt')).status, 200, 'a normal request is served');
    await closed;
  } finally {
    clearInterval(drip);
  }
});

test('TLS 1.2 is accepted (browsers), TLS 1.1 is not', async () => {
  const v12 = await within(
    new Promise<string | null>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: server.webPort, ca: certPem, maxVersion: 'TLSv1.2' }, () => {
        resolve(s.getProtocol());
        s.destroy();
      });
      s.once('error', reject);
    }),
    5_000,
    'TLS 1.2 handshake',
  );
  assert.is(v12, 'TLSv1.2');
  const v11 = await within(
    new Promise<string>((resolve) => {
      const s = tlsConnect(
        { host: '127.0.0.1', port: server.webPort, ca: certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
        () => {
          resolve('connected');
          s.destroy();
        },
      );
      s.once('error', () => resolve('refused'));
    }),
    5_000,
    'TLS 1.1 handshake',
  );
  assert.is(v11, 'refused');
});

test.run();
