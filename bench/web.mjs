// `npm run bench:web`: the web port against nginx in the same run. Both serve the same
// page-cached random file over TLS 1.3 on 127.0.0.1 with the same certificate, and curl
// downloads it to /dev/null (median of BENCH_RUNS, interleaved); target >= 0.9x nginx.
// Then a ZIP of BENCH_ZIP_FILES small files streams from the web port while the server's
// peak resident memory is sampled, next to its memory idle and during the big download.
//
// Environment: BENCH_SIZE_MIB (1024), BENCH_RUNS (3), BENCH_ZIP_FILES (1000),
// BENCH_ZIP_FILE_KIB (64), BENCH_DISK_DIR (os.tmpdir()), BENCH_TIMEOUT_S (60 + size/2).
// Exit status: 0 when every measurement ran, 1 when one failed (a missed target is
// information, not a failure).
import { createHash, randomFillSync } from 'node:crypto';
import { linkSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedRandomFile, makeTempDir, removeTempDirs, warmRead } from './fixtures.mjs';
import { startNginx } from './nginx.mjs';
import { intEnv } from './env.mjs';
import { killAllNow, MeasurementError, MemoryWatch, run, runChecked, stopAll } from './processes.mjs';
import { servePss } from './pss.mjs';
import { fixed, median, mib, mibPerSecond, note, ratioLine, say, table } from './report.mjs';

function config() {
  const sizeMiB = intEnv('BENCH_SIZE_MIB', 1024);
  return {
    sizeMiB,
    runs: intEnv('BENCH_RUNS', 3),
    zipFiles: intEnv('BENCH_ZIP_FILES', 1000),
    zipFileKiB: intEnv('BENCH_ZIP_FILE_KIB', 64),
    diskDir: process.env.BENCH_DISK_DIR || tmpdir(),
    timeoutMs: intEnv('BENCH_TIMEOUT_S', 60 + Math.ceil(sizeMiB / 2)) * 1000,
  };
}

function curlArgs(certFile, url, extra = []) {
  return ['-sS', '--noproxy', '*', '--cacert', certFile, '--tlsv1.3', ...extra, url];
}

/** One timed download to /dev/null: wall time from spawn to exit, and curl's own figure. */
async function curlToNull(certFile, url, expectBytes, timeoutMs) {
  const r = await runChecked('curl', curlArgs(certFile, url, ['-o', '/dev/null', '-w', '%{size_download} %{time_total} %{http_code}']), { timeoutMs });
  const [bytes, seconds, code] = r.stdout.trim().split(' ').map(Number);
  if (code !== 200 || bytes !== expectBytes) throw new MeasurementError(`${url}: HTTP ${code}, ${bytes} bytes, expected 200 and ${expectBytes}`);
  return { seconds: r.elapsedMs / 1000, toolSeconds: seconds };
}

/** The untimed check: SHA-256 of what arrives, and the negotiated protocol and cipher. */
async function curlCheck(certFile, url, timeoutMs) {
  const hash = createHash('sha256');
  let bytes = 0;
  const r = await runChecked('curl', curlArgs(certFile, url, ['-v', '-o', '-']), {
    timeoutMs,
    stdout: (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
    },
  });
  return { sha256: hash.digest('hex'), bytes, cipher: /SSL connection using (\S+ \/ \S+)/.exec(r.stderr)?.[1] ?? 'unknown' };
}

async function startPss(shareDir, workDir) {
  const dataDir = join(workDir, 'pss-data');
  mkdirSync(dataDir, { mode: 0o700 });
  const { server, ready } = await servePss([shareDir, '--port', '0', '--web-port', '0', '--bind', '127.0.0.1', '--data-dir', dataDir, '--json']);
  if (!Number.isInteger(ready.webPort)) throw new MeasurementError(`pss serve reported no web port: ${JSON.stringify(ready)}`);
  return { server, webPort: ready.webPort, certFile: join(dataDir, 'server.crt'), keyFile: join(dataDir, 'server.key'), memory: new MemoryWatch(server.pid) };
}

function makeSmallFiles(dir, count, kib) {
  mkdirSync(dir, { recursive: true });
  const block = Buffer.alloc(kib * 1024);
  let total = 0;
  for (let i = 0; i < count; i++) {
    randomFillSync(block);
    const sub = join(dir, `part-${String(Math.floor(i / 100)).padStart(2, '0')}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file-${String(i).padStart(4, '0')}.bin`), block);
    total += block.length;
  }
  return total;
}

