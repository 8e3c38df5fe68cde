// Admission (PROTOCOL.md §11): a connection holds a client place only once it has said
// HELLO and logged in. Before that it is one of a small budget of waiting connections per
// address and in total, shared by the main, chat and web ports, so silent connections can
// never keep real clients out (the issue: 10 silent connections filled max clients and,
// re-opened, kept every desktop, chat and web client out).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { writeRandomFile } from '../../support/file-tree';
import { RawConnection } from '../../support/raw-connection';
import { OpenClients } from '../../support/test-client';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { conditionNeed, testIf } from '../../support/tools';
import { rejection, waitUntil } from '../../support/wait';
import { cookieFrom, webRequest } from '../../support/web-client';

const PASSWORD = 'let the right one in';

let base = '';
const clients = new OpenClients(() => base);
const raws: RawConnection[] = [];

test.before(async () => {
  base = await makeTempDir('admission');
  await writeRandomFile(join(base, 'share', 'file.txt'), 1000);
});

test.after.each(() => {
  clients.closeAll();
  for (const r of raws.splice(0)) r.destroy();
});

test.after(async () => {
  await removeDir(base);
});

async function silent(port: number, n: number): Promise<RawConnection[]> {
  const opened = await Promise.all(Array.from({ length: n }, () => RawConnection.open(port)));
  raws.push(...opened);
  return opened;
}

async function withServer(options: Parameters<typeof startTestServer>[0], run: (s: TestServer, certPem: string) => Promise<void>): Promise<void> {
  const server = await startTestServer(options);
  try {
    await run(server, await readFile(join(server.dataDir, 'server.crt'), 'utf8'));
  } finally {
    await server.close();
  }
}

test('20 silent connections on each port keep no desktop, chat or web client out', async () => {
  await withServer({ sharePath: join(base, 'share'), password: PASSWORD, maxClients: 2 }, async (server, certPem) => {
    await silent(server.port, 20);
    await silent(server.server.chatPort, 20);
    await silent(server.webPort, 20);
    assert.is(server.server.sessionCount, 0, 'silent connections hold no client place');

    const c = await clients.connect(server.port, { password: PASSWORD });
    assert.equal(
      (await c.list()).entries.map((e) => e.path),
      ['file.txt'],
    );

    const chat = await RawConnection.open(server.server.chatPort);
    raws.push(chat);
    chat.send({ type: 'CHAT_HELLO', token: c.token });
    assert.is((await chat.next()).type, 'CHAT_OK');

    const login = await webRequest(server.webPort, certPem, '/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `password=${encodeURIComponent(PASSWORD)}&next=%2Fbrowse%2F`,
    });
    assert.is(login.status, 303);
    const page = await webRequest(server.webPort, certPem, '/browse/', { headers: { cookie: cookieFrom(login)! } });
    assert.is(page.status, 200);
    assert.is(server.server.sessionCount, 2);
  });
});

test('a client that said HELLO but has not logged in holds no place; a full server says SERVER_FULL in answer to HELLO', async () => {
  await withServer({ sharePath: join(base, 'share'), password: PASSWORD, maxClients: 1 }, async (server) => {
    const waiting = await Promise.all(Array.from({ length: 5 }, () => RawConnection.hello(server.port)));
    raws.push(...waiting.map((w) => w.raw));
    for (const w of waiting) assert.is(w.welcome.auth, 'password');
    // The administrator sees them, still authenticating, but they are not counted.
    assert.is(server.server.sessions().filter((s) => s.status === 'authenticating').length, 5);
    assert.is(server.server.sessionCount, 0);

    const first = await clients.connect(server.port, { password: PASSWORD });
    assert.equal(
      (await first.list()).entries.map((e) => e.path),
      ['file.txt'],
    );
    const full = await rejection(clients.connect(server.port, { password: PASSWORD }), 15_000, 'a second client');
    assert.is(full.code, 'SERVER_FULL');
    // One of the waiting ones logs in: the server is full, so it is refused after its login.
    waiting[0]!.raw.send({ type: 'LOGIN', password: PASSWORD });
    const late = await waiting[0]!.raw.next(15_000);
    assert.is(late.code, 'SERVER_FULL');
  });
});

