// Temporary folders for integration tests, by their real path (a client or server that
// resolves links must see the same path the test compares against).
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(label: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), `pss-${label}-`)));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A fresh folder inside `parent` (removed with it). */
export async function makeSubDir(parent: string, label: string): Promise<string> {
  return mkdtemp(join(parent, `${label}-`));
}
