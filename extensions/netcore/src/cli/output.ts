// Standard output of the command line, gathered and written once per turn of the event
// loop. Writing to a pipe is a system call per write on Linux, and a download of 10,000
// small files with --json (or a server printing a log line per file sent) made 10,000 of
// them: about 12 µs each, a tenth of the client's CPU. A terminal is written line by line.
// Everything the commands print goes
// through here, so lines keep their order; what is pending is written before the process
// exits (Node writes standard output synchronously to pipes, files and terminals on
// Linux, so the last lines are not lost at exit).
/** Written at once past this many characters, so a long run of lines holds little memory. */
const FLUSH_AT_CHARS = 64 * 1024;

let pending: string[] = [];
let pendingChars = 0;
let scheduled = false;
let exitHooked = false;

/** Prints `text` to standard output, after everything printed before it. */
export function out(text: string): void {
  // A terminal gets each line at once: a progress bar on standard error is drawn between them.
  if (process.stdout.isTTY) {
    flushOutput();
    process.stdout.write(text);
    return;
  }
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushOutput);
  }
  pending.push(text);
  pendingChars += text.length;
  if (pendingChars >= FLUSH_AT_CHARS) return flushOutput();
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    flushOutput();
  });
}

/** Writes what is pending now (before something else writes to standard output directly). */
export function flushOutput(): void {
  if (pending.length === 0) return;
  const text = pending.length === 1 ? pending[0]! : pending.join('');
  pending = [];
  pendingChars = 0;
  process.stdout.write(text);
}
