// Decides, before anything is requested, where each file of a download goes and where it
// resumes (DESIGN §3, PROTOCOL.md §5.2): the destination's storage rule, each name mapped
// and resolved inside the destination, each folder created, checked and read once, files
// already there skipped, partial copies of the same version resumed.
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { ErrorCode, fromFsError, PssError } from '../errors';
import type { FileEntry } from '../protocol/messages';
import { WINDOWS_NAMES, WIRE_NAMES, pathProblem, resolveInside } from '../protocol/path-rules';
import { mapPaths, storageFor, strictest, type Storage } from '../protocol/storable-names';
import { detectStorage } from './destination-storage';
import { metaPath, partLength, partPath, readPartMeta } from './part-files';

export interface FileOutcome {
  path: string;
  status: 'done' | 'skipped' | 'failed';
  /** Where it was written (done/skipped). */
  target?: string;
  /**
   * The '/'-separated path under the destination it is saved as, when the destination
   * cannot store the server's name and it was mapped (§5.2).
   */
  savedAs?: string;
  code?: ErrorCode;
  message?: string;
  /** Bytes received in this run. */
  bytes: number;
  resumedFrom?: number;
}

export interface PlannedItem {
  entry: FileEntry;
  target: string;
  offset: number;
  /** The version a resumed .part belongs to. */
  expect?: { size: number; mtimeMs: number };
  /** A sidecar from an earlier run lies beside the target. */
  hasMeta?: boolean;
}

/** What a download asks for, and what it settled without asking. */
export interface DownloadPlan {
  /** Files to ask for, in the order given. */
  pending: PlannedItem[];
  /** Files settled before anything is asked: already there, or refused. */
  settled: FileOutcome[];
  /** The local path of each file whose name the destination cannot store as it is. */
  savedAs: Map<string, string>;
  totalBytes: number;
  /** Bytes already on the disk: files already there, and the parts a resume continues. */
  doneBytes: number;
}

export interface PlanOptions {
  entries: readonly FileEntry[];
  destination: string;
  listing?: readonly FileEntry[];
  storage?: Storage;
  output?: Writable;
}

function inside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/**
 * Creates the folders from `root` down to `dir` one by one, refusing any that exists as a
 * link: `mkdir -p` would happily create folders wherever a link points.
 */
async function makeFolders(root: string, dir: string): Promise<void> {
  let current = root;
  for (const segment of relative(root, dir).split(sep).filter(Boolean)) {
    current = join(current, segment);
    let st = await lstat(current).catch(() => undefined);
    if (!st) {
      await mkdir(current).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      st = await lstat(current);
    }
    if (st.isSymbolicLink()) throw new PssError(ErrorCode.BAD_PATH, 'refused: a folder on the way is a link');
    if (!st.isDirectory()) throw new PssError(ErrorCode.WRITE_FAILED, `${segment} is in the way and is not a folder`);
  }
}

export async function planDownload(options: PlanOptions): Promise<DownloadPlan> {
  const plan: DownloadPlan = { pending: [], settled: [], savedAs: new Map(), totalBytes: 0, doneBytes: 0 };
  if (options.output) {
    if (options.entries.length !== 1) throw new PssError(ErrorCode.BAD_ARGUMENT, 'only one file can go to standard output');
    const entry = options.entries[0]!;
    const item: PlannedItem = { entry, target: '-', offset: 0 };
    plan.totalBytes = entry.size;
    plan.pending.push(item);
    return plan;
  }
  const destination = options.destination;
  await mkdir(destination, { recursive: true }).catch((err) => {
    throw fromFsError(err, `cannot create ${destination}`, ErrorCode.WRITE_FAILED);
  });
  const root = await realpath(destination);
  // Never laxer than this platform: on Windows every name is mapped before it is used.
  const storage = strictest(options.storage ?? (await detectStorage(root)), storageFor(process.platform));
  const named = new Set((options.listing ?? []).map((e) => e.path));
  for (const e of options.entries) named.add(e.path);
  // Only safe wire paths are mapped (§5.2); the others are refused below.
  const local = mapPaths(
    [...named].filter((p) => pathProblem(p) === undefined),
    storage,
  );
  const rule = storage.windowsNames ? WINDOWS_NAMES : WIRE_NAMES;
  // Each folder is created, checked and read once: what is in it tells which targets need
  // a closer look (an existing file, a partial copy), so a fresh download of thousands of
  // files costs a few calls per folder instead of several per file. Where the destination
  // takes names that differ in case or Unicode form for one name, a name missing from the
  // folder's list proves nothing, so every target gets the closer look.
  const exact = !storage.caseInsensitive;
  const folders = new Map<string, Promise<Set<string> | { failed: unknown }>>();
  const prepareFolder = async (dir: string): Promise<Set<string>> => {
    await makeFolders(root, dir);
    // Belt and braces: whatever the walk saw, the folder must really be inside.
    if (!inside(root, await realpath(dir))) throw new PssError(ErrorCode.BAD_PATH, 'refused: a folder on the way is a link out of the destination');
    return new Set(await readdir(dir));
  };
  for (const entry of options.entries) {
    plan.totalBytes += entry.size;
    const fail = (code: ErrorCode, message: string) => plan.settled.push({ path: entry.path, status: 'failed', code, message, bytes: 0 });
    const localPath = local.get(entry.path);
    if (localPath !== undefined && localPath !== entry.path) plan.savedAs.set(entry.path, localPath);
    const target = localPath === undefined ? undefined : resolveInside(root, localPath, rule);
    if (!target) {
      fail(ErrorCode.BAD_PATH, 'refused: the name would land outside the destination');
      continue;
    }
    try {
      const dir = dirname(target);
      let folder = folders.get(dir);
      if (!folder) {
        folder = prepareFolder(dir).catch((failed: unknown) => ({ failed }));
        folders.set(dir, folder);
      }
      const names = await folder;
      if (!(names instanceof Set)) throw names.failed;
      const item: PlannedItem = { entry, target, offset: 0 };
      if (exact && !names.has(basename(target)) && !names.has(basename(partPath(target))) && !names.has(basename(metaPath(target)))) {
        plan.pending.push(item);
        continue;
      }
      item.hasMeta = !exact || names.has(basename(metaPath(target)));
      const existing = await lstat(target).catch(() => undefined);
      if (existing && !existing.isFile()) {
        fail(ErrorCode.WRITE_FAILED, 'something that is not a file is in the way');
        continue;
      }
      // utimes stores seconds as a double, so the millisecond may come back a hair lower.
      if (existing && existing.size === entry.size && Math.abs(existing.mtimeMs - entry.mtimeMs) < 1) {
        // A run stopped between the rename and the sidecar's removal left the sidecar.
        // Whether it goes or not, the file itself is complete.
        if (names.has(basename(metaPath(target)))) await rm(metaPath(target), { force: true }).catch(() => undefined);
        plan.doneBytes += entry.size;
        plan.settled.push({ path: entry.path, status: 'skipped', target, message: 'already downloaded', bytes: 0 });
        continue;
      }
      const meta = item.hasMeta ? await readPartMeta(target) : undefined;
      const have = await partLength(target);
      if (meta && meta.path === entry.path && have > 0 && have <= meta.size) {
        item.offset = have;
        item.expect = { size: meta.size, mtimeMs: meta.mtimeMs };
        plan.doneBytes += have;
      }
      plan.pending.push(item);
    } catch (err) {
      const e = fromFsError(err, `cannot prepare ${entry.path}`, ErrorCode.WRITE_FAILED);
      fail(e.code, e.message);
    }
  }
  return plan;
}
