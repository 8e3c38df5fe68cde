// Neutralino never stops an extension: the real netcore bundle must end by itself when its
// socket closes, when the window asks to close, and when the app that started it is gone,
// even though the socket is still open. It retries a refused connection a bounded number of
// times, and refuses start-up data it cannot use.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { BridgeHarness, type HarnessOptions } from '../../support/bridge-harness';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil, within } from '../../support/wait';

let base = '';
let n = 0;

test.before(async () => {
  base = await makeTempDir('bridge-lifecycle');
});

test.after(async () => {
  await removeDir(base);
});

async function harness(options: Partial<HarnessOptions> = {}) {
  return BridgeHarness.start({ dataDir: join(base, `data-${++n}`), ...options });
}

function stopReason(h: BridgeHarness): string | undefined {
  return h.logLines().find((l) => l.message === 'netcore is stopping')?.reason as string | undefined;
}

test('exits with status 0 when Neutralino closes the socket', async () => {
  const h = await harness();
  try {
    await h.waitConnected();
    h.socket!.close(1001, 'going away');
    const exit = await within(h.childExit, 15_000, 'netcore to exit after the socket closed');
    assert.equal(exit, { code: 0, signal: null });
    assert.match(stopReason(h) ?? '', /connection to Neutralino closed/);
    assert.ok(h.logLines().some((l) => l.message === 'netcore stopped' && l.status === 0));
  } finally {
    await h.close();
  }
});

test('on windowClose it closes the core, then its socket, and exits with status 0', async () => {
  const h = await harness();
  try {
    await h.waitConnected();
    const closed = new Promise<number>((resolve) => h.socket!.once('close', (code) => resolve(code)));
    h.sendEvent('windowClose', null);
    const exit = await within(h.childExit, 20_000, 'netcore to exit after windowClose').catch((err: Error) => {
      throw new Error(
        `${err.message}\n${h
          .logLines()
          .map((l) => JSON.stringify(l))
          .join('\n')}\n${h.output}`,
      );
    });
    assert.equal(exit, { code: 0, signal: null });
    assert.is(await within(closed, 5_000, 'the socket to close'), 1000, 'netcore closed the socket itself');
    assert.is(stopReason(h), 'the window was closed');
  } finally {
    await h.close();
  }
});

test('exits when its parent process dies, though the socket is still open', async () => {
  const h = await harness({ launch: 'parent' });
  try {
    await h.waitConnected();
    await waitUntil(() => h.logLines().some((l) => l.message === 'connected to Neutralino'), 'the bridge to log its connection');
    process.kill(h.child.pid!, 'SIGKILL');
    await h.waitNetcoreExit(15_000);
    assert.match(stopReason(h) ?? '', /parent process \d+ exited/);
  } finally {
    await h.close();
  }
});

if (process.platform === 'linux') {
  test('started through a shell as Neutralino does, it exits when the app above the shell dies', async () => {
    const h = await harness({ launch: 'shell' });
    try {
      await h.waitConnected();
      await waitUntil(() => h.logLines().some((l) => l.message === 'connected to Neutralino'), 'the bridge to log its connection');
      const connected = h.logLines().find((l) => l.message === 'connected to Neutralino')!;
      assert.ok((connected.watching as number[]).includes(h.child.pid!), `watching ${JSON.stringify(connected.watching)}, launcher ${h.child.pid}`);
      process.kill(h.child.pid!, 'SIGKILL');
      await h.waitNetcoreExit(15_000);
      assert.match(stopReason(h) ?? '', /process \d+ exited/);
    } finally {
      await h.close();
    }
  });
}

test('messages sent the moment it connects are not lost', async () => {
  const h = await harness({
    greet: [
      { event: 'extClientConnect', data: 'app.prosecuresuite.netcore' },
      { event: 'netcore:request', data: { kind: 'request', id: 1, command: 'server.status', payload: {} } },
    ],
  });
  try {
    const answer = await h.waitForBroadcast((b) => b.event === 'netcore:response', 'the answer to the first request');
    assert.is((answer.data as { id: number; ok: boolean }).id, 1);
    assert.ok((answer.data as { ok: boolean }).ok);
  } finally {
    await h.close();
  }
});

test('retries refused connections with a growing delay, then connects', async () => {
  const h = await harness({ rejectFirst: 3 });
  try {
    await h.waitConnected();
    assert.equal(
      h.attempts.map((a) => a.accepted),
      [false, false, false, true],
    );
    await waitUntil(() => h.logLines().some((l) => l.message === 'connected to Neutralino'), 'the bridge to log its connection');
    assert.equal(
      h
        .logLines()
        .filter((l) => l.message === 'connecting to Neutralino failed; trying again')
        .map((l) => l.attempt),
      [1, 2, 3],
    );
  } finally {
    await h.close();
  }
});

test('start-up data it cannot use ends it with status 1 and a line in its log', async () => {
  const h = await harness({ stdin: '{"nlPort":"not a port"}' });
  try {
    const exit = await within(h.childExit, 15_000, 'netcore to exit');
    assert.equal(exit, { code: 1, signal: null });
    const line = h.logLines().find((l) => l.message === 'netcore could not start');
    assert.match(String(line?.error), /nlPort/);
    assert.is(h.attempts.length, 0);
  } finally {
    await h.close();
  }
});

test.run();
