// The partial-download bookkeeping beside each file (PROTOCOL.md §6): `name.part` holds the
// bytes so far and `name.part.json` the size and mtime they belong to, so a resume can ask
// the server for exactly that version of the file. A name too long to take the suffixes
// gets a short temporary name in the same folder instead (§6.2), derived from the final
// name, so every name a server may send can be written, resumed and renamed.
import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, open, rename, rm, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_NAME_BYTES, PART_META_SUFFIX, PART_SUFFIX, SHORT_PART_PREFIX } from '../constants';
import { fileTimeSeconds } from '../workers/small-file-disk';

/** The sidecar is never read or written through a link planted in the destination. */
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

export interface PartMeta {
  version: 1;
  /** The wire path the partial copy is of. */
  path: string;
  size: number;
  mtimeMs: number;
  /** The final file name (in the same folder) the copy is renamed to. */
  name?: string;
}

/** What the temporary names of a file called `name` start with: the name itself, or a short stand-in. */
function partBaseName(name: string): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is two units and 4 bytes).
  if (name.length * 3 + PART_META_SUFFIX.length <= MAX_NAME_BYTES || Buffer.byteLength(name + PART_META_SUFFIX) <= MAX_NAME_BYTES) return name;
  return SHORT_PART_PREFIX + createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/** What the temporary names of `target` start with: the path itself, or a short stand-in in its folder. */
function partBase(target: string): string {
  const name = basename(target);
  const base = partBaseName(name);
  return base === name ? target : join(dirname(target), base);
}

/** The name of the `.part` of a file called `name`, in the same folder (partPath, for a name alone). */
export function partName(name: string): string {
  return partBaseName(name) + PART_SUFFIX;
}

/** The name of the sidecar of a file called `name`, in the same folder (metaPath, for a name alone). */
export function metaName(name: string): string {
  return partBaseName(name) + PART_META_SUFFIX;
}

export function partPath(target: string): string {
  return partBase(target) + PART_SUFFIX;
}

export function metaPath(target: string): string {
  return partBase(target) + PART_META_SUFFIX;
}

export async function readPartMeta(target: string): Promise<PartMeta | undefined> {
  try {
    const handle = await open(metaPath(target), fsc.O_RDONLY | O_NOFOLLOW);
    const text = await handle.readFile('utf8').finally(() => handle.close());
    const meta = JSON.parse(text) as Partial<PartMeta>;
    if (meta.version !== 1 || typeof meta.path !== 'string') return undefined;
    if (!Number.isSafeInteger(meta.size) || typeof meta.mtimeMs !== 'number') return undefined;
    // A short temporary name stands for one final name: a sidecar naming another is not ours.
    if (meta.name !== undefined && meta.name !== basename(target)) return undefined;
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

/** A checked `.part` becomes its file: the server's time, its final name, then the sidecar goes. */
export async function finishPart(target: string, mtimeMs: number): Promise<void> {
  const part = partPath(target);
  const mtime = fileTimeSeconds(mtimeMs);
  await utimes(part, mtime, mtime);
  await rename(part, target);
  await rm(metaPath(target), { force: true });
}
