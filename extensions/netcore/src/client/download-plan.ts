// Decides, before a file is requested, where it goes and where it resumes (DESIGN §3,
// PROTOCOL.md §5.2): the destination's storage rule, each name mapped and resolved inside
// the destination, each folder created, checked and read once, files already there
// skipped, partial copies of the same version resumed. A download asks for the first files
// as soon as they are decided, while the planner goes on with the rest.
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { ErrorCode, fromFsError, PssError } from '../errors';
import type { FileEntry, FileRequest } from '../protocol/messages';
import { WINDOWS_NAMES, WIRE_NAMES, pathProblem, resolveInside, type NameRule } from '../protocol/path-rules';
import { mapPaths, storageFor, strictest, type Storage } from '../protocol/storable-names';
import { detectStorage } from './destination-storage';
import { metaName, metaPath, partLength, partName, readPartMeta } from './part-files';

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

/** A folder's names hold nothing of the file called `name`: not the file, its `.part` or its sidecar. */
function holdsNothingOf(names: ReadonlySet<string>, name: string): boolean {
  return !names.has(name) && !names.has(partName(name)) && !names.has(metaName(name));
}

function failedOutcome(entry: FileEntry, code: ErrorCode, message: string): FileOutcome {
  return { path: entry.path, status: 'failed', code, message, bytes: 0 };
}

/** Where a planner hands each file as it is decided. */
export interface PlanFeed {
  /** A file to ask for, in the order given. */
  pending(item: PlannedItem): void;
  /** A file settled without asking (already there, or refused); `size` is the listing's. */
  settled(outcome: FileOutcome, size: number): void;
}

/**
 * The planner hands on its work and lets the event loop turn once it has decided files for
 * PLAN_SLICE_MS (looking at the clock every PLAN_CLOCK_FILES files), so a download asks for
 * the first files while the rest are decided and their data is handled meanwhile: planning
 * 10,000 files took 0.12 s, all of it before the first byte. A turn every 256 files was too
 * often: each turn also handled the data that had come in meanwhile, so deciding 10,000
 * files stretched over 0.43 s, the next request waited for them, and the disk thread sat
 * idle for 0.16 s between the two requests.
 */
const PLAN_SLICE_MS = 4;
const PLAN_CLOCK_FILES = 64;
/** How many folders, at most how many files ahead of the file being decided, are prepared (readAhead). */
const PLAN_FOLDERS_AHEAD = 8;
const PLAN_AHEAD_FILES = 8192;

/** Decides each file of a download in turn (planDownload does all of them at once). */
export class DownloadPlanner {
  /** The local path of each file whose name the destination cannot store as it is. */
  readonly savedAs = new Map<string, string>();
  readonly totalBytes: number;
  private readonly folders = new Map<string, Promise<Set<string> | { failed: unknown }>>();
  /** What each folder read so far holds (the same sets `folders` resolves to). */
  private readonly read = new Map<string, Set<string>>();
  /** Files before this one have their folders prepared or being prepared (readAhead). */
  private ahead = 0;
  /** targetAt() of each file once found, null where it would land outside; nothing yet for the others. */
  private readonly targets: Array<string | null> = [];
  /** The first file of each folder readAhead started, for the folders no file was decided in yet. */
  private readonly startedAhead: number[] = [];

  private constructor(
    private readonly entries: readonly FileEntry[],
    /** The destination's real path; undefined when the one file goes to a stream. */
    private readonly root: string | undefined,
    private readonly local: Map<string, string>,
    private readonly rule: NameRule,
    /** False where names that differ in case or Unicode form are one name. */
    private readonly exact: boolean,
  ) {
    this.totalBytes = entries.reduce((sum, e) => sum + e.size, 0);
    for (const e of entries) {
      const mapped = local.get(e.path);
      if (mapped !== undefined && mapped !== e.path) this.savedAs.set(e.path, mapped);
    }
  }

