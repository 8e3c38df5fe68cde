// `npm run bench:hostile`: what hostile peers make the server hold in memory. Each row runs
// against a fresh `pss serve` (a process of its own, so its RSS is its own), beside a good
// client downloading a 64 MiB file byte-exact, and prints the peak growth over that
// server's idle RSS while the peers are at it, and what is left 20 s after they left.
// The first row runs no hostile peer at all: it is the baseline the others compare with.
// The idle RSS is read once the server has settled after a first download (its pooled
// frames let go and collected), the same wait as after the peers leave.
// Targets: no row over 32 MiB at its peak; within 20 MiB of the idle RSS after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomFile } from '../test/support/file-tree';
import { measureRow, type RowResult, type RowSetup } from '../test/support/hostile-memory';
import { fuzz, logFlood, missingFiles, parkedFrames, pingFlood, type Hostile } from '../test/support/hostile-peers';

const MiB = 1024 * 1024;
const PEAK_TARGET = 32 * MiB;
const AFTER_TARGET = 20 * MiB;
const SETTLE_MS = Number(process.env.BENCH_HOSTILE_SETTLE_MS ?? 20_000);

const nothing = async (): Promise<Hostile> => ({ dropped: () => 0, close: () => undefined });

const rows: Array<[string, (port: number) => Promise<Hostile>]> = [
  ['no hostile peer (baseline)', nothing],
  ['2,000,000 PINGs never read (10 sessions)', (port) => pingFlood(port, 10, 200_000)],
  ['40 DOWNLOAD_FILES of 4,000 missing files never read', (port) => missingFiles(port, 40, 4_000)],
  ['200 connections parking a 1 MiB frame before HELLO', (port) => parkedFrames(port, 200)],
  ['one client filling the log with its longest entries (30 s)', (port) => logFlood(port, 30_000)],
  ['fuzz: 1,000 connections x 100 mutated frames', (port) => fuzz(port, 1_000, 100)],
];

function mib(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${(bytes / MiB).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') {
    process.stdout.write('bench:hostile reads /proc and runs on Linux only: skipped\n');
    return;
  }
  const base = await mkdtemp(join(tmpdir(), 'pss-bench-hostile-'));
  try {
    const file = await writeRandomFile(join(base, 'share', 'good.bin'), 64 * MiB);
    const setup: RowSetup = {
      base,
      share: join(base, 'share'),
      file: { name: 'good.bin', sha256: file.sha256 },
      settleMs: SETTLE_MS,
      baselineSettleMs: SETTLE_MS,
    };
    const results: Array<[string, RowResult]> = [];
    // BENCH_ROWS=ping,fuzz runs the baseline and the rows whose names contain one of the words.
    const only = process.env.BENCH_ROWS?.split(',')
      .map((w) => w.trim().toLowerCase())
      .filter((w) => w !== '');
    const chosen = rows.filter(([what], i) => i === 0 || !only || only.some((w) => what.toLowerCase().includes(w)));
    for (const [what, attack] of chosen) {
      process.stderr.write(`running: ${what}\n`);
      results.push([what, await measureRow(setup, attack)]);
    }
    const baseline = results[0]![1];
    process.stdout.write(`\nserver RSS growth over its own idle RSS (targets: peak <= 32 MiB, after <= 20 MiB); the machine is shared, so figures are noisy\n`);
    process.stdout.write(
      `${'row'.padEnd(62)} ${'idle RSS'.padStart(10)} ${'peak'.padStart(12)} ${'x target'.padStart(9)} ${'after'.padStart(12)} ${'x target'.padStart(9)}  good downloads\n`,
    );
    let ok = true;
    for (const [what, r] of results) {
      const peakRatio = r.peakGrowthBytes / PEAK_TARGET;
      const afterRatio = r.afterGrowthBytes / AFTER_TARGET;
      ok &&= peakRatio <= 1 && afterRatio <= 1 && r.goodDownloads === 2;
      process.stdout.write(
        `${what.padEnd(62)} ${`${(r.baselineBytes / MiB).toFixed(0)} MiB`.padStart(10)} ${mib(r.peakGrowthBytes).padStart(12)} ${peakRatio.toFixed(2).padStart(9)} ${mib(r.afterGrowthBytes).padStart(12)} ${afterRatio.toFixed(2).padStart(9)}  ${r.goodDownloads}/2 byte-exact\n`,
      );
    }
    process.stdout.write(`\nbaseline row (a good download alone): peak ${mib(baseline.peakGrowthBytes)}, after ${mib(baseline.afterGrowthBytes)}\n`);
    process.stdout.write(ok ? 'every row met its targets\n' : 'some rows missed their targets (see the ratios above)\n');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:hostile failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
