// The walk of a shared folder that a listing is made of (share.ts keeps and reuses the
// listing): every file below a folder that may be served, and every entry left out with
// its reason (§5.1). Also the small path helpers the share's other lookups use.
import { lstatSync, type Dirent, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { MAX_SHARED_FILES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import type { FileEntry } from '../protocol/messages';
import type { NotSharedReason } from '../protocol/not-shared';
import { pathProblem, segmentProblem, type NameRule } from '../protocol/path-rules';
import type { ListingWatch } from './listing-watch';
import { canRead } from './read-permission';

/**
 * A listing stats its files with the synchronous call, this many between two turns of the
 * event loop: a promise per stat cost about 15 µs of the event loop's time each (100,000
 * files took 5 s of CPU), the synchronous call a few µs, and a slice this size holds the
 * loop for a few milliseconds at most.
 */
const STATS_PER_SLICE = 256;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `child` is `parent` or below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

/** Why a directory entry is not shared, for what is neither a file nor a folder. */
export function entryReason(dirent: Dirent): NotSharedReason {
  return dirent.isSymbolicLink() ? 'link' : 'special';
}

/**
 * `dir` joined with one segment the path rules passed (no separator, not `.` or `..`):
 * a concatenation, where path.join would normalise the whole path again for each segment.
 */
export function childPath(dir: string, segment: string): string {
  return dir.endsWith(sep) ? dir + segment : dir + sep + segment;
}

export interface ShareWalk {
  /** The folder to walk, already checked, and its wire path ('' for the share's root). */
  start: string;
  under: string;
  names: NameRule;
  /** The server's data directory: never listed, wherever it sits. */
  dataDir: string;
  /** Told of each folder before it is read, so a change made during the walk is heard. */
  watch: ListingWatch | undefined;
  skip: (wirePath: string, reason: NotSharedReason) => void;
}

/** Every file the walk finds that may be served, in the order found; what is left out goes to `skip`. */
export async function walkShare({ start, under, names, dataDir, watch, skip }: ShareWalk): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  let sliced = 0;
  const walk = async (dir: string, prefix: string): Promise<void> => {
    watch?.folder(dir);
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch {
      if (prefix !== under) return skip(prefix, 'unreadable');
      if (under !== '') throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${under}`);
      throw new PssError(ErrorCode.SHARE_INVALID, 'the shared folder cannot be read');
    }
    for (const dirent of dirents) {
      const wire = prefix ? `${prefix}/${dirent.name}` : dirent.name;
      if (segmentProblem(dirent.name, names) || pathProblem(wire, names)) {
        skip(wire, 'badName');
        continue;
      }
      const abs = childPath(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (isInside(dataDir, abs)) skip(wire, 'dataDir');
        else await walk(abs, wire);
      } else if (dirent.isFile()) {
        if (++sliced % STATS_PER_SLICE === 0) await nextTurn();
        let st: Stats | undefined;
        try {
          st = lstatSync(abs, { throwIfNoEntry: false });
        } catch {
          st = undefined;
        }
        if (!st?.isFile()) continue; // gone, or replaced, since the folder was read
        if (!canRead(st)) {
          skip(wire, 'unreadable');
          continue;
        }
        if (out.length >= MAX_SHARED_FILES) {
          throw new PssError(ErrorCode.SHARE_INVALID, `the share holds more than ${MAX_SHARED_FILES} files`);
        }
        out.push({ path: wire, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      } else {
        skip(wire, entryReason(dirent));
      }
    }
  };
  await walk(start, under);
  return out;
}
