// "Saved as" on a real file system that refuses Windows' names (PROTOCOL.md §5.2, §6.2):
// `pss serve` on Linux shares names only Windows forbids, and `pss get --all` saves them
// into an exFAT volume mounted through FUSE, as onto a USB stick. Nothing tells the client
// what the volume is: its probe finds that `:` is refused and that case is ignored. Each
// file arrives byte-exact under its mapped name and is reported ("saved as" in text,
// `savedAs` in --json); two names that map to one name stay two files; a download cut
// mid-file resumes from the mapped .part; a later run finds every mapped name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliProcess, jsonLines, linesOf, runCli, startCliServer, type CliServer } from '../../support/cli-runner';
import { fatVolumeNeeds, mountFatVolume, tearDownVolumeTest, type FatVolume } from '../../support/fat-volume';
import { testIf } from '../../support/tools';
import { assertTreeMatches, partFilesIn, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir } from '../../support/temp-dir';
import { waitUntil, within } from '../../support/wait';

const MIB = 1 << 20;
const BIG = 'big: one?.bin';

/** Each shared file and the name it must have on the volume. */
const SAVED_AS: ReadonlyArray<readonly [wire: string, local: string]> = [
  ['Song: Remix.mp3', 'Song\uFF1A Remix.mp3'],
  ['what?.txt', 'what\uFF1F.txt'],
  ['trail.', 'trail\uFF0E'],
  ['a<b>.txt', 'a\uFF1Cb\uFF1E.txt'],
  ['CON.txt', 'CON_.txt'],
  ['x|y.txt', 'x\uFF5Cy.txt'],
  [`it's "quoted".txt`, `it's \uFF02quoted\uFF02.txt`],
  ['a:b.txt', 'a\uFF1Ab.txt'],
  ['C:/x.txt', 'C\uFF1A/x.txt'],
  ['album: live/01 intro?.mp3', 'album\uFF1A live/01 intro\uFF1F.mp3'],
  // Two names that become one here: the one the volume stores as it is keeps it.
  ['ab:c.txt', 'ab\uFF1Ac (2).txt'],
  ['ab\uFF1Ac.txt', 'ab\uFF1Ac.txt'],
  ['A.txt', 'A.txt'],
  ['a.txt', 'a (2).txt'],
  [BIG, 'big\uFF1A one\uFF1F.bin'],
  ['plain.txt', 'plain.txt'],
];
const LOCAL = new Map(SAVED_AS);
const RENAMED = SAVED_AS.filter(([wire, local]) => wire !== local);

const volumeNeeds = fatVolumeNeeds();
const volumeTest = testIf(test, ...volumeNeeds);

let base = '';
let share = '';
let volume: FatVolume | undefined;
/** Why the machine refused the volume, when it did though root, FUSE and a loop device are here. */
let refused = '';
let dest = '';
let serverData = '';
let clientData = '';
let port = 0;
const files = new Map<string, FileFacts>();
const servers: CliServer[] = [];
const clients: CliProcess[] = [];

test.before(async () => {
  if (volumeNeeds.some((n) => n.missing !== undefined)) return;
  base = await makeTempDir('cli-fat');
  share = join(base, 'share');
  // Whole seconds: exFAT keeps modification times to 10 ms.
  let seconds = 1_700_000_000;
  for (const [wire] of SAVED_AS) {
    const size = wire === BIG ? 48 * MIB + 5 : 1_000 + 13 * files.size;
    files.set(wire, await writeRandomFile(join(share, ...wire.split('/')), size, (seconds += 61)));
  }
  serverData = await makeSubDir(base, 'server-data');
  clientData = await makeSubDir(base, 'client-data');
  const mounted = await mountFatVolume(base);
  if ('refused' in mounted) {
    refused = mounted.refused;
    return;
  }
  volume = mounted.volume;
  dest = join(volume.dir, 'from server');
});

test.after(() => tearDownVolumeTest([...clients.splice(0), ...servers.splice(0)], volume, base));

const serve = async (at?: number): Promise<CliServer> => {
  const s = await startCliServer(share, { cwd: base, dataDir: serverData, ...(at !== undefined ? { port: at } : {}) });
  servers.push(s);
  return s;
};
const getArgs = (...extra: string[]) => ['get', `127.0.0.1:${port}`, '--all', '--out', dest, '--data-dir', clientData, ...extra];
const expected = () => new Map([...files].map(([wire, facts]) => [LOCAL.get(wire)!, facts]));

