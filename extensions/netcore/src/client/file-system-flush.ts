// One flush for a whole batch of small files instead of one fsync each (PROTOCOL.md §6.2).
//
// On ext4, every fsync of a new file commits a journal transaction, one after another:
// 512 files of 16 KiB took 0.7-1.0 s of fsyncs on the benchmark disk, while one syncfs(2)
// of the same file system, which writes out everything dirty on it and waits, took 18-43 ms.
// Node has no syncfs, but `sync -f <folder>` (coreutils, BusyBox) is that call and nothing more.
//
// It is used only where it is known to be both durable and honest about errors: Linux 5.8
// or later (syncfs reports write-back errors since then), a local file system whose syncfs
// writes file data (ext2/3/4, XFS, Btrfs, F2FS), and a `sync` binary at a fixed path (never
// one found through PATH). Anywhere else, and whenever the call fails, files are synced
// one by one as before, so a failure costs speed, never durability.
import { execFile } from 'node:child_process';
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

function findSyncBinary(): string | undefined {
  for (const path of SYNC_BINARIES) {
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
  if (syncBinary === undefined) syncBinary = findSyncBinary() ?? null;
  const binary = syncBinary;
  if (binary === null) return undefined;
  const type = await statfs(folder).then(
    (s) => s.type,
    () => undefined,
  );
  if (type === undefined || !FLUSHABLE_FILE_SYSTEMS.has(type)) return undefined;
  return () => flushFileSystem(binary, folder);
}

/** syncfs(2) of the file system holding `folder`; false when it did not succeed. */
function flushFileSystem(binary: string, folder: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['-f', folder], { timeout: FLUSH_TIMEOUT_MS, env: {} }, (err) => resolve(!err));
  });
}