  /** Creates the destination and finds out what it can store; each file is decided by run(). */
  static async start(options: PlanOptions): Promise<DownloadPlanner> {
    if (options.output) {
      if (options.entries.length !== 1) throw new PssError(ErrorCode.BAD_ARGUMENT, 'only one file can go to standard output');
      return new DownloadPlanner(options.entries, undefined, new Map(), WIRE_NAMES, true);
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
    // Only safe wire paths are mapped (§5.2); the others are refused as they are decided.
    const local = mapPaths(
      [...named].filter((p) => pathProblem(p) === undefined),
      storage,
    );
    // Where the destination takes names that differ in case or Unicode form for one name, a
    // name missing from the folder's list proves nothing, so every target gets the closer look.
    return new DownloadPlanner(options.entries, root, local, storage.windowsNames ? WINDOWS_NAMES : WIRE_NAMES, !storage.caseInsensitive);
  }

  /**
   * Decides every file in order, handing each to `feed`, until `stop()` says the download
   * ended. The event loop turns every PLAN_SLICE_MS.
   */
  async run(feed: PlanFeed, stop: () => boolean = () => false): Promise<void> {
    let sliceStart = performance.now();
    try {
      for (let i = 0; i < this.entries.length && !stop(); i++) {
        if (i > 0 && i % PLAN_CLOCK_FILES === 0 && performance.now() - sliceStart >= PLAN_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          if (stop()) return;
          sliceStart = performance.now();
        }
        this.readAhead(i);
        const entry = this.entries[i]!;
        const now = this.decide(entry, this.targetAt(i));
        const decided = now instanceof Promise ? await now : now;
        if ('entry' in decided) feed.pending(decided);
        else feed.settled(decided, entry.size);
      }
    } finally {
      // Folders readAhead began are finished before the planner is: none appears afterwards.
      await Promise.all(this.folders.values());
    }
  }

  /**
   * Decides a file at once when nothing of it can be on the disk yet: its folder was read
   * already and holds neither the file nor its `.part` nor its sidecar. Otherwise the
   * answer comes after a closer look (lookCloser). Thousands of fresh files are decided
   * without a promise each.
   */
  private decide(entry: FileEntry, target: string | undefined): PlannedItem | FileOutcome | Promise<PlannedItem | FileOutcome> {
    const root = this.root;
    if (root === undefined) return { entry, target: '-', offset: 0 };
    if (!target) return failedOutcome(entry, ErrorCode.BAD_PATH, 'refused: the name would land outside the destination');
    const dir = dirname(target);
    const names = this.read.get(dir);
    if (names && this.exact && holdsNothingOf(names, basename(target))) return { entry, target, offset: 0 };
    return this.lookCloser(entry, root, dir, target);
  }

  /** Where file `index` goes inside the destination (undefined: it would land outside), found once (readAhead finds it first). */
  private targetAt(index: number): string | undefined {
    let target = this.targets[index];
    if (target === undefined) {
      const localPath = this.local.get(this.entries[index]!.path);
      target = (localPath !== undefined && this.root !== undefined ? resolveInside(this.root, localPath, this.rule) : undefined) ?? null;
      this.targets[index] = target;
    }
    return target ?? undefined;
  }

  private async lookCloser(entry: FileEntry, root: string, dir: string, target: string): Promise<PlannedItem | FileOutcome> {
    const failed = (code: ErrorCode, message: string): FileOutcome => failedOutcome(entry, code, message);
    try {
      const names = await this.folder(root, dir);
      const name = basename(target);
      const item: PlannedItem = { entry, target, offset: 0 };
      if (this.exact && holdsNothingOf(names, name)) return item;
      item.hasMeta = !this.exact || names.has(metaName(name));
      const existing = await lstat(target).catch(() => undefined);
      if (existing && !existing.isFile()) return failed(ErrorCode.WRITE_FAILED, 'something that is not a file is in the way');
      // utimes stores seconds as a double, so the millisecond may come back a hair lower.
      if (existing && existing.size === entry.size && Math.abs(existing.mtimeMs - entry.mtimeMs) < 1) {
        // A run stopped between the rename and the sidecar's removal left the sidecar.
        // Whether it goes or not, the file itself is complete.
        if (names.has(metaName(name))) await rm(metaPath(target), { force: true }).catch(() => undefined);
        return { path: entry.path, status: 'skipped', target, message: 'already downloaded', bytes: 0 };
      }
      const meta = item.hasMeta ? await readPartMeta(target) : undefined;
      const have = await partLength(target);
      if (meta && meta.path === entry.path && have > 0 && have <= meta.size) {
        item.offset = have;
        item.expect = { size: meta.size, mtimeMs: meta.mtimeMs };
      }
      return item;
    } catch (err) {
      const e = fromFsError(err, `cannot prepare ${entry.path}`, ErrorCode.WRITE_FAILED);
      return failed(e.code, e.message);
    }
  }

  /**
   * Each folder is created, checked and read once: what is in it tells which targets need
   * a closer look (an existing file, a partial copy), so a fresh download of thousands of
   * files costs a few calls per folder instead of several per file.
   */
  private async folder(root: string, dir: string): Promise<Set<string>> {
    const names = await this.folderRead(root, dir);
    if (!(names instanceof Set)) throw names.failed;
    return names;
  }

  /** The folder's preparation (folder()), started on first use; it never rejects, a failure is its value. */
  private folderRead(root: string, dir: string): Promise<Set<string> | { failed: unknown }> {
    let folder = this.folders.get(dir);
    if (!folder) {
      folder = (async () => {
        await makeFolders(root, dir);
        // Belt and braces: whatever the walk saw, the folder must really be inside.
        if (!inside(root, await realpath(dir))) throw new PssError(ErrorCode.BAD_PATH, 'refused: a folder on the way is a link out of the destination');
        const names = new Set(await readdir(dir));
        this.read.set(dir, names);
        return names;
      })().catch((failed: unknown) => ({ failed }));
      this.folders.set(dir, folder);
    }
    return folder;
  }

  /**
   * Starts preparing the folders of the files after file `i`, up to PLAN_FOLDERS_AHEAD
   * folders and PLAN_AHEAD_FILES files ahead, so that each is ready when its first file is
   * decided. Prepared one at a time as files reached them, each folder cost a few calls
   * through the thread pool, each waiting for the event loop, which was busy with the data
   * of the files asked for already: 0.1 s per folder on a busy client.
   */
  private readAhead(i: number): void {
    const root = this.root;
    if (root === undefined) return;
    const started = this.startedAhead;
    while (started.length > 0 && started[0]! <= i) started.shift();
    const end = Math.min(this.entries.length, i + PLAN_AHEAD_FILES);
    for (; this.ahead < end && started.length < PLAN_FOLDERS_AHEAD; this.ahead++) {
      const target = this.targetAt(this.ahead);
      if (!target) continue;
      const dir = dirname(target);
      if (this.folders.has(dir)) continue;
      void this.folderRead(root, dir);
      started.push(this.ahead);
    }
  }
}

/** What a DOWNLOAD_FILES message asks of a planned file: from where, and of which version when resumed. */
export function fileRequestOf(item: PlannedItem): FileRequest {
  const req: FileRequest = { path: item.entry.path, offset: item.offset };
  if (item.expect) {
    req.size = item.expect.size;
    req.mtimeMs = item.expect.mtimeMs;
  }
  return req;
}

/**
 * About the bytes a file adds to a DOWNLOAD_FILES message: its path (a quote in a name is
 * escaped), and the field names, offset, size and time around it.
 */
function requestEntryBytes(item: PlannedItem): number {
  const path = item.entry.path;
  let quotes = 0;
  for (let at = path.indexOf('"'); at >= 0; at = path.indexOf('"', at + 1)) quotes++;
  return Buffer.byteLength(path) + quotes + REQUEST_ENTRY_OVERHEAD_BYTES;
}

/** JSON around a requested path: `{"path":"","offset":…,"size":…,"mtimeMs":…},` with room to spare. */
const REQUEST_ENTRY_OVERHEAD_BYTES = 96;

/** Files decided and not asked for yet, in order; take() waits for the planner. */
export class PlannedFiles {
  private items: PlannedItem[] = [];
  /** requestEntryBytes() of each file in `items`, counted once as it comes, and their sum. */
  private sizes: number[] = [];
  private bytes = 0;
  private ended = false;
  /** How many files, or how many bytes of them, the waiting take() needs before it goes on. */
  private wanted = 0;
  private wantedBytes = Number.POSITIVE_INFINITY;
  private wake: (() => void) | undefined;