async function main() {
  const c = config();
  const started = Date.now();
  say(`pss web port benchmark: ${c.sizeMiB} MiB random file, median of ${c.runs} interleaved runs, 127.0.0.1 only`);
  say(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version}`);
  const versions = await Promise.all(
    [
      ['curl', ['--version']],
      ['nginx', ['-v']],
    ].map(([cmd, args]) =>
      run(cmd, args, { timeoutMs: 10_000 }).then(
        (r) => (r.stdout + r.stderr).trim().split('\n')[0],
        () => `${cmd}: not found`,
      ),
    ),
  );
  say(`tools: ${versions.join('; ')}`);

  const big = await cachedRandomFile(c.sizeMiB, note);
  const work = makeTempDir(c.diskDir, 'pss-bench-web-');
  const shareDir = join(work, 'share');
  mkdirSync(shareDir);
  const served = join(shareDir, big.name);
  try {
    linkSync(big.path, served);
  } catch {
    copyFileSync(big.path, served);
  }
  note(`writing ${c.zipFiles} files of ${c.zipFileKiB} KiB for the ZIP`);
  const zipBytes = makeSmallFiles(join(shareDir, 'many'), c.zipFiles, c.zipFileKiB);
  await warmRead(served);

  const pss = await startPss(shareDir, work);
  const nginx = await startNginx({ servedDir: shareDir, workDir: work, certFile: pss.certFile, keyFile: pss.keyFile });
  const urls = {
    pss: `https://127.0.0.1:${pss.webPort}/files/${encodeURIComponent(big.name)}`,
    nginx: `https://127.0.0.1:${nginx.port}/${encodeURIComponent(big.name)}`,
  };
  const labels = { pss: 'pss web port -> curl -> /dev/null', nginx: 'nginx (TLS 1.3, 1 worker) -> curl -> /dev/null' };
  const ciphers = {};
  for (const key of ['pss', 'nginx']) {
    const check = await curlCheck(pss.certFile, urls[key], c.timeoutMs);
    if (check.bytes !== big.size || check.sha256 !== big.sha256)
      throw new MeasurementError(`${labels[key]}: got ${check.bytes} bytes with SHA-256 ${check.sha256}, expected ${big.size} and ${big.sha256}`);
    ciphers[key] = check.cipher;
    note(`${labels[key]}: byte-exact (${check.cipher})`);
  }

  pss.memory.mark();
  const samples = { pss: [], nginx: [] };
  const toolSamples = { pss: [], nginx: [] };
  for (let round = 1; round <= c.runs; round++) {
    for (const key of ['pss', 'nginx']) {
      const r = await curlToNull(pss.certFile, urls[key], big.size, c.timeoutMs);
      samples[key].push(r.seconds);
      toolSamples[key].push(r.toolSeconds);
      note(`round ${round}/${c.runs}: ${labels[key]}: ${fixed(mibPerSecond(big.size, r.seconds))} MiB/s`);
    }
  }
  const downloadPeak = pss.memory.peakKiB();

  // Idle, then the ZIP of many small files.
  await new Promise((r) => setTimeout(r, 500));
  pss.memory.mark();
  const idle = pss.memory.peakKiB();
  pss.memory.mark();
  const zipUrl = `https://127.0.0.1:${pss.webPort}/zip?path=many`;
  const zipRun = await runChecked('curl', curlArgs(pss.certFile, zipUrl, ['-o', '/dev/null', '-w', '%{size_download} %{time_total} %{http_code}']), {
    timeoutMs: c.timeoutMs,
  });
  const zipPeak = pss.memory.peakKiB();
  const [zipSize, zipSeconds, zipCode] = zipRun.stdout.trim().split(' ').map(Number);
  if (zipCode !== 200 || zipSize < zipBytes) throw new MeasurementError(`ZIP: HTTP ${zipCode}, ${zipSize} bytes for ${zipBytes} bytes of files`);
  pss.memory.stop();
  await stopAll();

  const rate = (key) => mibPerSecond(big.size, median(samples[key]));
  say();
  say(`== throughput: ${c.sizeMiB} MiB, MiB/s from wall time (curl start to exit), median of ${c.runs} ==`);
  const rows = [['method', 'median', 'min', 'max', "curl's own"]];
  for (const key of ['pss', 'nginx']) {
    const rates = samples[key].map((s) => mibPerSecond(big.size, s));
    rows.push([labels[key], fixed(rate(key)), fixed(Math.min(...rates)), fixed(Math.max(...rates)), fixed(mibPerSecond(big.size, median(toolSamples[key])))]);
  }
  for (const line of table(rows)) say(`  ${line}`);
  say(`  negotiated: pss ${ciphers.pss}; nginx ${ciphers.nginx}`);
  say('  nginx: sendfile on, but TLS is encrypted in user space (no kernel TLS), as in pss');
  say();
  say('== ratio ==');
  say(ratioLine('pss web port / nginx (both curl -> /dev/null)', rate('pss'), rate('nginx'), '0.9'));
  say();
  say(`== ZIP of ${c.zipFiles} files x ${c.zipFileKiB} KiB (${fixed(zipBytes / (1 << 20))} MiB), stored, streamed ==`);
  say(`  ${zipSize} bytes in ${fixed(zipSeconds, 2)} s (${fixed(mibPerSecond(zipSize, zipSeconds))} MiB/s)`);
  const memRows = [
    ['pss serve', 'peak RSS'],
    ['idle, after the downloads', mib(idle)],
    [`during the ${c.sizeMiB} MiB downloads`, mib(downloadPeak)],
    [`during the ZIP of ${c.zipFiles} files`, mib(zipPeak)],
  ];
  for (const line of table(memRows)) say(`  ${line}`);
  say(
    `  growth during the ZIP over idle: ${mib(Math.max(0, zipPeak - idle)) === 'n/a' ? '0.0 MiB' : mib(Math.max(0, zipPeak - idle))} (the archive is ${fixed(zipSize / (1 << 20))} MiB)`,
  );
  say();
  say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
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
    note(`${signal}: stopping the processes this run started`);
    void stopAll().finally(() => process.exit(code));
  });
}

main().then(
  () => stopAll().then(() => removeTempDirs()),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof MeasurementError ? err.message : err.stack}\n`);
    return stopAll().then(() => {
      removeTempDirs();
      process.exitCode = 1;
    });
  },
);
