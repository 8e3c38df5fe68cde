// Runs the built `pss` bundle as a child process: one-shot commands with their output
// and exit status, and `pss serve --json` as a long-running server that is ready once it
// prints its first JSON line. Children are stopped by pid and always awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { within } from './wait';

export const CLI_BUNDLE = resolve(__dirname, '..', '..', 'extensions', 'netcore', 'dist', 'netcore.cjs');

export interface CliOptions {
  cwd: string;
  /** Added to this process's environment. PSS_DATA_DIR defaults to a folder inside `cwd`. */
  env?: Record<string, string>;
  /** Runs this executable (a release's `pss`) with exactly `env`, instead of the bundle through node. */
  executable?: string;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The lines a stream printed, without the empty one after the last newline. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Each complete line of `text` parsed as JSON (a trailing partial line is left out). */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return linesOf(text.slice(0, text.lastIndexOf('\n') + 1)).map((line) => JSON.parse(line) as T);
}

export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  private readonly child: ChildProcess;
  private exitedFlag = false;

  constructor(args: string[], options: CliOptions) {
    if (options.executable !== undefined) {
      this.child = spawn(options.executable, args, { cwd: options.cwd, env: options.env ?? {}, stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: build first (node scripts/build.mjs)`);
      this.child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
        cwd: options.cwd,
        env: { ...process.env, PSS_DATA_DIR: join(options.cwd, '.pss-default-data'), ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    }
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolvePromise, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.exitedFlag = true;
        resolvePromise({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
    this.exited.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get hasExited(): boolean {
    return this.exitedFlag;
  }

  /** Sends a signal to this child (by its pid) unless it has already exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.exitedFlag) return;
    try {
      process.kill(this.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** Waits for a stdout line matching `test`; fails if the child exits first. */
  async waitForLine(test: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    // Only whole lines: a JSON line may arrive in pieces.
    const found = (): string | undefined => linesOf(this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1)).find(test);
    return within(
      new Promise<string>((resolvePromise, reject) => {
        const check = () => {
          const line = found();
          if (line !== undefined) {
            this.child.stdout!.off('data', check);
            resolvePromise(line);
          } else if (this.exitedFlag) {
            reject(new Error(`the process exited before ${what}:\n${this.stdout}\n${this.stderr}`));
          }
        };
        this.child.stdout!.on('data', check);
        void this.exited.then(() => setImmediate(check));
        check();
      }),
      timeoutMs,
      what,
    );
  }

  /** Signals and waits; escalates to SIGKILL when the child does not stop in time. */
  async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = 10_000): Promise<CliResult> {
    this.signal(signal);
    try {
      return await within(this.exited, timeoutMs, `pid ${this.pid} to exit after ${signal}`);
    } catch (err) {
      this.signal('SIGKILL');
      await within(this.exited, 5_000, `pid ${this.pid} to exit after SIGKILL`);
      throw err;
    }
  }
}

/** Runs one command to completion; a command that outlives `timeoutMs` is killed and fails the test. */
export async function runCli(args: string[], options: CliOptions & { timeoutMs?: number }): Promise<CliResult> {
  const child = new CliProcess(args, options);
  const timeoutMs = options.timeoutMs ?? 20_000;
  try {
    return await within(child.exited, timeoutMs, `pss ${args.join(' ')}`);
  } catch (err) {
    child.signal('SIGKILL');
    await within(child.exited, 5_000, 'the killed command to exit');
    throw new Error(`${(err as Error).message}\nstdout: ${child.stdout}\nstderr: ${child.stderr}`);
  }
}

export interface ReadyLine {
  event: 'ready';
  mainPort: number;
  chatPort: number | null;
  webPort: number | null;
  fingerprint: string;
  [key: string]: unknown;
}

export interface CliServer {
  process: CliProcess;
  ready: ReadyLine;
  /** Stops by pid with `signal` (SIGINT by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/**
 * Starts `pss serve <share> --json --bind 127.0.0.1 --port <port> --data-dir <dataDir>` and
 * waits for its first line, which must be the ready event. Without `dataDir` the command
 * finds its data directory itself (a release folder's data/, say).
 */
export async function startCliServer(
  share: string,
  options: CliOptions & { dataDir: string | undefined; port?: number; extraArgs?: string[] },
): Promise<CliServer> {
  const args = [
    'serve',
    share,
    '--json',
    '--port',
    String(options.port ?? 0),
    '--bind',
    '127.0.0.1',
    ...(options.dataDir === undefined ? [] : ['--data-dir', options.dataDir]),
  ];
  const child = new CliProcess([...args, ...(options.extraArgs ?? [])], options);
  let first: string;
  try {
    first = await child.waitForLine(() => true, 20_000, 'pss serve to print its ready line');
  } catch (err) {
    await child.stop('SIGKILL').catch(() => undefined);
    throw err;
  }
  const ready = JSON.parse(first) as ReadyLine;
  if (ready.event !== 'ready') {
    await child.stop('SIGKILL').catch(() => undefined);
    throw new Error(`the first line of pss serve is not the ready event: ${first}`);
  }
  return { process: child, ready, stop: (signal = 'SIGINT') => child.stop(signal) };
}
