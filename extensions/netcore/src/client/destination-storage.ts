// What the destination's file system can hold (PROTOCOL.md §5.2). The platform gives the
// default; a probe in the destination finds the file systems that are stricter than their
// platform: a FAT or exFAT stick or a Windows share mounted on Linux refuses Windows'
// characters (and silently drops a trailing dot), and a case-insensitive volume takes
// `A.txt` and `a.txt` for one file.
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { storageFor, type Storage } from '../protocol/storable-names';

/** Errors with which a file system refuses a name it cannot store. */
const REFUSED_NAME = new Set(['EINVAL', 'EILSEQ', 'ENOENT']);

/** Creates and removes an empty file: true, false if the name is refused, undefined if unsure. */
async function tryCreate(path: string): Promise<boolean | undefined> {
  try {
    const handle = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | (fsc.O_NOFOLLOW ?? 0), 0o600);
    await handle.close();
    return true;
  } catch (err) {
    return REFUSED_NAME.has((err as NodeJS.ErrnoException).code ?? '') ? false : undefined;
  }
}

export async function detectStorage(dir: string, platform: NodeJS.Platform = process.platform): Promise<Storage> {
  const storage = { ...storageFor(platform) };
  const probe = join(dir, `.pss-probe-${randomBytes(8).toString('hex')}`);
  if (!storage.windowsNames) {
    const made = await tryCreate(`${probe}-a:b?`);
    if (made) await rm(`${probe}-a:b?`, { force: true });
    if (made === false) storage.windowsNames = true;
  }
  if (!storage.caseInsensitive && (await tryCreate(`${probe}-a`))) {
    try {
      storage.caseInsensitive = (await lstat(`${probe}-A`).catch(() => undefined)) !== undefined;
    } finally {
      await rm(`${probe}-a`, { force: true });
    }
  }
  return storage;
}
