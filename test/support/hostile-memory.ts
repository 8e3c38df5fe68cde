// Measures what hostile peers make a server hold: each row runs against a fresh `pss serve`
// process (so its memory is its own and starts from its own idle baseline), beside a good
// client downloading a file byte-exact, and reports the peak growth during the attack and
// what is left a while after the peers have gone. Used by the hostile-memory test and by
// `npm run bench:hostile`. Linux only (/proc).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCliServer } from './cli-runner';
import { sha256File } from './file-tree';
import type { Hostile } from './hostile-peers';
import { connectClient, downloadInto } from './test-client';
import { makeSubDir } from './temp-dir';
import { delay } from './wait';

export interface RowResult {
  baselineBytes: number;
  /** Highest RSS during the attack, minus the baseline. */
  peakGrowthBytes: number;
  /** RSS `settleMs` after the peers left, minus the baseline. */
  afterGrowthBytes: number;
  /** Good downloads that completed byte-exact during the row. */
  goodDownloads: number;
}

export interface RowSetup {
  base: string;
  share: string;
  /** The good client's file in the share, and its SHA-256. */
  file: { name: string; sha256: string };
  settleMs: number;
  /** How long the server may settle after the first download before its idle RSS is read. */
  baselineSettleMs?: number;
  extraArgs?: string[];
}

export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function goodDownload(setup: RowSetup, port: number): Promise<void> {
  const c = await connectClient(port, { pinsDir: await makeSubDir(setup.base, 'pins'), connectTimeoutMs: 15_000 });
  try {
    const listing = await c.list();
    const dest = await makeSubDir(setup.base, 'dest');
    const result = await downloadInto(
      c,
      listing.entries.filter((e) => e.path === setup.file.name),
      dest,
      {},
      120_000,
    );
    if (!result.ok) throw new Error(`the good download failed: ${JSON.stringify(result.files)}`);
    const got = await sha256File(join(dest, setup.file.name));
    if (got !== setup.file.sha256) throw new Error('the good download is not byte-exact');
  } finally {
    c.close();
  }
}

export async function measureRow(setup: RowSetup, attack: (mainPort: number) => Promise<Hostile>): Promise<RowResult> {
  const server = await startCliServer(setup.share, {
    cwd: setup.base,
    dataDir: await makeSubDir(setup.base, 'data'),
    extraArgs: ['--max-clients', '300', ...(setup.extraArgs ?? [])],
    ...(process.env.HOSTILE_NODE_OPTIONS ? { env: { NODE_OPTIONS: process.env.HOSTILE_NODE_OPTIONS } } : {}),
  });
  const pid = server.process.pid;
  const port = server.ready.mainPort;
  try {
    // The first download sets up the worker pool and the buffers that stay.
    await goodDownload(setup, port);
    await delay(setup.baselineSettleMs ?? 1_000);
    const baselineBytes = await rssOf(pid);
    let peak = baselineBytes;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(pid).catch(() => 0));
        await delay(50);
      }
    })();
    let hostile: Hostile | undefined;
    let goodDownloads = 0;
    try {
      const [h] = await Promise.all([attack(port), goodDownload(setup, port).then(() => goodDownloads++)]);
      hostile = h;
      await delay(1_000);
      await goodDownload(setup, port);
      goodDownloads++;
    } finally {
      hostile?.close();
      sampling = false;
      await sampler;
    }
    await delay(setup.settleMs);
    const after = await rssOf(pid);
    return { baselineBytes, peakGrowthBytes: peak - baselineBytes, afterGrowthBytes: after - baselineBytes, goodDownloads };
  } finally {
    await server.stop('SIGTERM').catch(() => undefined);
  }
}
