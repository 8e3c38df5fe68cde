// A download held at the administrator's pause gate ends when its client leaves: its share of
// the request budget goes back at once, not at Resume, so clients that come and go while the
// server is paused do not crowd out the next ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawConnection } from '../../support/raw-connection';
import { rawServerSuite } from '../../support/raw-server-suite';
import { waitUntil } from '../../support/wait';

const { server, raws } = rawServerSuite(test, 'paused-requests', { 'big.bin': 4 << 20 });

async function client(): Promise<RawConnection> {
  const raw = await RawConnection.welcomed(server().port, raws);
  return raw;
}

test('a client that leaves while its download is paused gives its request budget back at once', async () => {
  server().server.pause();
  // Each of these requests holds more than half the budget for requests being served
  // (4 MiB, about 2 bytes a path character and 96 a file), so two cannot be served at once.
  const missing = Array.from({ length: 7_000 }, (_, i) => ({ path: `missing/${'m'.repeat(105)}-${i}`, offset: 0 }));
  const first = await client();
  first.send({ type: 'DOWNLOAD_FILES', files: [{ path: 'big.bin', offset: 0 }, ...missing] });
  const begin = await first.next();
  assert.is(begin.type, 'FILE_BEGIN', 'the download began and waits at the pause gate');
  const leftBefore = server().logs.filter((e) => e.message.startsWith('disconnected')).length;
  first.destroy();
  await waitUntil(() => server().logs.filter((e) => e.message.startsWith('disconnected')).length > leftBefore, 'the server to see the client leave', {
    timeoutMs: 10_000,
  });
  // Another client's request as large is taken (and waits at the gate too) instead of being refused BUSY.
  const second = await client();
  second.send({ type: 'DOWNLOAD_FILES', files: [{ path: 'big.bin', offset: 0 }, ...missing] });
  const answer = await second.next();
  assert.is(answer.type, 'FILE_BEGIN', JSON.stringify(answer));
  server().server.resume();
  const rest = await second.until('DOWNLOAD_DONE', 20_000);
  assert.equal(rest.at(-1), { type: 'DOWNLOAD_DONE', files: 1, bytes: 4 << 20, cancelled: false });
  assert.is(rest.filter((m) => m.type === 'FILE_ERROR').length, missing.length);
});

test.run();
