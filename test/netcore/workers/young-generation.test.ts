// The server keeps V8's young generation at its starting size (workers/young-generation.ts),
// also after a pool worker has started, which sets V8's growth factor back to 2.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const execFileAsync = promisify(execFile);
const src = join(__dirname, '../../../extensions/netcore/src/workers');
const MiB = 1024 * 1024;

/**
 * The young generation's size, in a process of its own, after allocating 200 MB of which
 * about 5 MB is always alive (enough survivors to make V8 grow it to 2 × 16 MiB).
 */
async function youngGenerationAfterChurn(pin: boolean): Promise<number> {
  const script = `
    const v8 = require('node:v8');
    const { pinYoungGeneration } = require(${JSON.stringify(join(src, 'young-generation.ts'))});
    const { WorkerPool } = require(${JSON.stringify(join(src, 'pool.ts'))});
    (async () => {
      if (${pin}) pinYoungGeneration();
      const pool = new WorkerPool(1);
      await pool.hashFile(${JSON.stringify(__filename)});
      const keep = [];
      for (let i = 0; i < 200; i++) {
        const a = [];
        for (let j = 0; j < 20000; j++) a.push({ s: 'x'.repeat(10) + j });
        keep.push(a);
        if (keep.length > 5) keep.shift();
      }
      await pool.close();
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
    })();`;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 60_000 });
  return Number(stdout);
}

test('pinned, the young generation keeps its size after a worker started; unpinned, it grows', async () => {
  const [pinned, free] = await Promise.all([youngGenerationAfterChurn(true), youngGenerationAfterChurn(false)]);
  assert.ok(pinned <= 4 * MiB, `pinned: ${(pinned / MiB).toFixed(1)} MiB`);
  // The same work without the pin grows it: the churn is enough to show the difference.
  assert.ok(free >= 16 * MiB, `unpinned: ${(free / MiB).toFixed(1)} MiB`);
});

test.run();