/** path → the name printed on the "saved as" line under it, for every file reported. */
function savedAsLines(stdout: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const lines = linesOf(stdout);
  lines.forEach((line, i) => {
    const m = /^[✓=] (.*?)(?: \((?:resumed at [^)]*|already downloaded)\))?$/.exec(line);
    if (!m) return;
    const next = lines[i + 1] ?? '';
    out.set(m[1]!, next.startsWith('  saved as ') ? next.slice('  saved as '.length) : undefined);
  });
  return out;
}

volumeTest('the volume is a real one that refuses Windows names and ignores case', async () => {
  assert.ok(volume, `the machine refused the volume: ${refused}`);
  assert.not.ok(
    await writeFile(join(volume.dir, 'a:b.txt'), 'x').then(
      () => true,
      () => false,
    ),
    'the volume stored a colon',
  );
  await writeFile(join(volume.dir, 'Case.txt'), 'x');
  assert.ok((await lstat(join(volume.dir, 'CASE.TXT')).catch(() => undefined))?.isFile(), 'the volume tells case apart');
});

volumeTest(
  'pss get --all into the volume, cut mid-file: the same command resumes the mapped .part, every file byte-exact under its mapped name, each reported',
  async () => {
    assert.ok(volume, `the machine refused the volume: ${refused}`);
    const first = await serve();
    port = first.ready.mainPort;
    const big = files.get(BIG)!;
    const part = join(dest, `${LOCAL.get(BIG)!}.part`);
    const get = new CliProcess([...getArgs('--fingerprint', first.ready.fingerprint)], { cwd: base });
    clients.push(get);
    await waitUntil(
      async () => {
        if (get.hasExited) throw new Error(`get finished before the server could be stopped:\n${get.stdout}${get.stderr}`);
        const size = (await lstat(part).catch(() => undefined))?.size;
        return size !== undefined && size > 0 && size < big.size;
      },
      'the mapped .part of the big file holds some bytes',
      { timeoutMs: 30_000, intervalMs: 2 },
    );
    await first.stop('SIGKILL');
    const cut = await within(get.exited, 20_000, 'get to give up after the server died');
    assert.is(cut.code, 1, cut.stdout + cut.stderr);
    const meta = JSON.parse(await readFile(join(dest, `${LOCAL.get(BIG)!}.part.json`), 'utf8')) as { path: string; name: string };
    assert.equal([meta.path, meta.name], [BIG, LOCAL.get(BIG)], 'the sidecar records the wire path and the mapped name');
    const kept = (await lstat(part)).size;
    assert.ok(kept > 0 && kept < big.size, `a partial copy remains (${kept} bytes)`);

    await serve(port);
    const resumed = await runCli(getArgs(), { cwd: base, timeoutMs: 120_000 });
    assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`^✓ ${BIG.replace(/[?.]/g, '\\$&')} \\(resumed at [\\d.]+ MiB\\)$`, 'm'));
    const reported = savedAsLines(resumed.stdout);
    assert.equal([...reported.keys()].sort(), SAVED_AS.map(([wire]) => wire).sort(), resumed.stdout);
    for (const [wire, local] of SAVED_AS) assert.is(reported.get(wire), wire === local ? undefined : local, wire);
    assert.match(resumed.stdout, new RegExp(`^${RENAMED.length} files were saved under another name: this system cannot store their names$`, 'm'));
    await assertTreeMatches(dest, expected());
    assert.equal(await partFilesIn(dest), []);
  },
);

volumeTest('--json: a later run finds every file under its mapped name, fetches nothing, and reports savedAs', async () => {
  assert.ok(volume, `the machine refused the volume: ${refused}`);
  assert.ok(port !== 0, 'the test before this one ran a server');
  const again = await runCli(getArgs('--json'), { cwd: base, timeoutMs: 60_000 });
  assert.is(again.code, 0, again.stdout + again.stderr);
  const events = jsonLines<{ event: string; path?: string; status?: string; savedAs?: string; renamed?: number; bytes?: number }>(again.stdout);
  const perFile = events.filter((e) => e.event === 'file');
  assert.equal(perFile.map((e) => [e.path, e.status]).sort(), SAVED_AS.map(([wire]) => [wire, 'skipped']).sort());
  for (const e of perFile) assert.is(e.savedAs, LOCAL.get(e.path!) === e.path ? undefined : LOCAL.get(e.path!), e.path);
  const done = events.at(-1)!;
  assert.is(done.event, 'done');
  assert.is(done.renamed, RENAMED.length);
  assert.is(done.bytes, 0);
  await assertTreeMatches(dest, expected());
});

test.run();
