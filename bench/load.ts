// `npm run bench:load`: honest load. 100 `pss get` and 100 curl downloads of a 20 MiB file
// at once, each a process of its own, against one `pss serve`; meanwhile a probe process
// times connect-to-WELCOME (TLS handshake, HELLO, WELCOME) over and over. The same probe
// runs first with nothing else going on: that is the baseline its loaded p99 is compared
// with. Prints errors (target 0), byte-exact files (target all), the p50/p99 of
// connect-to-WELCOME idle and loaded, and the server's RSS idle, at its peak and 60 s after
// (target: within 64 MiB of idle). The machine is shared: figures are noisy.
//
// Environment: BENCH_LOAD_DESKTOP (100), BENCH_LOAD_WEB (100), BENCH_LOAD_MIB (20),
// BENCH_LOAD_SETTLE_S (60), BENCH_LOAD_SERVER_MALLOC_MMAP_THRESHOLD (unset).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { PROTOCOL_VERSION } from '../extensions/netcore/src/constants';
import { FrameDecoder } from '../extensions/netcore/src/protocol/decoder';
import { encodeControl } from '../extensions/netcore/src/protocol/frames';
import { CLI_BUNDLE, startCliServer } from '../test/support/cli-runner';
import { writeRandomFile } from '../test/support/file-tree';
import { rssOf } from '../test/support/hostile-memory';

const DESKTOP = Number(process.env.BENCH_LOAD_DESKTOP ?? 100);
const WEB = Number(process.env.BENCH_LOAD_WEB ?? 100);
const SIZE_MIB = Number(process.env.BENCH_LOAD_MIB ?? 20);
const SETTLE_S = Number(process.env.BENCH_LOAD_SETTLE_S ?? 60);
const MiB = 1024 * 1024;
const TIMEOUT_MS = 600_000;

interface Outcome {
  ok: boolean;
  why: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stderr: String(err) });
    });
  });
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** One connect-to-WELCOME, in milliseconds. */
function probeOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no WELCOME within 60 s'));
    }, 60_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('secureConnect', () => socket.write(encodeControl({ type: 'HELLO', version: PROTOCOL_VERSION, client: 'probe/1', name: 'probe' })));
    socket.on('data', (chunk: Buffer) =>
      decoder.push(chunk, (item) => {
        if (item.kind !== 'control') return;
        clearTimeout(timer);
        const m = item.message as { type: string; code?: string };
        socket.destroy();
        if (m.type === 'WELCOME') resolve(performance.now() - started);
        else reject(new Error(`${m.type} ${m.code ?? ''}`));
      }),
    );
  });
}

