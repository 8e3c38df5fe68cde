// One flush for a whole batch of small files instead of one fsync each (PROTOCOL.md §6.2).
//
// On ext4, every fsync of a new file commits a journal transaction, one after another:
// 512 files of 16 KiB took 0.7-1.0 s of fsyncs on the benchmark disk, while one syncfs(2)
// of the same file system, which writes out everything dirty on it and waits, took 18-43 ms.
// Node has no syncfs, but `sync -f <folder>` (coreutils, BusyBox) is that call and nothing more.
// Starting it from Node forks the whole client, which cost the event loop 17 ms each time
// with 200 MiB mapped; so one small shell is started once and runs it for each folder it is
// given on a line, answering each on a line of its own.
//
// It is used only where it is known to be both durable and honest about errors: Linux 5.8
// or later (syncfs reports write-back errors since then), a local file system whose syncfs
// writes file data (ext2/3/4, XFS, Btrfs, F2FS), and a `sync` binary at a fixed path (never
// one found through PATH). Anywhere else, and whenever the call fails, files are synced
// one by one as before, so a failure costs speed, never durability.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsc } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { release } from 'node:os';

/** statfs(2) magic numbers of the file systems whose syncfs flushes file data. */
const FLUSHABLE_FILE_SYSTEMS: ReadonlySet<number> = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // XFS
  0x9123683e, // Btrfs
  0xf2f52010, // F2FS
]);

const SYNC_BINARIES = ['/usr/bin/sync', '/bin/sync'];
const SHELLS = ['/bin/sh', '/usr/bin/sh'];
/** Reads a folder per line and answers `0` when `sync -f` of it succeeded (the binary is $0). */
const HELPER_SCRIPT = 'while IFS= read -r d; do if "$0" -f "$d" >/dev/null 2>&1; then echo 0; else echo 1; fi; done';
/** A flush that takes longer than this is given up on; the batch is synced file by file. */
const FLUSH_TIMEOUT_MS = 60_000;

/** Linux `major.minor` of at least 5.8, from a release string such as `6.1.0-18-amd64`. */
export function kernelReportsSyncfsErrors(kernelRelease: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 5 || (major === 5 && minor >= 8);
}

function findExecutable(paths: readonly string[]): string | undefined {
  for (const path of paths) {
    try {
      accessSync(path, fsc.X_OK);
      return path;
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}

let syncBinary: string | null | undefined;

/**
 * The way to flush the file system holding `folder` at once, or undefined when files there
 * must be synced one by one.
 */
export async function fileSystemFlusher(folder: string): Promise<(() => Promise<boolean>) | undefined> {
  if (process.platform !== 'linux' || !kernelReportsSyncfsErrors(release())) return undefined;
  if (syncBinary === undefined) syncBinary = findExecutable(SYNC_BINARIES) ?? null;
  const binary = syncBinary;
  if (binary === null) return undefined;
  const type = await statfs(folder).then(
    (s) => s.type,
    () => undefined,
  );
  if (type === undefined || !FLUSHABLE_FILE_SYSTEMS.has(type)) return undefined;
  return () => (helper ??= new FlushHelper(binary)).flush(folder);
}

let helper: FlushHelper | undefined;

/** syncfs(2) of the file system holding `folder` in a process of its own; false when it did not succeed. */
function flushOnce(binary: string, folder: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['-f', folder], { timeout: FLUSH_TIMEOUT_MS, env: {} }, (err) => resolve(!err));
  });
}

/**
 * The shell that runs `sync -f` for each folder written to it, started on first use and
 * kept for the process's life without keeping it alive. Requests are answered in order. A
 * folder whose name holds a line break, a shell that cannot start, dies or takes longer
 * than FLUSH_TIMEOUT_MS: that flush runs as a process of its own instead, and after a
 * failure of the shell every later one does too.
 */
class FlushHelper {
  private child: ChildProcess | undefined;
  private broken = false;
  private readonly waiting: Array<(ok: boolean) => void> = [];
  private pending = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly binary: string) {}

  flush(folder: string): Promise<boolean> {
    if (folder.includes('\n') || folder.includes('\r')) return flushOnce(this.binary, folder);
    const child = this.broken ? undefined : (this.child ?? this.start());
    if (!child?.stdin) return flushOnce(this.binary, folder);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) this.hold(true);
      child.stdin!.write(`${folder}\n`);
    });
  }

  private start(): ChildProcess | undefined {
    const shell = findExecutable(SHELLS);
    if (!shell) {
      this.broken = true;
      return undefined;
    }
    let child: ChildProcess;
    try {
      child = spawn(shell, ['-c', HELPER_SCRIPT, this.binary], { stdio: ['pipe', 'pipe', 'ignore'], env: {} });
    } catch {
      this.broken = true;
      return undefined;
    }
    child.on('error', () => this.fail());
    child.on('exit', () => this.fail());
    child.stdin!.on('error', () => this.fail());
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.answer(text));
    this.child = child;
    this.hold(false);
    return child;
  }

  private answer(text: string): void {
    this.pending += text;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.waiting.shift()?.(line === '0');
    }
    if (this.waiting.length === 0) this.hold(false);
    else this.restartTimer();
  }

  /** While a flush is awaited the shell keeps the process alive and a deadline runs. */
  private hold(held: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const handle of [child, child.stdin, child.stdout] as Array<{ ref(): void; unref(): void } | null>) {
      if (held) handle?.ref();
      else handle?.unref();
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    if (held) this.restartTimer();
  }

  private restartTimer(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(), FLUSH_TIMEOUT_MS);
  }

  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const resolve of this.waiting.splice(0)) resolve(false);
  }
}
