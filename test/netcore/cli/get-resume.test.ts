// `pss get` survives the server dying mid-file: it exits non-zero saying how to resume,
// keeps name.part + name.part.json, and the same command resumes against the restarted
// server (same port, same data folder, so the same certificate). A file that changed on
// the server in between is refused and its stale partial copy discarded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFile, lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliProcess, linesOf, runCli, startCliServer, type CliServer } from '../../support/cli-runner';
import { assertTreeMatches, partFilesIn, sha256File, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { waitUntil, within } from '../../support/wait';

const MIB = 1 << 20;

let base = '';
const servers: CliServer[] = [];
const clients: CliProcess[] = [];

test.before.each(async () => {
  base = await makeTempDir('cli-resume');
});

test.after.each(async () => {
  for (const c of clients.splice(0)) await c.stop('SIGKILL').catch(() => undefined);
  for (const s of servers.splice(0)) await s.stop('SIGKILL').catch(() => undefined);
  await removeDir(base);
});

async function serve(share: string, dataDir: string, port?: number): Promise<CliServer> {
  const s = await startCliServer(share, { cwd: base, dataDir, ...(port !== undefined ? { port } : {}) });
  servers.push(s);
  return s;
}

const sizeOf = async (path: string): Promise<number | undefined> => (await lstat(path).catch(() => undefined))?.size;

test('the server killed mid-file: get exits 1 keeping the .part, and the same command resumes after a restart', async () => {
  const share = join(base, 'share');
  const files = new Map<string, FileFacts>([
    ['a small.txt', await writeRandomFile(join(share, 'a small.txt'), 777, 1_690_000_000.5)],
    ['big.bin', await writeRandomFile(join(share, 'big.bin'), 64 * MIB + 11, 1_690_000_100.25)],
  ]);
  const big = files.get('big.bin')!;
  const serverData = await makeSubDir(base, 'server-data');
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  const part = join(out, 'big.bin.part');

  const first = await serve(share, serverData);
  const port = first.ready.mainPort;
  const args = ['get', `127.0.0.1:${port}`, '--all', '--out', out, '--data-dir', clientData];
  const get = new CliProcess([...args, '--fingerprint', first.ready.fingerprint], { cwd: base });
  clients.push(get);
  // As soon as some of big.bin is on disk, the server dies without a word.
  await waitUntil(
    async () => {
      if (get.hasExited) throw new Error(`get finished before the server could be killed:\n${get.stdout}${get.stderr}`);
      const size = await sizeOf(part);
      return size !== undefined && size > 0 && size < big.size;
    },
    'big.bin.part holds some bytes',
    { timeoutMs: 20_000, intervalMs: 2 },
  );
  const killed = await first.stop('SIGKILL');
  assert.is(killed.signal, 'SIGKILL');

  const cut = await within(get.exited, 20_000, 'get to give up after the server died');
  assert.is(cut.code, 1, cut.stderr);
  assert.match(cut.stderr, /big\.bin: .*run again to resume \[CONNECTION_LOST\]/);
  assert.match(linesOf(cut.stderr).at(-1)!, /^pss: .*\[CONNECTION_LOST\]$/, cut.stderr);
  assert.match(cut.stdout, /^✓ a small\.txt$/m);
  const kept = (await sizeOf(part))!;
  assert.ok(kept > 0 && kept < big.size, `a partial .part remains (${kept} bytes)`);
  const meta = JSON.parse(await readFile(join(out, 'big.bin.part.json'), 'utf8'));
  assert.equal(meta, { version: 1, path: 'big.bin', size: big.size, mtimeMs: Math.trunc(big.mtimeMs), name: 'big.bin' });

  const second = await serve(share, serverData, port);
  assert.is(second.ready.mainPort, port);
  assert.is(second.ready.fingerprint, first.ready.fingerprint, 'same data folder, same certificate');
  // No --fingerprint now: the pin from the first run must be enough.
  const resumed = await runCli(args, { cwd: base, timeoutMs: 30_000 });
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /^✓ big\.bin \(resumed at [\d.]+ MiB\)$/m);
  assert.match(resumed.stdout, /^= a small\.txt \(already downloaded\)$/m);
  await assertTreeMatches(out, files);
  assert.equal(await partFilesIn(out), []);

  const stopped = await second.stop('SIGINT');
  assert.is(stopped.code, 0, stopped.stderr);
});

test('a partial download of a file that changed since is refused with FILE_CHANGED; the next run starts over', async () => {
  const share = join(base, 'share');
  const source = join(share, 'report.bin');
  const old = await writeRandomFile(source, 2 * MIB + 1, 1_680_000_000.75);
  const out = await makeSubDir(base, 'out');
  await writeFile(join(out, 'report.bin.part'), (await readFile(source)).subarray(0, MIB));
  await writeFile(join(out, 'report.bin.part.json'), JSON.stringify({ version: 1, path: 'report.bin', size: old.size, mtimeMs: Math.trunc(old.mtimeMs) }));
  await appendFile(source, 'a new version');

  const server = await serve(share, await makeSubDir(base, 'server-data'));
  const args = ['get', `127.0.0.1:${server.ready.mainPort}`, '--all', '--out', out, '--trust-new', '--data-dir', await makeSubDir(base, 'client-data')];
  const refused = await runCli(args, { cwd: base });
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /report\.bin: .*changed.*discarded.*\[FILE_CHANGED\]/);
  assert.equal(await partFilesIn(out), []);
  assert.is(await sizeOf(join(out, 'report.bin')), undefined);

  const fresh = await runCli(args, { cwd: base });
  assert.is(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout, /^✓ report\.bin$/m);
  assert.is(await sha256File(join(out, 'report.bin')), await sha256File(source));
});

test.run();
