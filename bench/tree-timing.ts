// The desktop client's time from Connect to the whole tree of a large share on screen,
// measured in Chromium through the test host with the real UI and the real engine, beside
// `pss list --json` of the same share in the same run (its baseline). Run by
// bench/many-files.mjs (row "tree") with the share's folder as its argument; prints one
// JSON line with the figures. The server is pinned by a first connection, so every timed
// Connect goes straight to the listing, as it does for a server the person already knows.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../test/support/browser';
import { CLI_BUNDLE, startCliServer } from '../test/support/cli-runner';
import { closeApp, openApp, type AppWindow } from '../test/support/desktop-app';

const ROUNDS = 3;

async function connectAndTime(app: AppWindow, port: number, files: number, first: boolean): Promise<number> {
  await app.id('client-host').fill('127.0.0.1');
  await app.id('client-port').fill(String(port));
  const started = Date.now();
  await app.id('client-connect').click();
  if (first) {
    await app.id('trust-dialog').waitFor({ state: 'visible', timeout: 30_000 });
    await app.id('trust-accept').click();
  }
  // Whole: the status line counts every file of the listing, and the tree shows its rows.
  const whole = new RegExp(`\\b${files.toLocaleString('en-US').replace(/,/g, '[,.\u066C\u00A0]?')} files`);
  await app.id('file-row').first().waitFor({ timeout: 60_000 });
  const until = Date.now() + 60_000;
  while (!whole.test((await app.id('client-status').textContent()) ?? '')) {
    if (Date.now() > until) throw new Error(`the status line never counted ${files} files`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  const share = process.argv[2];
  const files = Number(process.argv[3]);
  if (!share || !Number.isInteger(files)) throw new Error('usage: tree-timing.ts <share folder> <file count>');
  const browser = await launchBrowser();
  if (!browser) {
    process.stdout.write(JSON.stringify({ skipped: 'Chromium is not installed' }) + '\n');
    return;
  }
  const base = await mkdtemp(join(tmpdir(), 'pss-bench-tree-'));
  const server = await startCliServer(share, { cwd: base, dataDir: join(base, 'server-data') });
  const app = await openApp(browser, { label: 'tree', base });
  try {
    const port = server.ready.mainPort;
    await app.id('launcher-client').click();
    const tree: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const seconds = await connectAndTime(app, port, files, round === 0);
      if (round > 0) tree.push(seconds);
      await app.id('client-disconnect').click();
      await app.id('client-connect').waitFor({ state: 'visible', timeout: 30_000 });
    }
    // The baseline: the command line's listing of the same share, as many times.
    const list: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        [CLI_BUNDLE, 'list', `127.0.0.1:${port}`, '--json', '--fingerprint', server.ready.fingerprint, '--data-dir', join(base, 'cli-data')],
        {
          maxBuffer: 1 << 30,
        },
      );
      if (r.status !== 0) throw new Error(`pss list failed: ${r.stderr.toString()}`);
      list.push((Date.now() - started) / 1000);
    }
    process.stdout.write(JSON.stringify({ tree, list }) + '\n');
  } finally {
    await closeApp(app).catch(() => undefined);
    await browser.close();
    await server.stop('SIGTERM').catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`tree timing failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
