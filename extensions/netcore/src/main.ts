// Entry point of the bundle. The same file runs as a pool worker, as the `pss` command
// line and (later) as the Neutralino extension.
import { isMainThread } from 'node:worker_threads';
import { runWorker } from './workers/worker-main';
import { runCli } from './cli';

if (!isMainThread) {
  runWorker();
} else {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
