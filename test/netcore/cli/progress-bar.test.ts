// The terminal's progress line: sizes, speed and time left in the same units as the app
// and the web page, and the current file shortened from the left to fit the terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TransferProgress } from '../../../extensions/netcore/src/contract';
import { renderProgress } from '../../../extensions/netcore/src/cli/progress-bar';

function progress(over: Partial<TransferProgress> = {}): TransferProgress {
  return {
    currentPath: 'photos/2024/beach.jpg',
    fileBytes: 0,
    fileSize: 0,
    doneBytes: 1.5 * 1024 ** 3,
    totalBytes: 6 * 1024 ** 3,
    filesDone: 3,
    filesTotal: 12,
    bytesPerSecond: 147 * 1024 ** 2,
    etaSeconds: 62.3,
    ...over,
  };
}

test('a quarter done: bar, percent, IEC sizes and speed, the time left as a clock, the file', () => {
  assert.is(renderProgress(progress(), 120), '[######------------------]  25% 1.50 GiB/6.00 GiB 147 MiB/s ETA 1:03 (3/12) photos/2024/beach.jpg');
});

test('an unknown time left and an empty download', () => {
  const line = renderProgress(
    progress({ doneBytes: 0, totalBytes: 0, bytesPerSecond: 0, etaSeconds: null, filesDone: 0, filesTotal: 0, currentPath: null }),
    120,
  );
  assert.is(line, '[########################] 100% 0 B/0 B 0 B/s ETA --:-- (0/0)');
});

test('a long path is cut from the left to fit, and a narrow terminal drops it', () => {
  const path = `${'deep/'.repeat(30)}file.bin`;
  const line = renderProgress(progress({ currentPath: path }), 100);
  assert.ok(line.length <= 100, `${line.length} columns`);
  assert.ok(line.endsWith('/deep/file.bin'));
  assert.ok(line.includes(' …'));
  const narrow = renderProgress(progress({ currentPath: path }), 60);
  assert.ok(narrow.length < 60);
  assert.not.ok(narrow.includes('deep'));
});

test.run();