async function probe(port: number, until: () => boolean, min: number): Promise<{ times: number[]; errors: string[] }> {
  const times: number[] = [];
  const errors: string[] = [];
  while (!until() || times.length + errors.length < min) {
    try {
      times.push(await probeOnce(port));
    } catch (err) {
      errors.push((err as Error).message);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { times, errors };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'pss-bench-load-'));
  try {
    const file = await writeRandomFile(join(base, 'share', 'load.bin'), SIZE_MIB * MiB);
    const dataDir = join(base, 'server-data');
    await mkdir(dataDir);
    // BENCH_LOAD_SERVER_MALLOC_MMAP_THRESHOLD sets glibc's MALLOC_MMAP_THRESHOLD_ for the server
    // process only, to see how much of what stays after the load is the allocator keeping freed
    // 1 MiB blocks rather than the server holding them.
    const threshold = process.env.BENCH_LOAD_SERVER_MALLOC_MMAP_THRESHOLD;
    const server = await startCliServer(join(base, 'share'), {
      cwd: base,
      dataDir,
      extraArgs: ['--max-clients', String(DESKTOP + WEB + 10)],
      ...(threshold ? { env: { MALLOC_MMAP_THRESHOLD_: threshold } } : {}),
    });
    if (threshold) process.stdout.write(`(server run with MALLOC_MMAP_THRESHOLD_=${threshold})\n`);
    const pid = server.process.pid;
    const { mainPort, webPort, fingerprint } = server.ready;
    try {
      const idleProbe = await probe(mainPort, () => true, 100);
      await new Promise((r) => setTimeout(r, 500));
      const idleRss = await rssOf(pid);
      let peakRss = idleRss;
      let loading = true;
      const sampler = (async () => {
        while (loading) {
          peakRss = Math.max(peakRss, await rssOf(pid).catch(() => 0));
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const certFile = join(dataDir, 'server.crt');
      const started = Date.now();
      const desktop = Array.from({ length: DESKTOP }, async (_, i): Promise<Outcome> => {
        const out = join(base, `desktop-${i}`);
        const r = await run(
          process.execPath,
          [CLI_BUNDLE, 'get', `127.0.0.1:${mainPort}`, '--all', '--out', out, '--fingerprint', fingerprint, '--data-dir', join(base, `cd-${i}`)],
          base,
        );
        if (r.code !== 0) return { ok: false, why: r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}` };
        return (await sha256Of(join(out, 'load.bin'))) === file.sha256 ? { ok: true, why: '' } : { ok: false, why: 'not byte-exact' };
      });
      const web = Array.from({ length: WEB }, async (_, i): Promise<Outcome> => {
        const out = join(base, `web-${i}.bin`);
        // curl waits and tries again when told 503 with Retry-After (the server's "busy").
        const r = await run(
          'curl',
          ['-sS', '--noproxy', '*', '--cacert', certFile, '--retry', '5', '-o', out, '-f', `https://127.0.0.1:${webPort}/files/load.bin`],
          base,
        );
        if (r.code !== 0) return { ok: false, why: r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}` };
        return (await sha256Of(out)) === file.sha256 ? { ok: true, why: '' } : { ok: false, why: 'not byte-exact' };
      });
      let finished = false;
      const loadedProbe = probe(mainPort, () => finished, 20);
      const results = await Promise.all([...desktop, ...web]);
      finished = true;
      const loaded = await loadedProbe;
      const seconds = (Date.now() - started) / 1000;
      loading = false;
      await sampler;
      process.stderr.write(`load done in ${seconds.toFixed(1)} s; waiting ${SETTLE_S} s for memory to settle\n`);
      await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
      const afterRss = await rssOf(pid);

      const failed = results.filter((r) => !r.ok);
      const dFailed = results.slice(0, DESKTOP).filter((r) => !r.ok).length;
      const wFailed = failed.length - dFailed;
      const f = (ms: number) => `${ms.toFixed(1)} ms`;
      process.stdout.write(`\nbench:load — ${DESKTOP} pss get + ${WEB} curl of ${SIZE_MIB} MiB at once, separate processes (shared 2-core machine: noisy)\n`);
      process.stdout.write(`  all done in ${seconds.toFixed(1)} s (${(((DESKTOP + WEB) * SIZE_MIB) / seconds).toFixed(0)} MiB/s in all)\n`);
      process.stdout.write(
        `  errors: ${failed.length} (pss get ${dFailed}, curl ${wFailed}); byte-exact: ${results.length - failed.length}/${results.length}  [target 0 errors]\n`,
      );
      for (const why of [...new Set(failed.map((r) => r.why))].slice(0, 5)) process.stdout.write(`    e.g. ${why}\n`);
      process.stdout.write(
        `  connect-to-WELCOME idle (baseline, ${idleProbe.times.length} samples): p50 ${f(pct(idleProbe.times, 50))}, p99 ${f(pct(idleProbe.times, 99))}\n` +
          `  connect-to-WELCOME loaded (${loaded.times.length} samples, ${loaded.errors.length} failed): p50 ${f(pct(loaded.times, 50))}, p99 ${f(pct(loaded.times, 99))}` +
          ` = ${(pct(loaded.times, 99) / pct(idleProbe.times, 99)).toFixed(1)}x the idle p99\n`,
      );
      process.stdout.write(
        `  server RSS: idle ${(idleRss / MiB).toFixed(0)} MiB, peak ${(peakRss / MiB).toFixed(0)} MiB, ${SETTLE_S} s after ${(afterRss / MiB).toFixed(0)} MiB` +
          ` (+${((afterRss - idleRss) / MiB).toFixed(1)} MiB = ${((afterRss - idleRss) / (64 * MiB)).toFixed(2)}x the 64 MiB target)\n`,
      );
    } finally {
      await server.stop('SIGTERM').catch(() => undefined);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:load failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
