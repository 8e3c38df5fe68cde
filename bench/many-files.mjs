// `npm run bench:many-files`: shares of many small files, each row side by side with its
// baseline in the same run.
//  1. `pss get --all` of BENCH_SMALL_FILES files of BENCH_SMALL_KIB KiB in 20 folders, into a
//     folder on disk, against `scp -r` of the same tree and against `pss get` of one file of
//     the same total size; and the rate of the last 1,000 files done before the last bytes
//     arrived against the first 1,000 (firstLastRates()).
//     Targets: >= 1.5x scp -r, >= 0.5x the one-file rate, last/first >= 0.9 (median of runs).
//  2. `pss list --json` of a share of BENCH_LIST_FILES files against `find -printf` on the
//     same tree, twice (the second listing of an unchanged share), with the server's CPU
//     time per listing. Targets: under 1 s, at most 2x find, server CPU under 0.5 s.
//  3. The desktop client's time from Connect to the whole tree of the same 100,000-file share
//     on screen (Chromium through the test host, real UI and engine; bench/tree-timing.ts),
//     against `pss list --json` of that share in the same run. Target: within 1.5 s.
//  4. The web port's ZIP of BENCH_ZIP_FILES files of 64 KiB against one big file from the
//     same port (BENCH_WEB_MIB). Target: >= 0.3x.
// Before each measured download the disk is settled (`sync`) and the source read into
// memory, for every contender alike; the small-files row first waits until the files the
// last run deleted no longer slow down file creation (afterLastDeletions()). Peak RSS of
// server and client is printed for each row. BENCH_ROWS picks rows (small,list,tree,zip).
// Trees are cached between runs in the bench cache folder. Exit status: 0 when every
// measurement ran, 1 when one failed.
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intEnv } from './env.mjs';
import { CACHE_DIR, cachedRandomFile, makeTempDir, removeTempDirs, settleDisk, warmRead, warmTree } from './fixtures.mjs';
import { cpuSeconds, killAllNow, MeasurementError, MemoryWatch, runChecked, stopAll } from './processes.mjs';
import { startPss } from './pss.mjs';
import { ensureOpenSsh, scpTree, startSshd } from './scp.mjs';
import { fixed, median, mib, mibPerSecond, note, ratioLine, say, table } from './report.mjs';

const PSS = fileURLToPath(new URL('../scripts/pss.cjs', import.meta.url));
const c = {
  smallFiles: intEnv('BENCH_SMALL_FILES', 10_000),
  smallKiB: intEnv('BENCH_SMALL_KIB', 16),
  listFiles: intEnv('BENCH_LIST_FILES', 100_000),
  zipFiles: intEnv('BENCH_ZIP_FILES', 1000),
  webMiB: intEnv('BENCH_WEB_MIB', 256),
  runs: intEnv('BENCH_RUNS', 5),
  diskDir: process.env.BENCH_DISK_DIR || tmpdir(),
  timeoutMs: intEnv('BENCH_TIMEOUT_S', 600) * 1000,
  deletionWaitMs: intEnv('BENCH_DELETION_WAIT_S', 365) * 1000,
  rows: (process.env.BENCH_ROWS || 'small,list,tree,zip').split(',').map((r) => r.trim()),
};

