// `npm run bench`: downloads one large random file with `pss get` and with two baselines
// measured in the same run — openssl s_server + curl (raw TLS 1.3 stream to /dev/null)
// and scp from a private sshd (to disk) — then prints throughputs, the ratios against
// the targets, and the peak memory of the pss processes.
//
// Environment: BENCH_SIZE_MIB (default 1024), BENCH_RUNS (3), BENCH_SMALL_MIB (size/16,
// at most 64: the file that shows memory does not grow with size), BENCH_DISK_DIR
// (os.tmpdir()), BENCH_TMPFS_DIR (/dev/shm), BENCH_TIMEOUT_S (per download; default
// 60 + size/2).
//
// Exit status: 0 when every measurement ran (a missed target is information, not a
// failure), 1 when a measurement failed (wrong byte count, wrong hash, error, timeout).
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { intEnv } from './env.mjs';
import { CACHE_DIR, cachedRandomFile, fileSystemType, makeTempDir, removeTempDirs, sha256File, warmRead } from './fixtures.mjs';
import { curlOnce, startOpenSsl } from './openssl-curl.mjs';
import { checkPssCli, mainPortCipher, mainPortRead, pssGet, startPss } from './pss.mjs';
import { cpuSeconds, isStopping, killAllNow, MeasurementError, run, runChecked, stopAll } from './processes.mjs';
import { fixed, mibPerSecond, note, printReport, say } from './report.mjs';
import { ensureOpenSsh, scpOnce, startSshd } from './scp.mjs';

const SYNC_TIMEOUT_MS = 120_000;

function readConfig() {
  const sizeMiB = intEnv('BENCH_SIZE_MIB', 1024);
  return {
    sizeMiB,
    runs: intEnv('BENCH_RUNS', 3),
    smallMiB: intEnv('BENCH_SMALL_MIB', Math.min(64, Math.max(1, Math.floor(sizeMiB / 16)))),
    diskDir: process.env.BENCH_DISK_DIR || tmpdir(),
    tmpfsDir: process.env.BENCH_TMPFS_DIR || '/dev/shm',
    timeoutMs: intEnv('BENCH_TIMEOUT_S', 60 + Math.ceil(sizeMiB / 2)) * 1000,
  };
}

/** One contender: its label, what it measures, and its state through the run. */
function method(key, label, measures) {
  return {
    key,
    label,
    measures,
    status: 'ok',
    reason: '',
    /** Seconds per timed run, wall time from spawn to exit. */
    samples: [],
    /** curl only: its own time_total. */
    toolSamples: [],
    /** scp only: the run plus a sync right after it. */
    durableSamples: [],
    /** The serving process's CPU seconds per timed run (where it is read). */
    serverCpuSamples: [],
    /** pss only: peak RSS (KiB) of client and server per large-file run. */
    clientPeaks: [],
    serverPeaks: [],
    /** pss only: the same for the small file. */
    small: undefined,
  };
}

function fail(m, err) {
  if (m.status !== 'ok') return;
  m.status = 'failed';
  m.reason = err instanceof Error ? err.message : String(err);
  if (!isStopping()) note(`FAILED ${m.label}: ${m.reason.split('\n')[0]}`);
}

function skip(m, reason) {
  if (m.status !== 'ok') return;
  m.status = 'skipped';
  m.reason = reason;
  note(`skipped ${m.label}: ${reason}`);
}

/** Puts the cached file into the shared folder without copying it when possible. */
function exposeInShare(file, shareDir) {
  const path = join(shareDir, file.name);
  try {
    linkSync(file.path, path);
  } catch {
    copyFileSync(file.path, path);
  }
  return { ...file, path };
}

function freshDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** Flushes the previous run's dirty pages so they are not written back during this one. */
function syncDisks() {
  return runChecked('sync', [], { timeoutMs: SYNC_TIMEOUT_MS });
}

async function versionOf(cmd, args) {
  try {
    const r = await run(cmd, args, { timeoutMs: 10_000 });
    return (r.stdout + r.stderr).trim().split('\n')[0];
  } catch {
    return 'not found';
  }
}

