// The partial-download bookkeeping beside each file (PROTOCOL.md §6): `name.part` holds the
// bytes so far and `name.part.json` the size and mtime they belong to, so a resume can ask
// the server for exactly that version of the file.
import { constants as fsc } from 'node:fs';
import { lstat, open, rm } from 'node:fs/promises';
import { PART_META_SUFFIX, PART_SUFFIX } from '../constants';

/** The sidecar is never read or written through a link planted in the destination. */
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

export interface PartMeta {
  version: 1;
  path: string;
  size: number;
  mtimeMs: number;
}

export function partPath(target: string): string {
  return target + PART_SUFFIX;
}

export function metaPath(target: string): string {
  return target + PART_META_SUFFIX;
}

export async function readPartMeta(target: string): Promise<PartMeta | undefined> {
  try {
    const handle = await open(metaPath(target), fsc.O_RDONLY | O_NOFOLLOW);
    const text = await handle.readFile('utf8').finally(() => handle.close());
    const meta = JSON.parse(text) as Partial<PartMeta>;
    if (meta.version !== 1 || typeof meta.path !== 'string') return undefined;
    if (!Number.isSafeInteger(meta.size) || typeof meta.mtimeMs !== 'number') return undefined;
    return meta as PartMeta;
  } catch {
    return undefined;
  }
}

export async function writePartMeta(target: string, meta: PartMeta): Promise<void> {
  const handle = await open(metaPath(target), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(JSON.stringify(meta));
  } finally {
    await handle.close();
  }
}

/** Bytes already in `name.part`, or 0 when there is none (or it is not a plain file). */
export async function partLength(target: string): Promise<number> {
  const st = await lstat(partPath(target)).catch(() => undefined);
  return st?.isFile() ? st.size : 0;
}

export async function discardPart(target: string): Promise<void> {
  await Promise.all([rm(partPath(target), { force: true }), rm(metaPath(target), { force: true })]);
}
