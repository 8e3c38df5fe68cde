// Entry point of the bundle. The same file runs as a pool worker, as the `pss` command
// line and, with `--neutralino` (the command in neutralino.config.json), as the desktop
// app's extension. This is the only file that imports the bridge.
import { isMainThread } from 'node:worker_threads';
import { runWorker } from './workers/worker-main';
import { runBridge } from './bridge/run-bridge';
import { runCli } from './cli';

if (!isMainThread) {
  runWorker();
} else if (process.argv[2] === '--neutralino') {
  // Exits explicitly: the extension must end even if something still holds the event loop.
  void runBridge().then((code) => process.exit(code));
} else {
  let finished = false;
  // If the event loop ever empties before the command finishes, that is a bug; it must
  // never look like success.
  process.on('beforeExit', () => {
    if (finished) return;
    finished = true;
    process.stderr.write('pss: stopped unexpectedly before finishing [INTERNAL]\n');
    process.exitCode = 1;
  });
  void runCli(process.argv.slice(2)).then((code) => {
    finished = true;
    process.exitCode = code;
  });
}
