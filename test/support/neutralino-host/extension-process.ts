// Starts an extension as Neutralino does (api/os/os.cpp execCommand, in the background):
// the command runs through the shell (`/bin/sh -c`, `cmd.exe /c` on Windows), the start-up
// JSON is written to its standard input, and the pipe is closed at once. The shell stays as
// the extension's parent. Its output is kept (bounded) for test messages.
import { spawn, type ChildProcess } from 'node:child_process';

const MAX_OUTPUT_CHARS = 64 * 1024;

export interface ExtensionInput {
  nlPort: string;
  nlToken: string;
  nlConnectToken: string;
  nlExtensionId: string;
}

export class ExtensionProcess {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private done = false;

  constructor(
    readonly id: string,
    readonly command: string,
    input: ExtensionInput,
    env: NodeJS.ProcessEnv,
  ) {
    const windows = process.platform === 'win32';
    this.child = spawn(windows ? 'cmd.exe' : '/bin/sh', windows ? ['/c', command] : ['-c', command], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a test that fails can still end the shell and the extension.
      detached: !windows,
      windowsVerbatimArguments: windows,
    });
    const keep = (s: string) => {
      this.output = (this.output + s).slice(-MAX_OUTPUT_CHARS);
    };
    this.child.stdout!.setEncoding('utf8').on('data', keep);
    this.child.stderr!.setEncoding('utf8').on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        keep(`\n[spawn failed: ${err.message}]`);
        this.done = true;
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
    });
    this.child.stdin!.on('error', () => undefined);
    // Key order as Neutralino's JSON library writes it.
    this.child.stdin!.end(
      JSON.stringify({ nlConnectToken: input.nlConnectToken, nlExtensionId: input.nlExtensionId, nlPort: input.nlPort, nlToken: input.nlToken }),
    );
  }

  /** The shell's pid (the extension is its child). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.done;
  }

  /** Signals the shell's process group (the shell and the extension), if still running. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.done || this.child.pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-this.child.pid, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}