  push(item: PlannedItem): void {
    const size = requestEntryBytes(item);
    this.items.push(item);
    this.sizes.push(size);
    this.bytes += size;
    if (this.items.length >= this.wanted || this.bytes >= this.wantedBytes) this.wakeUp();
  }

  /** The planner is done (or stopped): take() hands out what is left. */
  end(): void {
    this.ended = true;
    this.wakeUp();
  }

  /** Something changed that may stop the download: a waiting take() asks its `stopped` again. */
  nudge(): void {
    this.wakeUp();
  }

  /** Every file decided has been taken, and the planner is done. */
  get drained(): boolean {
    return this.ended && this.items.length === 0;
  }

  /**
   * The next `max` files once they are decided, fewer when their requestEntryBytes() would
   * pass `maxBytes` (always at least one); fewer, or none, once the planner has ended or
   * the download `stopped()`.
   */
  async take(max: number, stopped: () => boolean, maxBytes = Number.POSITIVE_INFINITY): Promise<PlannedItem[]> {
    this.wanted = max;
    this.wantedBytes = maxBytes;
    while (!this.ended && !stopped() && this.items.length < max && this.bytes < maxBytes) await new Promise<void>((resolve) => (this.wake = resolve));
    let count = 0;
    let bytes = 0;
    for (const more of this.sizes) {
      if (count === max || (count > 0 && bytes + more > maxBytes)) break;
      bytes += more;
      count++;
    }
    this.bytes -= bytes;
    this.sizes.splice(0, count);
    return this.items.splice(0, count);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Decides every file of a download before anything is asked (the planner, run to its end). */
export async function planDownload(options: PlanOptions): Promise<DownloadPlan> {
  const planner = await DownloadPlanner.start(options);
  const plan: DownloadPlan = { pending: [], settled: [], savedAs: planner.savedAs, totalBytes: planner.totalBytes, doneBytes: 0 };
  await planner.run({
    pending: (item) => {
      plan.pending.push(item);
      plan.doneBytes += item.offset;
    },
    settled: (outcome, size) => {
      plan.settled.push(outcome);
      if (outcome.status === 'skipped') plan.doneBytes += size;
    },
  });
  return plan;
}