/** Files, folders and the contenders' table entries. */
async function prepare(config) {
  const big = await cachedRandomFile(config.sizeMiB, note);
  const small = await cachedRandomFile(config.smallMiB, note);
  const work = makeTempDir(config.diskDir, 'pss-bench-');
  const shareDir = join(work, 'share');
  mkdirSync(shareDir);
  const diskFs = fileSystemType(work);
  const bench = {
    config,
    work,
    shareDir,
    file: exposeInShare(big, shareDir),
    smallFile: exposeInShare(small, shareDir),
    out: { scp: join(work, 'out-scp'), pssDisk: join(work, 'out-pss') },
    info: {},
    m: {
      curl: method(
        'curl',
        'openssl s_server + curl -> /dev/null',
        'raw TLS 1.3 stream from `openssl s_server -WWW` into `curl -o /dev/null`: no file written, nothing hashed',
      ),
      scp: method(
        'scp',
        `scp -> disk (${diskFs})`,
        'scp from a private sshd on 127.0.0.1 (OpenSSH defaults: SFTP protocol, default cipher) into a file on disk; no fsync, no hash check',
      ),
      pssDisk: method(
        'pssDisk',
        `pss get --out -> disk (${diskFs})`,
        'pss get into a folder on disk: name.part written, fsynced, size + SHA-256 verified, renamed',
      ),
      pssTmpfs: method(
        'pssTmpfs',
        'pss get --out -> tmpfs',
        'the same, with --out on tmpfs: the file lands in RAM, so no disk write cost (verified + renamed)',
      ),
      pssNull: method(
        'pssNull',
        'pss get --stdout -> /dev/null',
        'the main-port stream with stdout sent to /dev/null: no file; pss still checks size + SHA-256',
      ),
      mainPort: method(
        'mainPort',
        'main port -> bare reader',
        "the pss server's main port read by bench/main-port-reader.mjs, a bare protocol client that counts and drops the DATA bytes (no hash, no file), as curl drops the raw stream",
      ),
    },
  };
  bench.all = Object.values(bench.m);
  if (existsSync(config.tmpfsDir)) {
    const shm = makeTempDir(config.tmpfsDir, 'pss-bench-');
    bench.out.pssTmpfs = join(shm, 'out-pss');
    const type = fileSystemType(shm);
    if (type !== 'tmpfs') bench.m.pssTmpfs.label = `pss get --out -> ${config.tmpfsDir} (${type}, not tmpfs)`;
  } else {
    skip(bench.m.pssTmpfs, `${config.tmpfsDir} does not exist (set BENCH_TMPFS_DIR to a tmpfs folder)`);
  }
  say(`files: source in ${CACHE_DIR}; disk downloads in ${work} (${diskFs})${bench.out.pssTmpfs ? `; tmpfs downloads in ${bench.out.pssTmpfs}` : ''}`);
  if (diskFs === 'tmpfs') say(`note: ${config.diskDir} is tmpfs, so the "disk" figures do not include disk writes (set BENCH_DISK_DIR)`);
  for (const dir of Object.values(bench.out)) freshDir(dir);
  note('reading the source file once so that every contender reads it from the page cache');
  await warmRead(bench.file.path);
  await warmRead(bench.smallFile.path);
  return bench;
}

// Each contender starts its server, then makes one untimed download that checks the
// result (byte count, and SHA-256 for pss) and warms up whatever the contender caches.

function recordServerCpu(c, before, after) {
  if (before !== undefined && after !== undefined) c.serverCpuSamples.push(after - before);
}

async function startCurlBaseline(bench, state) {
  const { m, file, config } = bench;
  try {
    state.openssl = await startOpenSsl({ servedDir: bench.shareDir, workDir: bench.work });
    bench.info.curlCipher = (await curlOnce({ port: state.openssl.port, file, timeoutMs: config.timeoutMs, probe: true })).cipher;
  } catch (err) {
    fail(m.curl, err);
  }
  m.curl.timed = async () => {
    const before = cpuSeconds(state.openssl.server.pid);
    const r = await curlOnce({ port: state.openssl.port, file, timeoutMs: config.timeoutMs });
    m.curl.toolSamples.push(r.toolSeconds);
    recordServerCpu(m.curl, before, cpuSeconds(state.openssl.server.pid));
    return r.seconds;
  };
}

async function startScpBaseline(bench, state) {
  const { m, file, config, out } = bench;
  m.scp.timed = async () => {
    const r = await scpOnce({ ctx: state.sshd, file, destDir: out.scp, timeoutMs: config.timeoutMs });
    // scp does not fsync; timing a sync right after it gives the durable-on-disk figure
    // that pss's fsync pays for (shown for context, not used in the ratio).
    const sync = await syncDisks();
    m.scp.durableSamples.push(r.seconds + sync.elapsedMs / 1000);
    return r.seconds;
  };
  const openssh = await ensureOpenSsh(note);
  if (openssh.skip) return skip(m.scp, openssh.skip);
  try {
    state.sshd = await startSshd({ tools: openssh.tools, workDir: bench.work });
    bench.info.sshVersion = await versionOf(openssh.tools.ssh, ['-V']);
    bench.info.scpCipher = state.sshd.cipher;
    await scpOnce({ ctx: state.sshd, file, destDir: out.scp, timeoutMs: config.timeoutMs });
  } catch (err) {
    fail(m.scp, err);
  }
}

