// Download progress through the contract: while two clients each fetch a 64 MiB file, the
// server reports every session's status, file, progress and bytes in session.changed
// events coalesced to a few a second per session; each client Core reports client.progress
// ending at doneBytes === totalBytes; the files arrive byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionInfo } from '../../../extensions/netcore/src/contract';
import { closeAll, CoreDriver, maxInWindow } from '../../support/core-driver';
import { sha256File, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { delay, within } from '../../support/wait';

const MIB = 1 << 20;
const SIZE = 64 * MIB;
/** SESSION_EVENT_INTERVAL_MS and PROGRESS_INTERVAL_MS are 250 ms: at most five in any second, one more for timer jitter. */
const MAX_EVENTS_PER_SECOND = 6;

let base = '';
let facts: FileFacts;

test.before(async () => {
  base = await makeTempDir('core-progress');
  facts = await writeRandomFile(join(base, 'share', 'big.bin'), SIZE);
});

test.after(async () => {
  await removeDir(base);
});

function assertNonDecreasing(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++) {
    assert.ok(values[i]! >= values[i - 1]!, `${what} went down: ${values.join(', ')}`);
  }
}

test('session.changed and client.progress follow two concurrent 64 MiB downloads, coalesced, and the bytes are exact', async () => {
  const server = await CoreDriver.create('server');
  const clients = [await CoreDriver.create('alpha'), await CoreDriver.create('beta')];
  try {
    const { mainPort } = await server.startServer(join(base, 'share'));
    for (const c of clients) await c.connect(mainPort!, { displayName: `progress-${c.label}`, chat: true });
    const sessions = await Promise.all(clients.map((c) => server.session(`progress-${c.label}`, (s) => s.chatReady)));
    // Time is the subject: the coalescer reports a session's change at once only when
    // SESSION_EVENT_INTERVAL_MS (250 ms) have passed since its last report, and the login's
    // reports were just now. Past that, a download's first report is immediate.
    await delay(300);

    const serverMark = server.mark();
    const clientMarks = clients.map((c) => c.mark());
    const started = Date.now();
    const summaries = await within(
      Promise.all(clients.map((c) => c.handle('client.download', { paths: ['big.bin'], destination: join(base, `into-${c.label}`) }))),
      30_000,
      'both downloads',
    );

    for (const [i, c] of clients.entries()) {
      const summary = summaries[i]!;
      assert.ok(summary.ok, JSON.stringify(summary.files));
      assert.equal(summary.files, [{ path: 'big.bin', status: 'done' }]);
      assert.is(summary.bytes, SIZE);
      const target = join(base, `into-${c.label}`, 'big.bin');
      assert.is(summary.destination, join(base, `into-${c.label}`));
      assert.is(await sha256File(target), facts.sha256);
      assert.not.ok(existsSync(`${target}.part`), 'no .part is left');
      assert.equal(c.payloads('client.file', clientMarks[i]), [{ path: 'big.bin', status: 'done' }]);

      const progress = c.recorded('client.progress', clientMarks[i]);
      assert.ok(progress.length >= 2, `${c.label}: only ${progress.length} client.progress events`);
      assertNonDecreasing(
        progress.map((p) => p.payload.doneBytes),
        `${c.label} doneBytes`,
      );
      for (const p of progress) {
        assert.is(p.payload.totalBytes, SIZE);
        assert.is(p.payload.filesTotal, 1);
        assert.ok(p.payload.doneBytes <= SIZE);
      }
      const last = progress.at(-1)!.payload;
      assert.is(last.doneBytes, last.totalBytes);
      assert.is(last.filesDone, 1);
      assert.is(last.etaSeconds, 0);
      assert.ok(
        maxInWindow(
          progress.map((p) => p.at),
          1_000,
        ) <= MAX_EVENTS_PER_SECOND,
        `${c.label}: client.progress is not coalesced`,
      );
      const phases = c.payloads('client.state', clientMarks[i]).map((s) => s.phase);
      assert.ok(phases.includes('downloading'), `${c.label}: phases ${phases.join(', ')}`);
      assert.is(phases.at(-1), 'connected');
    }

    for (const session of sessions) {
      // The end of the transfer is reported too (possibly one interval later).
      await server.waitFor('session.changed', (s) => s.id === session.id && s.status === 'idle', { since: serverMark, timeoutMs: 2_000 });
      const events = server.recorded('session.changed', serverMark).filter((r) => r.payload.id === session.id);
      const downloading = events.map((r) => r.payload).filter((s) => s.status === 'downloading');
      const name = session.name;
      assert.ok(downloading.length >= 2, `${name}: only ${downloading.length} downloading events`);
      for (const s of downloading) {
        assert.is(s.currentFile, 'big.bin');
        assert.ok(s.progress >= 0 && s.progress <= 100);
        // First download of the session: everything it sent belongs to this file.
        assert.ok(Math.abs(s.progress - (s.bytesSent / SIZE) * 100) < 1e-6, `${name}: progress ${s.progress} for ${s.bytesSent} bytes`);
      }
      assert.ok(downloading[0]!.progress < 50, `${name}: the first report came late, at ${downloading[0]!.progress}%`);
      assertNonDecreasing(
        downloading.map((s) => s.progress),
        `${name} progress`,
      );
      assertNonDecreasing(
        events.map((r) => r.payload.bytesSent),
        `${name} bytesSent`,
      );
      assert.ok(
        downloading.some((s) => s.bytesPerSecond > 0),
        `${name}: no speed was reported`,
      );
      const final: SessionInfo = events.at(-1)!.payload;
      assert.is(final.status, 'idle');
      assert.is(final.currentFile, null);
      assert.is(final.bytesSent, SIZE);
      assert.is((await server.session(name)).bytesSent, SIZE);

      const perSecond = maxInWindow(
        events.map((r) => r.at),
        1_000,
      );
      assert.ok(perSecond <= MAX_EVENTS_PER_SECOND, `${name}: ${perSecond} session.changed events within one second`);
      const seconds = Math.max(1, (events.at(-1)!.at - started) / 1_000);
      assert.ok(events.length <= Math.ceil(seconds * 5) + 2, `${name}: ${events.length} events in ${seconds.toFixed(1)} s`);
    }
  } finally {
    await closeAll(...clients, server);
  }
});

test.run();
