// Many small files (PROTOCOL.md §6.2): they are written, flushed and renamed in batches,
// and that must never leave a wrong file under a final name. `pss get` of 2,000 files is
// killed at random points; after every kill each file with its final name must equal the
// server's byte for byte (and carry its modification time), and the same command run again
// must complete the rest. The server dying in the middle is resumed the same way, and the
// files finished before it died are not asked for again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { CliProcess, runCli, startCliServer, type CliServer } from '../../support/cli-runner';
import { assertFinalFilesExact, assertTreeMatches, partFilesIn, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil, within } from '../../support/wait';

const FILES = 2_000;
const FOLDERS = 20;
const MIB = 1 << 20;

let base = '';
const servers: CliServer[] = [];
const clients: CliProcess[] = [];

test.before.each(async () => {
  base = await makeTempDir('cli-many');
});

test.after.each(async () => {
  for (const c of clients.splice(0)) await c.stop('SIGKILL').catch(() => undefined);
  for (const s of servers.splice(0)) await s.stop('SIGKILL').catch(() => undefined);
  await removeDir(base);
});

/** A small seeded generator, so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 2,000 files in 20 folders: mostly up to 24 KiB, some empty, and a few over 1 MiB (the unbatched path). */
async function makeManyFiles(share: string, rnd: () => number): Promise<Map<string, FileFacts>> {
  const files = new Map<string, FileFacts>();
  let seconds = 1_600_000_000.25;
  for (let i = 0; i < FILES; i++) {
    const wire = `folder ${String(i % FOLDERS).padStart(2, '0')}/file ${String(i).padStart(4, '0')}.bin`;
    const size = i % 400 === 7 ? MIB + 1 + Math.floor(rnd() * MIB) : i % 97 === 0 ? 0 : Math.floor(rnd() * 24 * 1024);
    seconds += 61.5;
    files.set(wire, await writeRandomFile(join(share, ...wire.split('/')), size, seconds));
  }
  return files;
}

const fileEvents = (stdout: string): number => stdout.split('"event":"file"').length - 1;

test('pss get of 2,000 files killed at random points: every final name is byte-exact, and a re-run completes the rest', async () => {
  const seed = Number(process.env.PSS_TEST_SEED) || Date.now() % 1_000_000;
  const rnd = random(seed);
  const share = join(base, 'share');
  const files = await makeManyFiles(share, rnd);
  const server = await startCliServer(share, { cwd: base, dataDir: await makeSubDir(base, 'server-data') });
  servers.push(server);
  const out = await makeSubDir(base, 'out');
  const args = [
    'get',
    `127.0.0.1:${server.ready.mainPort}`,
    '--all',
    '--json',
    '--out',
    out,
    '--fingerprint',
    server.ready.fingerprint,
    '--data-dir',
    await makeSubDir(base, 'client-data'),
  ];

  let complete = 0;
  for (let kill = 1; kill <= 4; kill++) {
    const get = new CliProcess(args, { cwd: base });
    clients.push(get);
    // Somewhere in the next few hundred files of this run: mid-batch, mid-rename, mid-file.
    const after = 1 + Math.floor(rnd() * 300);
    await waitUntil(() => get.hasExited || fileEvents(get.stdout) >= after, `pss get to report ${after} files (seed ${seed})`, {
      timeoutMs: 60_000,
      intervalMs: 1,
    });
    if (get.hasExited) break;
    const killed = await get.stop('SIGKILL');
    assert.is(killed.signal, 'SIGKILL');
    const now = await assertFinalFilesExact(out, files, `after kill ${kill} (seed ${seed})`);
    assert.ok(now >= complete, `files under their final names stay there (${now} after ${complete}, seed ${seed})`);
    complete = now;
  }
  assert.ok(complete > 0 && complete < FILES, `the kills landed mid-download (${complete} of ${FILES} complete, seed ${seed})`);

  const rest = await runCli(args, { cwd: base, timeoutMs: 120_000 });
  assert.is(rest.code, 0, `seed ${seed}: ${rest.stderr}`);
  await assertTreeMatches(out, files);
  assert.equal(await partFilesIn(out), [], 'no partial files are left');
});

test('the server dying in the middle of 2,000 files: get stops, and the same command completes them after a restart', async () => {
  const rnd = random(20_261_207);
  const share = join(base, 'share');
  const files = await makeManyFiles(share, rnd);
  const serverData = await makeSubDir(base, 'server-data');
  const first = await startCliServer(share, { cwd: base, dataDir: serverData });
  servers.push(first);
  const port = first.ready.mainPort;
  const out = await makeSubDir(base, 'out');
  const args = [
    'get',
    `127.0.0.1:${port}`,
    '--all',
    '--json',
    '--out',
    out,
    '--fingerprint',
    first.ready.fingerprint,
    '--data-dir',
    await makeSubDir(base, 'client-data'),
  ];
  const get = new CliProcess(args, { cwd: base });
  clients.push(get);
  // The server logs each file it starts sending: it dies once it has begun the 30th, long
  // before it could have sent all 2,000 (a few hundred milliseconds of sending at most
  // pass between that line and the kill).
  const thirtieth = 'sending folder 00/file 0580.bin';
  await waitUntil(() => get.hasExited || first.process.stdout.includes(thirtieth), 'the server to start sending the 30th file', {
    timeoutMs: 60_000,
    intervalMs: 1,
  });
  assert.not.ok(get.hasExited, `get finished before the server could be killed:\n${get.stderr}`);
  await first.stop('SIGKILL');

  const cut = await within(get.exited, 30_000, 'get to give up after the server died');
  assert.is(cut.code, 1, cut.stderr);
  assert.match(cut.stderr, /\[CONNECTION_LOST\]/);
  const before = await assertFinalFilesExact(out, files, 'after the server died');
  assert.ok(before < FILES, `${before} files complete when the server died`);

  const second = await startCliServer(share, { cwd: base, dataDir: serverData, port });
  servers.push(second);
  const resumed = await runCli(args, { cwd: base, timeoutMs: 120_000 });
  assert.is(resumed.code, 0, resumed.stderr);
  const lines = resumed.stdout.split('\n').filter((l) => l.includes('"event":"file"'));
  const skipped = lines.filter((l) => l.includes('"status":"skipped"')).length;
  assert.ok(skipped >= before, `the files finished before are not asked for again (${skipped} skipped, ${before} were complete)`);
  await assertTreeMatches(out, files);
  assert.equal(await partFilesIn(out), []);
});

test.run();