async function startPssContender(bench, state) {
  const { m, file, smallFile, config, out } = bench;
  const contenders = [m.pssDisk, m.pssTmpfs, m.pssNull, m.mainPort];
  try {
    const cli = await checkPssCli();
    if (!cli.hasStdout) skip(m.pssNull, 'this pss get has no --stdout option');
    state.pss = await startPss({ shareDir: bench.shareDir, workDir: bench.work });
    bench.info.pssCipher = await mainPortCipher(state.pss);
  } catch (err) {
    for (const c of contenders) fail(c, err);
  }
  const verified = contenders.filter((c) => c !== m.mainPort);
  m.mainPort.timed = async () => {
    const before = cpuSeconds(state.pss.server.pid);
    const r = await mainPortRead({ ctx: state.pss, file, timeoutMs: config.timeoutMs });
    m.mainPort.toolSamples.push(r.toolSeconds);
    recordServerCpu(m.mainPort, before, cpuSeconds(state.pss.server.pid));
    return r.seconds;
  };
  if (m.mainPort.status === 'ok') {
    try {
      await m.mainPort.timed();
      m.mainPort.toolSamples.length = 0;
    } catch (err) {
      fail(m.mainPort, err);
    }
  }
  const get = {
    pssDisk: (f) => pssGet({ ctx: state.pss, file: f, mode: 'out', outDir: out.pssDisk, timeoutMs: config.timeoutMs }),
    pssTmpfs: (f) => pssGet({ ctx: state.pss, file: f, mode: 'out', outDir: out.pssTmpfs, timeoutMs: config.timeoutMs }),
    pssNull: (f) => pssGet({ ctx: state.pss, file: f, mode: 'null', timeoutMs: config.timeoutMs }),
  };
  for (const c of verified) {
    c.timed = async () => {
      const r = await get[c.key](file);
      c.clientPeaks.push(r.clientPeakKiB);
      c.serverPeaks.push(r.serverPeakKiB);
      return r.seconds;
    };
    if (c.status !== 'ok') continue;
    try {
      // The small file first: the reference for "memory does not grow with file size".
      const s = await get[c.key](smallFile);
      c.small = { client: s.clientPeakKiB, server: s.serverPeakKiB };
      let sha256;
      if (c.key === 'pssNull') {
        sha256 = (await pssGet({ ctx: state.pss, file, mode: 'hash', timeoutMs: config.timeoutMs })).sha256;
      } else {
        freshDir(out[c.key]);
        await c.timed();
        sha256 = await sha256File(join(out[c.key], file.name));
      }
      if (sha256 !== file.sha256) throw new MeasurementError(`${c.label}: the delivered file has SHA-256 ${sha256}, the source has ${file.sha256}`);
      note(`${c.label}: byte-exact (SHA-256 of the result matches the source)`);
    } catch (err) {
      fail(c, err);
    }
  }
}

/** Rounds interleave the contenders so that a slow phase of the machine hits all alike. */
async function timedRounds(bench) {
  const { config, file, all, out } = bench;
  for (let round = 1; round <= config.runs; round++) {
    for (const c of all) {
      if (c.status !== 'ok') continue;
      try {
        for (const dir of Object.values(out)) freshDir(dir);
        await syncDisks();
        const seconds = await c.timed();
        c.samples.push(seconds);
        note(`round ${round}/${config.runs}: ${c.label}: ${fixed(mibPerSecond(file.size, seconds))} MiB/s`);
      } catch (err) {
        fail(c, err);
      }
    }
  }
  for (const dir of Object.values(out)) freshDir(dir);
}

async function main(state) {
  const config = readConfig();
  const started = Date.now();
  say(`pss benchmark: ${config.sizeMiB} MiB random file, median of ${config.runs} timed run(s) per method, 127.0.0.1 only`);
  say(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version}`);
  const curlVersion = (await versionOf('curl', ['--version'])).split(' ').slice(0, 2).join(' ');
  say(`tools: ${await versionOf('openssl', ['version'])}; ${curlVersion}`);

  const bench = await prepare(config);
  await startCurlBaseline(bench, state);
  await startScpBaseline(bench, state);
  await startPssContender(bench, state);
  await timedRounds(bench);

  state.pss?.memory.stop();
  await stopAll();
  printReport({ ...bench, elapsedS: (Date.now() - started) / 1000 });
  return bench.all.some((c) => c.status === 'failed') ? 1 : 0;
}

const state = {};
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    state.pss?.memory.stop();
    await stopAll();
    removeTempDirs();
  })();
  return cleaning;
}

process.on('exit', () => {
  killAllNow();
  removeTempDirs();
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    note(`${signal}: stopping the processes this run started and removing its temp dirs`);
    void cleanup().finally(() => process.exit(code));
  });
}

main(state).then(
  (code) => cleanup().then(() => (process.exitCode = code)),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof MeasurementError ? err.message : err.stack}\n`);
    return cleanup().then(() => (process.exitCode = 1));
  },
);