test('over the budget, a newcomer within the grace is told BUSY; later the oldest waiting connection of that address makes room', async () => {
  await withServer({ sharePath: join(base, 'share'), maxClients: 5, admission: { perAddress: 4, total: 8, graceMs: 300 } }, async (server) => {
    const squatters = await silent(server.port, 4);
    // Within the grace the squatters keep their places and a newcomer is told to come back.
    const busy = await RawConnection.open(server.port);
    raws.push(busy);
    const answer = await busy.next();
    assert.is(answer.code, 'BUSY');
    assert.ok(typeof answer.retryAfterMs === 'number' && answer.retryAfterMs > 0);
    await busy.waitClosed();

    // The engine's client, told BUSY too, asks again after the time the server named; by
    // then the squatters are past their grace and the oldest makes room.
    const c = await clients.connect(server.port);
    assert.equal(
      (await c.list()).entries.map((e) => e.path),
      ['file.txt'],
    );
    const dropped = squatters[0]!;
    const reason = await dropped.next();
    assert.is(reason.code, 'BUSY');
    await dropped.waitClosed();
    assert.not.ok(squatters[1]!.closed, 'only one squatter made room');
    assert.ok(server.logs.some((e) => e.category === 'Security' && /dropped before admission/.test(e.message)));
  });
});

/** Whether this system lets a socket use 127.0.0.2 as its source (Linux does). */
async function secondLoopback(port: number): Promise<boolean> {
  try {
    (await RawConnection.open(port, '127.0.0.2')).destroy();
    return true;
  } catch {
    return false;
  }
}

/** Linux puts the whole 127/8 on the loopback interface, so 127.0.0.2 is a source address too. */
const loopbackIsSlashEight =
  process.platform === 'linux' &&
  Object.values(networkInterfaces()).some((list) =>
    list?.some((a) => a.family === 'IPv4' && a.internal && a.address === '127.0.0.1' && a.netmask === '255.0.0.0'),
  );
const secondLoopbackTest = testIf(test, conditionNeed(loopbackIsSlashEight ? undefined : '127.0.0.2 is not usable as a source address here'));

secondLoopbackTest('a squatter on another machine that re-opens every connection it loses never keeps a real client out', async () => {
  await withServer({ sharePath: join(base, 'share'), maxClients: 5, admission: { perAddress: 4, total: 8, graceMs: 50 } }, async (server) => {
    assert.ok(await secondLoopback(server.port), 'a connection from 127.0.0.2 opens (the loopback interface holds 127.0.0.0/8)');
    let stop = false;
    let reopened = 0;
    // Ten silent connections at all times, each re-opened as soon as it is dropped.
    const keep = async (): Promise<void> => {
      while (!stop && reopened < 500) {
        const r = await RawConnection.open(server.port, '127.0.0.2').catch(() => undefined);
        if (!r) continue;
        raws.push(r);
        reopened++;
        await r.waitClosed(60_000).catch(() => undefined);
      }
    };
    const squat = Promise.all(Array.from({ length: 10 }, () => keep()));
    try {
      // The squatters are in place: all ten have connected at least once.
      await waitUntil(() => reopened >= 10, 'the ten squatters to connect', { timeoutMs: 10_000 });
      for (let i = 0; i < 3; i++) {
        const c = await clients.connect(server.port);
        assert.equal(
          (await c.list()).entries.map((e) => e.path),
          ['file.txt'],
        );
        c.close();
      }
    } finally {
      stop = true;
      for (const r of raws) r.destroy();
      await squat;
    }
  });
});

test('before HELLO a frame over 8 KiB is BAD_FRAME as soon as its length is read, on the main and the chat port', async () => {
  await withServer({ sharePath: join(base, 'share') }, async (server) => {
    for (const port of [server.port, server.server.chatPort]) {
      const raw = await RawConnection.open(port);
      raws.push(raw);
      // Only the header: the server must not wait for (or buffer) the 64 KiB it announces.
      raw.sendBytes(Buffer.from([0x01, 0x00, 0x01, 0x00, 0x00]));
      const reply = await raw.next();
      assert.is(reply.code, 'BAD_FRAME');
      assert.match(String(reply.message), /8192-byte limit/);
      await raw.waitClosed();
    }
    // After HELLO the ordinary limit applies again: a 64 KiB control frame is read.
    const { raw, welcome } = await RawConnection.hello(server.port);
    raws.push(raw);
    assert.is(welcome.type, 'WELCOME');
    raw.send({ type: 'PING', id: 1, pad: 'x'.repeat(64 * 1024) });
    assert.is((await raw.next()).type, 'PONG');
  });
});

test.run();
