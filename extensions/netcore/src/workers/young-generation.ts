// Keeps V8's young generation at its starting size in a server process (README "Memory
// goes back after a burst"). The setting is V8's growth factor, which V8 reads each time it
// would grow the young generation, so it can be set while the process runs. But each new
// V8 instance (a worker thread starting) raises the process's flags back to their allowed
// minimums, the growth factor to 2: the pool sets it again once each worker has started.
import { setFlagsFromString } from 'node:v8';

let pinned = false;

/** From now on the young generation keeps its size (process-wide). */
export function pinYoungGeneration(): void {
  pinned = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Called once a worker thread has started: sets the pin again when there is one. */
export function workerStarted(): void {
  if (pinned) setFlagsFromString('--semi-space-growth-factor=1');
}
