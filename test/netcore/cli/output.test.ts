// The command line's standard output (cli/output.ts): lines printed in one turn of the
// event loop leave as one write, in order; a terminal gets each line at once; nothing
// pending is lost when the process exits.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flushOutput, out } from '../../../extensions/netcore/src/cli/output';

const execFileAsync = promisify(execFile);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `body` with standard output captured (and `tty` as its isTTY); returns the writes. */
async function captured(tty: boolean, body: (writes: string[]) => Promise<void>): Promise<string[]> {
  const writes: string[] = [];
  const stdout = process.stdout as NodeJS.WriteStream & { isTTY: boolean };
  const write = stdout.write;
  const wasTTY = stdout.isTTY;
  stdout.write = ((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  }) as typeof stdout.write;
  stdout.isTTY = tty;
  try {
    await body(writes);
    flushOutput();
  } finally {
    stdout.write = write;
    stdout.isTTY = wasTTY;
  }
  return writes;
}

test('lines printed in one turn leave as one write, in order', async () => {
  const writes = await captured(false, async (seen) => {
    for (let i = 0; i < 1000; i++) out(`line ${i}\n`);
    assert.is(seen.length, 0, 'nothing is written before the turn ends');
    await nextTurn();
    assert.is(seen.length, 1);
    out('later\n');
    await nextTurn();
  });
  assert.is(writes.length, 2);
  assert.is(writes[0], Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
  assert.is(writes[1], 'later\n');
});

test('a long run is written as it grows, so it holds little memory', async () => {
  const line = `${'x'.repeat(99)}\n`;
  const writes = await captured(false, async (seen) => {
    for (let i = 0; i < 2000; i++) out(line);
    assert.ok(seen.length >= 2, `written ${seen.length} times before the turn ended`);
    assert.ok(seen.every((w) => w.length <= 64 * 1024 + line.length));
  });
  assert.is(writes.join(''), line.repeat(2000));
});

test('a terminal gets each line at once', async () => {
  const writes = await captured(true, async (seen) => {
    out('one\n');
    assert.equal(seen, ['one\n']);
    out('two\n');
    assert.equal(seen, ['one\n', 'two\n']);
  });
  assert.equal(writes, ['one\n', 'two\n']);
});

test('lines pending when the process exits are written, in order', async () => {
  const script = `
    const { out } = require(${JSON.stringify(join(__dirname, '../../../extensions/netcore/src/cli/output.ts'))});
    for (let i = 0; i < 500; i++) out('line ' + i + '\\n');
    process.exit(3);`;
  const child = await execFileAsync(process.execPath, ['--import', 'tsx', '-e', script], { timeout: 30_000 }).catch((err) => err);
  assert.is(child.code, 3);
  assert.is(child.stdout, Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join(''));
});

test.run();