/** A tree of `count` random files of `kib` KiB in 20 folders, cached by its shape. */
function cachedTree(label, count, kib, folders = 20) {
  const dir = join(CACHE_DIR, `${label}-${count}x${kib}KiB`);
  // The marker sits beside the tree, not in it: it would be shared as one more file.
  const complete = `${dir}.complete`;
  if (existsSync(complete)) return dir;
  note(`writing ${count} files of ${kib} KiB into ${dir} (cached for later runs)`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const buf = Buffer.allocUnsafe(kib * 1024);
  for (let i = 0; i < count; i++) {
    const folder = join(partial, `folder-${String(i % folders).padStart(2, '0')}`);
    if (i < folders) mkdirSync(folder, { recursive: true });
    randomFillSync(buf);
    writeFileSync(join(folder, `file-${String(i).padStart(6, '0')}.bin`), buf);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  writeFileSync(complete, '');
  return dir;
}

/**
 * Downloaded trees are deleted only once the row is measured. For minutes after thousands
 * of files are deleted, ext4 skips their inode numbers when it creates new files, checking
 * each in turn: `perf` showed 10,000 creations after such a deletion spend 190-420 us of
 * kernel time per file (`recently_deleted`, `find_inode_bit`) against 50 us otherwise, so
 * whichever contender ran next paid for the one before. A run started within minutes of
 * another would pay for the other's deletions, all but one file: see afterLastDeletions().
 */
const kept = [];
function keepUntilRowEnds(dir) {
  kept.push(dir);
}
function removeKept() {
  if (kept.length === 0) return;
  for (const dir of kept.splice(0)) rmSync(dir, { recursive: true, force: true });
  writeFileSync(DELETED_MARK, String(Date.now()));
}

/**
 * When a run last deleted its downloaded trees, for the next run. ext4 without a journal
 * checks each free inode a new file could take for a recent deletion (fs/ext4/ialloc.c,
 * recently_deleted(): within 60 s, or 360 s while its inode-table block is dirty) and skips
 * it, starting again for every file. In one profile two minutes after a run had deleted its
 * 100,000 files, the disk thread spent 37% of its time there (perf); deleting 100,000 files
 * between two sets of interleaved runs took the 10,000 files from 1.70 s to 1.83 s while one
 * file, a single creation, went from 0.87 s to 0.85 s. So the small-files row waits until
 * the last run's deletions are forgotten (BENCH_DELETION_WAIT_S, 365 s by default).
 * Deletions by anything else are not known here.
 */
const DELETED_MARK = join(CACHE_DIR, 'last-bulk-deletion');

async function afterLastDeletions() {
  let at;
  try {
    at = Number(readFileSync(DELETED_MARK, 'utf8'));
  } catch {
    return;
  }
  const wait = at + c.deletionWaitMs - Date.now();
  if (!(wait > 0)) return;
  note(`waiting ${Math.ceil(wait / 1000)} s until the files the last run deleted no longer slow down file creation`);
  await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Each contender starts alike: its source in memory, nothing of the run before waiting for the disk. */
async function readyFor({ tree, file }) {
  settleDisk();
  if (file) await warmRead(file);
  if (tree) warmTree(tree);
}

function pssArgs(ctx, extra) {
  return [PSS, ...extra, '--fingerprint', ctx.fingerprint, '--data-dir', ctx.clientDataDir];
}

/**
 * When a file event says its file was done (its `time`), in milliseconds since the epoch:
 * the client's own clock. Timed as they were read off a pipe, with both cores busy, the
 * lines came hundreds at once.
 */
function eventMs(event) {
  return typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
}

/**
 * When a process last received data: its bytes read so far (`rchar` in /proc/PID/io, which
 * counts sockets too) sampled every few milliseconds. The last sample that found them grown
 * by more than a few small reads saw data that came after the sample before it, whose time
 * is taken: a late timer (both cores are busy) can only make it earlier, never count the
 * files done after the data ended. For the client of a download that is when the last of
 * the files' bytes had not all arrived yet; what it does after is the disk catching up.
 */
class ReadWatch {
  constructor(pid, intervalMs = 5) {
    this.pid = pid;
    this.bytes = undefined;
    this.sampledMs = undefined;
    this.lastGrowthMs = undefined;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample() {
    const now = Date.now();
    let bytes;
    try {
      bytes = Number(/^rchar:\s+(\d+)/m.exec(readFileSync(`/proc/${this.pid}/io`, 'utf8'))?.[1]);
    } catch {
      return;
    }
    if (!Number.isFinite(bytes)) return;
    if (this.bytes !== undefined && bytes - this.bytes > READ_GROWTH_BYTES) this.lastGrowthMs = this.sampledMs;
    this.bytes = bytes;
    this.sampledMs = now;
  }

  /** When (epoch ms) data was last still arriving, or undefined. */
  stop() {
    clearInterval(this.timer);
    return this.lastGrowthMs;
  }
}
/** More than this between two samples is data arriving, not the flush helper's one-line answers. */
const READ_GROWTH_BYTES = 16 * 1024;

/**
 * One `pss get --all` into a fresh folder; the time of every finished file is recorded. Its
 * events go to a file, read once it has exited, so this process's timing cannot hold the
 * client: standard output to a pipe is written synchronously, and a reader that falls
 * behind stops the writer (with a light reader, 10 paired runs showed no difference).
 */
async function pssGetAll(ctx, expectFiles) {
  const out = makeTempDir(c.diskDir, 'pss-many-out-');
  const eventsDir = makeTempDir(c.diskDir, 'pss-many-events-');
  const eventsPath = join(eventsDir, 'events.jsonl');
  const eventsFd = openSync(eventsPath, 'w');
  let client;
  let reads;
  ctx.memory.mark();
  let r;
  try {
    r = await runChecked(process.execPath, pssArgs(ctx, ['get', `127.0.0.1:${ctx.port}`, '--all', '--json', '--out', out]), {
      timeoutMs: c.timeoutMs,
      stdout: eventsFd,
      onStart: (child) => {
        client = new MemoryWatch(child.pid, { wholeLife: true });
        reads = new ReadWatch(child.pid);
      },
    });
  } finally {
    closeSync(eventsFd);
  }
  // Read after the download, so parsing whole lines costs it nothing.
  const times = readFileSync(eventsPath, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((event) => event.event === 'file')
    .map(eventMs);
  const outcome = { seconds: r.elapsedMs / 1000, times, clientPeakKiB: client?.peakKiB() ?? 0, serverPeakKiB: ctx.memory.peakKiB() };
  client?.stop();
  // When the client's data was last still arriving (ReadWatch).
  outcome.arrivedAt = reads?.stop();
  if (times.length !== expectFiles) throw new MeasurementError(`pss get reported ${times.length} files, expected ${expectFiles}`);
  if (!times.every(Number.isFinite)) throw new MeasurementError('a file event of pss get says not when its file was done (no "time")');
  keepUntilRowEnds(out);
  keepUntilRowEnds(eventsDir);
  return outcome;
}

/**
 * When each file was done, spread over its batch. Files become durable a batch at a time
 * (256 to 1,024 of them), and a batch's file events all carry one time: counted by those
 * times, a window of 1,000 files took a whole batch or none of it, and one run measured its
 * last 1,000 files at 11,494 files/s, another at 200,005. So the files of a batch are taken
 * as done evenly between the batch before it and their own event; the first batch's files
 * all keep its time. Also returns the index of the first batch's last file.
 */
function spreadOverBatches(times) {
  const spread = [...times];
  let firstBatchEnd;
  let start = 0;
  for (let i = 1; i <= times.length; i++) {
    if (i < times.length && times[i] - times[i - 1] <= SAME_BATCH_MS) continue;
    firstBatchEnd ??= i - 1;
    const before = start > 0 ? times[start - 1] : times[start];
    const count = i - start;
    for (let k = 0; k < count; k++) spread[start + k] = before + ((k + 1) / count) * (times[i - 1] - before);
    start = i;
  }
  return { spread, firstBatchEnd: firstBatchEnd ?? 0 };
}
/** A batch's events leave within a millisecond of each other. */
const SAME_BATCH_MS = 1;

/**
 * Files per second of the first `n` files after the first batch, and of the last `n` done
 * before the last of the download's bytes arrived (`arrivedAt`). Counted from the start of
 * the process, the first files' rate took in connecting, listing and the first flush;
 * counted up to the last file, the last ones' took in the end of the download, when the
 * files waiting for the disk (thousands of them) are made durable with no more arriving:
 * neither check could fail. `drained`: the files done after the last bytes arrived.
 */
function firstLastRates(times, n, arrivedAt) {
  const { spread: at, firstBatchEnd: a } = spreadOverBatches(times);
  const first = a + n < at.length ? n / ((at[a + n] - at[a]) / 1000) : undefined;
  // Without the end of the data (no /proc/PID/io to read), the last window would take in
  // the drain and could not fail: it is not measured.
  if (arrivedAt === undefined) return { first, last: undefined, drained: undefined };
  let end = times.length - 1;
  while (end >= 0 && times[end] > arrivedAt) end--;
  // The two windows must not overlap (a short download, or most of it drained at the end).
  const last = end - n >= a + n ? n / ((at[end] - at[end - n]) / 1000) : undefined;
  return { first, last, drained: times.length - 1 - end };
}

async function rowSmallFiles(ssh) {
  const tree = cachedTree('small', c.smallFiles, c.smallKiB);
  const totalBytes = c.smallFiles * c.smallKiB * 1024;
  const bigMiB = Math.max(1, Math.round(totalBytes / (1 << 20)));
  const big = await cachedRandomFile(bigMiB, note);
  // One server for the tree, one for the big file (each shares what it is measured on).
  const treeCtx = await startPss({ shareDir: tree, workDir: makeTempDir(c.diskDir, 'pss-many-a-') });
  const bigWork = makeTempDir(c.diskDir, 'pss-many-b-');
  const bigShare = join(bigWork, 'share');
  mkdirSync(bigShare);
  linkSync(big.path, join(bigShare, big.name));
  const bigCtx = await startPss({ shareDir: bigShare, workDir: bigWork });
  await warmRead(big.path);
  await afterLastDeletions();

  const samples = { pss: [], scp: [], big: [], rates: [] };
  const n = Math.min(1000, Math.floor(c.smallFiles / 4));
  let last;
  for (let i = 0; i < c.runs; i++) {
    note(`small files: run ${i + 1} of ${c.runs}`);
    await readyFor({ tree });
    const got = await pssGetAll(treeCtx, c.smallFiles);
    samples.pss.push(got.seconds);
    samples.rates.push(firstLastRates(got.times, n, got.arrivedAt));
    last = got;
    if (ssh) {
      const out = makeTempDir(c.diskDir, 'scp-many-out-');
      await readyFor({ tree });
      samples.scp.push(await scpTree({ ctx: ssh, tree, destDir: out, timeoutMs: c.timeoutMs }));
      keepUntilRowEnds(out);
    }
    const bigOut = makeTempDir(c.diskDir, 'pss-big-out-');
    await readyFor({ file: big.path });
    const r = await runChecked(process.execPath, pssArgs(bigCtx, ['get', `127.0.0.1:${bigCtx.port}`, big.name, '--out', bigOut]), { timeoutMs: c.timeoutMs });
    samples.big.push(r.elapsedMs / 1000);
    keepUntilRowEnds(bigOut);
  }
  removeKept();
  const m = (k) => median(samples[k]);
  say(`## ${c.smallFiles} files x ${c.smallKiB} KiB in 20 folders (${fixed(totalBytes / (1 << 20))} MiB) into ${c.diskDir}, median of ${c.runs}`);
  say(
    table([
      ['contender', 'seconds', 'files/s', 'MiB/s'],
      ['pss get --all', fixed(m('pss'), 2), fixed(c.smallFiles / m('pss'), 0), fixed(mibPerSecond(totalBytes, m('pss')))],
      ['scp -r', ssh ? fixed(m('scp'), 2) : 'n/a', ssh ? fixed(c.smallFiles / m('scp'), 0) : 'n/a', ssh ? fixed(mibPerSecond(totalBytes, m('scp'))) : 'n/a'],
      [`pss get of one ${bigMiB} MiB file`, fixed(m('big'), 2), '', fixed(mibPerSecond(big.size, m('big')))],
    ]).join('\n'),
  );
  say(`  each run (s): pss get --all ${samples.pss.map((x) => fixed(x, 2)).join(' ')}; one file ${samples.big.map((x) => fixed(x, 2)).join(' ')}`);
  // The machine's speed drifts over minutes; the two downloads of one run are seconds apart.
  const paired = samples.pss.map((t, i) => samples.big[i] / t);
  say(`  many / one file (rate) within each run: ${paired.map((x) => fixed(x, 2)).join(' ')}; median ${fixed(median(paired), 2)}`);
  const decay = samples.rates.map((r) => (r.last === undefined || r.first === undefined ? undefined : r.last / r.first));
  const shown = (x, digits) => (x === undefined ? 'n/a' : fixed(x, digits));
  say(
    `  first ${n} files / last ${n} done before the last bytes arrived (files/s) in each run: ${samples.rates.map((r) => `${shown(r.first, 0)} / ${shown(r.last, 0)}`).join(', ')}`,
  );
  say(`  files done after the last bytes arrived, from the disk queue: ${samples.rates.map((r) => r.drained ?? 'n/a').join(' ')}`);
  // One run without a measurement leaves the median unknown, rather than taken over the rest.
  const decayMedian = decay.includes(undefined) ? undefined : median(decay);
  say(`  last / first within each run: ${decay.map((x) => shown(x, 2)).join(' ')}; median ${shown(decayMedian, 2)}`);
  say(`  peak RSS: server ${mib(last.serverPeakKiB)}, client ${mib(last.clientPeakKiB)}`);
  say(ratioLine('pss get / scp -r (time)', ssh ? m('scp') : undefined, m('pss'), 1.5));
  say(ratioLine('many small files / one file (rate)', totalBytes / m('pss'), big.size / m('big'), 0.5));
  say(ratioLine(`last / first ${n} files (rate, median of the runs)`, decayMedian, decayMedian === undefined ? undefined : 1, 0.9));
  say();
}

async function rowListing() {
  const tree = cachedTree('list', c.listFiles, 0, 100);
  const work = makeTempDir(c.diskDir, 'pss-list-work-');
  const ctx = await startPss({ shareDir: tree, workDir: work });
  const find = [];
  const lists = [];
  const cpu = [];
  let client;
  for (let i = 0; i < 2; i++) {
    const f = await runChecked('find', [tree, '-printf', '%P\\t%s\\t%T@\\n'], { timeoutMs: c.timeoutMs, stdout: () => {} });
    find.push(f.elapsedMs / 1000);
    const before = cpuSeconds(ctx.server.pid);
    ctx.memory.mark();
    let bytes = 0;
    const r = await runChecked(process.execPath, pssArgs(ctx, ['list', `127.0.0.1:${ctx.port}`, '--json']), {
      timeoutMs: c.timeoutMs,
      stdout: (chunk) => (bytes += chunk.length),
      onStart: (child) => (client = new MemoryWatch(child.pid, { wholeLife: true })),
    });
    lists.push({ seconds: r.elapsedMs / 1000, bytes, serverPeakKiB: ctx.memory.peakKiB(), clientPeakKiB: client?.peakKiB() ?? 0 });
    client?.stop();
    const after = cpuSeconds(ctx.server.pid);
    cpu.push(before === undefined || after === undefined ? undefined : after - before);
  }
  say(`## pss list --json of ${c.listFiles} files in 100 folders`);
  say(
    table([
      ['listing', 'pss list s', 'server CPU s', 'find s', 'JSON MiB', 'server peak', 'client peak'],
      ...lists.map((l, i) => [
        i === 0 ? 'first' : 'second (unchanged)',
        fixed(l.seconds, 2),
        fixed(cpu[i], 2),
        fixed(find[i], 2),
        fixed(l.bytes / (1 << 20)),
        mib(l.serverPeakKiB),
        mib(l.clientPeakKiB),
      ]),
    ]).join('\n'),
  );
  say(ratioLine('1 s / pss list (first listing)', 1, lists[0].seconds, 1.0));
  say(ratioLine('2 x find / pss list', 2 * find[0], lists[0].seconds, 1.0));
  say(ratioLine('0.5 s / server CPU per listing', 0.5, cpu[0], 1.0));
  say(ratioLine('first / second listing (server CPU)', cpu[0], cpu[1], 1.0));
  say();
}

async function rowTree() {
  const tree = cachedTree('list', c.listFiles, 0, 100);
  let out = '';
  await runChecked(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./tree-timing.ts', import.meta.url)), tree, String(c.listFiles)], {
    timeoutMs: c.timeoutMs,
    stdout: (chunk) => (out += chunk),
  });
  const r = JSON.parse(out.trim().split('\n').at(-1));
  say(`## the desktop client: Connect to the whole tree of ${c.listFiles} files on screen (Chromium, test host)`);
  if (r.skipped) {
    say(`n/a: ${r.skipped}\n`);
    return;
  }
  say(
    table([
      ['measurement', 'median s', 'runs'],
      ['Connect -> whole tree shown', fixed(median(r.tree), 2), r.tree.map((x) => fixed(x, 2)).join(' ')],
      ['pss list --json (baseline)', fixed(median(r.list), 2), r.list.map((x) => fixed(x, 2)).join(' ')],
    ]).join('\n'),
  );
  say(ratioLine('1.5 s / Connect to whole tree', 1.5, median(r.tree), 1.0));
  say(ratioLine('pss list / Connect to whole tree (time)', median(r.list), median(r.tree)));
  say();
}

async function rowZip() {
  const tree = cachedTree('zip', c.zipFiles, 64, 1);
  const big = await cachedRandomFile(c.webMiB, note);
  const work = makeTempDir(c.diskDir, 'pss-zip-work-');
  const share = join(work, 'share');
  mkdirSync(share);
  linkSync(big.path, join(share, big.name));
  // The tree's one folder, linked in as a copy would take time: hard links, file by file.
  const many = join(share, 'many');
  mkdirSync(many);
  const folder = join(
    tree,
    readdirSync(tree).find((d) => d.startsWith('folder-')),
  );
  for (const f of readdirSync(folder)) linkSync(join(folder, f), join(many, f));
  const ctx = await startPss({ shareDir: share, workDir: work });
  const webPort = ctx.webPort;
  if (!webPort) throw new MeasurementError('pss serve printed no web port');
  await warmRead(big.path);
  const curl = async (url) => {
    const r = await runChecked('curl', ['-sk', '--tlsv1.3', '-o', '/dev/null', '-w', '%{size_download} %{time_total} %{http_code}', url], {
      timeoutMs: c.timeoutMs,
    });
    const [size, seconds, code] = r.stdout.trim().split(' ').map(Number);
    if (code !== 200) throw new MeasurementError(`HTTP ${code} for ${url}`);
    return { size, seconds };
  };
  const zips = [];
  const singles = [];
  ctx.memory.mark();
  for (let i = 0; i < c.runs; i++) {
    zips.push(await curl(`https://127.0.0.1:${webPort}/zip?path=many`));
    singles.push(await curl(`https://127.0.0.1:${webPort}/files/${encodeURIComponent(big.name)}`));
  }
  const zipRate = median(zips.map((z) => mibPerSecond(z.size, z.seconds)));
  const bigRate = median(singles.map((z) => mibPerSecond(z.size, z.seconds)));
  say(`## Web port: ZIP of ${c.zipFiles} files x 64 KiB against one ${c.webMiB} MiB file, median of ${c.runs}`);
  say(
    table([
      ['download', 'MiB/s'],
      ['ZIP (stored)', fixed(zipRate)],
      ['one file', fixed(bigRate)],
    ]).join('\n'),
  );
  say(`  server peak RSS: ${mib(ctx.memory.peakKiB())}`);
  say(ratioLine('ZIP / one file (rate)', zipRate, bigRate, 0.3));
  say();
}

async function main() {
  say(`# Many files (2 cores shared by clients, servers and baselines; ${c.runs} runs)`);
  let ssh;
  if (c.rows.includes('small')) {
    const openssh = await ensureOpenSsh(note);
    if (openssh.skip) note(`scp baseline skipped: ${openssh.skip}`);
    else ssh = await startSshd({ tools: openssh.tools, workDir: makeTempDir(tmpdir(), 'pss-many-sshd-') });
  }
  let failed = false;
  const rows = { small: () => rowSmallFiles(ssh), list: rowListing, tree: rowTree, zip: rowZip };
  for (const name of c.rows) {
    const row = rows[name];
    if (!row) {
      failed = true;
      say(`n/a: no row named ${name} (small, list, tree, zip)\n`);
      continue;
    }
    try {
      await row();
    } catch (err) {
      failed = true;
      say(`n/a: ${err.message}\n`);
    }
  }
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await stopAll();
    removeTempDirs();
    process.exit(code);
  })
  .catch(async (err) => {
    note(err.stack ?? String(err));
    killAllNow();
    removeTempDirs();
    process.exit(1);
  });
