// The disk work of a batch of small files (PROTOCOL.md §6.2; batch-commit.ts
// decides the order), done with synchronous calls one file after another, in a pool worker
// (worker-main.ts) or, without a pool, on the calling thread. One thread creating the
// batch's files in turn costs far less than a promise per call spread over the thread pool:
// each of those cost the event loop a round trip, and four threads creating files in one
// folder wait on each other in the kernel. Each step answers file by file: null for done,
// or the error that file met; a file that fails loses its `.part`, and the others go on.
import { closeSync, constants as fsc, fsyncSync, futimesSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, fromFsError, PssError, type SerializedError } from '../errors';

const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

export interface DiskFile {
  /** Where the bytes are written first, and the final name they are renamed to. */
  part: string;
  target: string;
  mtimeMs: number;
  /** The bytes, for the write step only. */
  bytes?: Uint8Array;
  /** A sidecar of an earlier run, deleted by the rename step once the final name exists. */
  staleMeta?: string;
}

/**
 * - `write`: each `.part` created afresh (never through a link), written, given its time;
 * - `write-sync`: the same, and each flushed to stable storage (fsync);
 * - `sync`: each `.part` written earlier flushed (after a whole-file-system flush failed);
 * - `rename`: each `.part` renamed to its final name, then its stale sidecar deleted;
 * - `sync-folders`: the folder of each final name flushed, so the renames in it last.
 */
export type DiskStep = 'write' | 'write-sync' | 'sync' | 'rename' | 'sync-folders';

export type DiskResult = SerializedError | null;

/** Runs a step for a batch on another thread or this one. */
export type SmallFileDisk = (step: DiskStep, files: DiskFile[]) => Promise<DiskResult[]>;

/** Does the batch's disk work on this thread (tests, and a client without a pool). */
export const diskOnThisThread: SmallFileDisk = async (step, files) => runDiskStep(step, files);

export function runDiskStep(step: DiskStep, files: readonly DiskFile[]): DiskResult[] {
  if (step === 'sync-folders') {
    for (const folder of new Set(files.map((f) => dirname(f.target)))) syncFolder(folder);
    return files.map(() => null);
  }
  return files.map((file) => {
    try {
      if (step === 'write' || step === 'write-sync') writePart(file, step === 'write-sync');
      else if (step === 'sync') syncPart(file.part);
      else {
        renameSync(file.part, file.target);
        if (file.staleMeta) removeQuietly(file.staleMeta);
      }
      return null;
    } catch (err) {
      // Left, if it cannot go, for the next run, which asks for the file again from 0.
      removeQuietly(file.part);
      return failure(err, file).toJSON();
    }
  });
}

/** Deletes a file that should go; one that will not go is only untidy (a later run deletes, ignores or replaces it). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // See above.
  }
}

function writePart(file: DiskFile, sync: boolean): void {
  const bytes = file.bytes ?? new Uint8Array(0);
  // Never through a link: a planted `name.part` link must not redirect the download.
  const fd = openSync(file.part, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | O_NOFOLLOW, 0o644);
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = writeSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) throw new PssError(ErrorCode.WRITE_FAILED, `cannot write ${file.target}: nothing was written`);
      done += n;
    }
    const seconds = fileTimeSeconds(file.mtimeMs);
    futimesSync(fd, seconds, seconds);
    if (sync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A time in milliseconds as the seconds to give futimes() or utimes(), so that the file gets
 * exactly that millisecond. The call keeps whole microseconds, cutting the rest off, and
 * many times in milliseconds are a hair under their value in seconds (1796662254518 ms is
 * 1796662254.5179999… s), which made such a file 1 µs older than the server's: half a
 * microsecond more lands it on the microsecond meant.
 */
export function fileTimeSeconds(mtimeMs: number): number {
  return mtimeMs / 1000 + 5e-7;
}

function syncPart(part: string): void {
  const fd = openSync(part, fsc.O_WRONLY | O_NOFOLLOW);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Where folders cannot be synced (EINVAL, EPERM, EISDIR), the files themselves are durable: nothing is lost but that. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, fsc.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // See above.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function failure(err: unknown, file: DiskFile): PssError {
  if ((err as NodeJS.ErrnoException)?.code === 'ELOOP') return new PssError(ErrorCode.BAD_PATH, `refused: ${file.part} is a link`);
  return fromFsError(err, `cannot write ${file.target}`, ErrorCode.WRITE_FAILED);
}
