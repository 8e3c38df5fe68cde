// Child processes for the benchmark: every one has a deadline, is tracked by pid, and is
// stopped by that pid only (never by name), so a failed or interrupted run leaves nothing
// behind.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const OUTPUT_TAIL_BYTES = 64 * 1024;
const KILL_GRACE_MS = 3000;

/** pid → ChildProcess for everything started and not yet exited. */
const live = new Map();
/** Set by stopAll(): from then on nothing new is started. */
let stopping = false;

export class MeasurementError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MeasurementError';
  }
}

function keepTail(buffer, chunk) {
  const joined = buffer + chunk.toString('utf8');
  return joined.length > OUTPUT_TAIL_BYTES ? joined.slice(-OUTPUT_TAIL_BYTES) : joined;
}

function describe(cmd, args) {
  return [cmd, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

function refuseWhenStopping(cmd) {
  if (stopping) throw new MeasurementError(`not starting ${cmd}: the benchmark is stopping`);
}

function track(child) {
  if (child.pid === undefined) return;
  live.set(child.pid, child);
  child.once('exit', () => live.delete(child.pid));
}

/** SIGTERM, then SIGKILL if it has not exited after a grace period. */
export async function stopChild(child, graceMs = KILL_GRACE_MS) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      return;
    }
    await exited;
  }
}

export function isStopping() {
  return stopping;
}

export async function stopAll() {
  stopping = true;
  await Promise.all([...live.values()].map((child) => stopChild(child)));
}

/** Synchronous last resort for process exit handlers. */
export function killAllNow() {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Runs a command to completion. `stdout` may be 'pipe' (collected), 'ignore', a file
 * descriptor, or a function that receives every chunk. Resolves with the exit status, the
 * wall time from spawn to exit, and the tails of stdout/stderr; rejects only when the
 * command cannot be started.
 */
export function run(cmd, args, { cwd, env, timeoutMs, stdout = 'pipe', onStart } = {}) {
  return new Promise((resolve, reject) => {
    refuseWhenStopping(cmd);
    const streamed = typeof stdout === 'function';
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', streamed ? 'pipe' : stdout, 'pipe'],
    });
    track(child);
    let out = '';
    let err = '';
    let timedOut = false;
    let elapsedMs = 0;
    let exit;
    if (child.stdout) child.stdout.on('data', (chunk) => (streamed ? stdout(chunk) : (out = keepTail(out, chunk))));
    child.stderr.on('data', (chunk) => (err = keepTail(err, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new MeasurementError(`cannot start ${cmd}: ${error.message}`));
    });
    child.once('spawn', () => onStart?.(child));
    child.once('exit', (code, signal) => {
      elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      exit = { code, signal };
    });
    child.once('close', () => {
      clearTimeout(timer);
      resolve({ ...exit, timedOut, elapsedMs, stdout: out, stderr: err, command: describe(cmd, args) });
    });
  });
}

/** Like run(), but a non-zero exit, a signal or a timeout is an error. */
export async function runChecked(cmd, args, options = {}) {
  const result = await run(cmd, args, options);
  if (result.timedOut) throw new MeasurementError(`timed out after ${Math.round(options.timeoutMs / 1000)} s: ${result.command}\n${result.stderr.trim()}`);
  if (result.code !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit status ${result.code}`;
    throw new MeasurementError(`${how}: ${result.command}\n${(result.stderr || result.stdout).trim()}`);
  }
  return result;
}

/**
 * Starts a long-running server. Its stdout is split into lines for waitForLine(); only a
 * tail of the output is kept.
 */
export function startServer(cmd, args, { cwd, env } = {}) {
  refuseWhenStopping(cmd);
  const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const state = { stdout: '', stderr: '', partial: '', watchers: new Set(), failure: undefined };
  const fail = (why) => {
    state.failure ??= why;
    for (const w of state.watchers) w.reject(new MeasurementError(`${describe(cmd, args)}: ${why}\n${state.stderr.trim()}`));
    state.watchers.clear();
  };
  child.once('error', (error) => fail(`cannot start: ${error.message}`));
  child.once('exit', (code, signal) => fail(signal ? `stopped by ${signal}` : `exited with status ${code}`));
  child.stderr.on('data', (chunk) => (state.stderr = keepTail(state.stderr, chunk)));
  child.stdout.on('data', (chunk) => {
    state.stdout = keepTail(state.stdout, chunk);
    const lines = (state.partial + chunk.toString('utf8')).split('\n');
    state.partial = lines.pop();
    for (const line of lines) {
      for (const w of state.watchers) {
        const value = w.match(line);
        if (value !== undefined) {
          state.watchers.delete(w);
          w.resolve(value);
        }
      }
    }
  });
  return {
    child,
    get pid() {
      return child.pid;
    },
    get stderr() {
      return state.stderr;
    },
    /** Resolves with the first non-undefined match(line) of a later stdout line. */
    waitForLine(match, timeoutMs) {
      if (state.failure) return Promise.reject(new MeasurementError(`${describe(cmd, args)}: ${state.failure}\n${state.stderr.trim()}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          state.watchers.delete(watcher);
          reject(new MeasurementError(`no ready line within ${timeoutMs / 1000} s from ${describe(cmd, args)}\n${state.stderr.trim()}`));
        }, timeoutMs);
        const watcher = {
          match,
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
        state.watchers.add(watcher);
      });
    },
    /** Rejects if the server has already exited. */
    assertRunning() {
      if (state.failure) throw new MeasurementError(`${describe(cmd, args)}: ${state.failure}\n${state.stderr.trim()}`);
    },
    stop: () => stopChild(child),
  };
}

/** Reads VmRSS / VmHWM (KiB) of a process, or undefined once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)/m.exec(status);
    const hwm = /^VmHWM:\s+(\d+)/m.exec(status);
    return { rssKiB: rss ? Number(rss[1]) : 0, hwmKiB: hwm ? Number(hwm[1]) : 0 };
  } catch {
    return undefined;
  }
}

/**
 * Tracks the peak resident memory of one process. VmHWM is the kernel's own peak, read as
 * late as possible before exit; polled VmRSS covers the case where the peak cannot be
 * reset. mark() starts a new window (resetting VmHWM through clear_refs where allowed),
 * so one long-running server yields a peak per transfer.
 */
export class MemoryWatch {
  /** `wholeLife`: the process is never marked, so VmHWM is its peak from the start. */
  constructor(pid, { intervalMs = 20, wholeLife = false } = {}) {
    this.pid = pid;
    this.windowPeakKiB = 0;
    this.useHwm = wholeLife;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample() {
    const m = memoryOf(this.pid);
    if (!m) return;
    this.windowPeakKiB = Math.max(this.windowPeakKiB, m.rssKiB, this.useHwm ? m.hwmKiB : 0);
  }

  mark() {
    try {
      // "5" resets the peak RSS counter (see proc(5), /proc/pid/clear_refs).
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.useHwm = true;
    } catch {
      this.useHwm = false;
    }
    this.windowPeakKiB = 0;
    this.sample();
  }

  /** Peak of the current window, in KiB. */
  peakKiB() {
    this.sample();
    return this.windowPeakKiB;
  }

  stop() {
    clearInterval(this.timer);
  }
}

/** Linux reports process CPU times in USER_HZ ticks, 100 per second on every architecture it exposes to /proc. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a running process has used so far, from /proc; undefined elsewhere. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
