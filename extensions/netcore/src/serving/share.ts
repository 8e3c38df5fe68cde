// What the server shares: one folder (recursively) or one file. Every path a client
// names is checked here against the share root, segment by segment with lstat, so a
// symlink, a name outside the share or the server's own data directory is never served.
// Names follow the host's rule (§5.1): the safety checks, and on a Windows server the
// Windows checks too; both ports list and serve the same files. What is left out is
// counted by reason and reported (§5.1). The folder walk a listing is made of is
// share-walk.ts; here the listing is kept while the share does not change.
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, type Dir, type Stats } from 'node:fs';
import { lstat, open, opendir, realpath, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { ErrorCode, PssError, refusal } from '../errors';
import type { FileEntry, ShareIdentity, ShareKind } from '../protocol/messages';
import { countReasons, type NotSharedCounts, type NotSharedReason } from '../protocol/not-shared';
import { HOST_NAMES, pathProblem, segmentProblem, type NameRule } from '../protocol/path-rules';
import { ListingWatch } from './listing-watch';
import { canRead } from './read-permission';
import { NotSharedReport, type NotSharedItem } from './not-shared-report';
import { childPath, entryReason, isInside, nextTurn, walkShare } from './share-walk';

export interface OpenedFile {
  handle: FileHandle;
  stat: Stats;
  absPath: string;
}

/** Not followed on the last segment: a file swapped for a link after the checks is refused. */
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;
/**
 * A synchronous open never waits on a FIFO swapped in after the checks: for a regular file
 * the flag changes nothing, anything else is refused after the open.
 */
const O_NONBLOCK = fsc.O_NONBLOCK ?? 0;

/**
 * Folders of a shared folder found sound (there, a folder, not a link, not the data
 * directory) by one request's earlier files: its later files in the same folders skip
 * their lstat. Kept for one request only. A folder swapped for a link while the request
 * runs is followed for that request's later files; only someone who may write into the
 * shared folder can do that, and they could as well put the files themselves there.
 */
export type CheckedFolders = Set<string>;

/** A shared file opened by openFileSync: its descriptor, which the caller closes. */
export interface OpenedDescriptor {
  fd: number;
  stat: Stats;
  absPath: string;
}

/** A listing and what it left out; `complete` when no change was heard while it was made. */
interface Listed {
  entries: FileEntry[];
  left: NotSharedItem[];
  complete: boolean;
}

/** The whole share's listing, kept while its watch hears no change. */
interface KeptListing extends Listed {
  watch: ListingWatch;
}

export class Share {
  /** What the latest full listing left out: the administrator's log and status. */
  readonly notShared = new NotSharedReport();
  private kept: KeptListing | undefined;
  private building: Promise<Listed> | undefined;

  private constructor(
    readonly kind: ShareKind,
    /** Real path of the shared folder, or of the shared file. */
    readonly root: string,
    private readonly dataDir: string,
    /** The rule every listed and every requested name must pass. */
    readonly names: NameRule,
  ) {}

  /** Display name: the folder's or the file's own name. */
  get name(): string {
    return basename(this.root);
  }

  /** What clients are told of the share. */
  get identity(): ShareIdentity {
    return { kind: this.kind, name: this.name };
  }

  /**
   * Opens a share after checking it exists, is a folder or a regular file, and is not the
   * data directory or inside it (the private key lives there). `names` is the host's rule
   * unless a test plays another host.
   */
  static async open(path: string, dataDir: string, names: NameRule = HOST_NAMES): Promise<Share> {
    let root: string;
    let st: Stats;
    try {
      root = await realpath(path);
      st = await lstat(root);
    } catch {
      throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: it does not exist or cannot be read`);
    }
    const realData = await realpath(dataDir).catch(() => dataDir);
    if (isInside(realData, root)) {
      throw new PssError(ErrorCode.SHARE_INVALID, `refusing to share ${path}: it is the data directory or inside it`);
    }
    if (st.isDirectory()) return new Share('directory', root, realData, names);
    if (st.isFile()) {
      // Clients would refuse the name (§5), so say so now rather than share nothing.
      const problem = segmentProblem(basename(root), names);
      if (problem) throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: its name is not allowed (${problem}); rename it`);
      if (!canRead(st)) throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: it cannot be read`);
      return new Share('file', root, realData, names);
    }
    throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: not a folder or a regular file`);
  }

  /**
   * Every shareable file below `under` ('' is the whole share), sorted by path. Links,
   * special and unreadable files and folders, the data dir and names the rule refuses
   * (§5) are passed to `skipped` with their reason; a listing of the whole share also
   * becomes the administrator's report.
   */
  async list(skipped: (wirePath: string, reason: NotSharedReason) => void = () => undefined, under = ''): Promise<FileEntry[]> {
    if (this.kind === 'directory' && under === '') {
      // One walk at a time: a listing asked for while one runs (the one the server starts
      // with, another client's) waits for it, unless the share changed meanwhile.
      let whole: Listed | undefined = await this.keptListing();
      if (!whole) {
        const joined = this.building;
        whole = await (joined ?? this.buildWhole());
        if (joined && !whole.complete) whole = await this.buildWhole();
      }
      for (const item of whole.left) skipped(item.path, item.reason);
      return whole.entries;
    }
    return (await this.listNow(under, skipped)).entries;
  }

  private buildWhole(): Promise<Listed> {
    const building = this.listNow('', () => undefined).finally(() => {
      if (this.building === building) this.building = undefined;
    });
    this.building = building;
    return building;
  }

  private async listNow(under: string, skipped: (wirePath: string, reason: NotSharedReason) => void): Promise<Listed> {
    const left: NotSharedItem[] = [];
    const skip = (path: string, reason: NotSharedReason) => {
      left.push({ path, reason });
      skipped(path, reason);
    };
    if (this.kind === 'file') {
      if (under !== '') throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${under}`);
      const st = await lstat(this.root).catch(() => undefined);
      const out: FileEntry[] = [];
      if (!st?.isFile()) skip(this.name, st?.isSymbolicLink() ? 'link' : st ? 'special' : 'unreadable');
      else if (!canRead(st)) skip(this.name, 'unreadable');
      else out.push({ path: this.name, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      this.notShared.update(left);
      return { entries: out, left, complete: false };
    }
    // A whole listing is kept while nothing in the share changes: each folder is watched
    // before it is read, so a change made while the walk runs is heard too.
    const watch = under === '' ? new ListingWatch(() => this.forget(watch)) : undefined;
    let out: FileEntry[];
    try {
      watch?.root(this.root);
      const start = under === '' ? this.root : await this.resolve(under, 'directory');
      out = await walkShare({ start, under, names: this.names, dataDir: this.dataDir, watch, skip });
    } catch (err) {
      watch?.close();
      throw err;
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (!watch) return { entries: out, left, complete: false };
    this.notShared.update(left);
    this.forget(this.kept?.watch);
    const complete = watch.complete;
    if (complete) this.kept = { entries: out, left, watch, complete };
    else watch.close();
    return { entries: out, left, complete };
  }

  /**
   * The kept listing, if nothing changed. Changes are heard between two turns of the event
   * loop, so one that was made just before this call (by this process too) is heard first.
   */
  private async keptListing(): Promise<KeptListing | undefined> {
    if (!this.kept) return undefined;
    await nextTurn();
    await nextTurn();
    return this.kept?.watch.complete ? this.kept : undefined;
  }

  /** Drops the kept listing when `watch` is the one keeping it (it heard a change). */
  private forget(watch: ListingWatch | undefined): void {
    if (!watch || this.kept?.watch !== watch) return;
    this.kept = undefined;
    watch.close();
  }

  /** Stops watching the share (the server stops). */
  close(): void {
    this.forget(this.kept?.watch);
  }

  /**
   * One folder's own contents (the web page's view): sub-folders by name and files, both
   * sorted, with the same exclusions as list(), counted by reason. '' is the share's root.
   */
  async listFolder(wirePath: string): Promise<{ folders: string[]; files: FileEntry[]; notShared: NotSharedCounts }> {
    if (this.kind === 'file') {
      if (wirePath !== '') throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${wirePath}`);
      const reasons: NotSharedReason[] = [];
      const files = await this.list((_, reason) => reasons.push(reason));
      return { folders: [], files, notShared: countReasons(reasons) };
    }
    const dir = wirePath === '' ? this.root : await this.resolve(wirePath, 'directory');
    const folders: string[] = [];
    const files: FileEntry[] = [];
    const reasons: NotSharedReason[] = [];
    let handle: Dir;
    try {
      handle = await opendir(dir);
    } catch {
      throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${wirePath}`);
    }
    for await (const dirent of handle) {
      const wire = wirePath ? `${wirePath}/${dirent.name}` : dirent.name;
      if (segmentProblem(dirent.name, this.names) || pathProblem(wire, this.names)) {
        reasons.push('badName');
        continue;
      }
      const abs = childPath(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (isInside(this.dataDir, abs)) reasons.push('dataDir');
        else folders.push(dirent.name);
      } else if (dirent.isFile()) {
        const st = await lstat(abs).catch(() => undefined);
        if (!st?.isFile()) continue;
        if (canRead(st)) files.push({ path: wire, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
        else reasons.push('unreadable');
      } else {
        reasons.push(entryReason(dirent));
      }
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    folders.sort(byName);
    files.sort((a, b) => byName(a.path, b.path));
    return { folders, files, notShared: countReasons(reasons) };
  }

  /** What a wire path names in the share: a file, a folder ('' is the root), or nothing. */
  async kindOf(wirePath: string): Promise<'file' | 'directory' | undefined> {
    if (wirePath === '') return this.kind === 'directory' ? 'directory' : undefined;
    if (this.kind === 'file') return wirePath === this.name ? 'file' : undefined;
    for (const want of ['file', 'directory'] as const) {
      try {
        await this.resolve(wirePath, want);
        return want;
      } catch (err) {
        if ((err as PssError).code === ErrorCode.BAD_PATH) throw err;
      }
    }
    return undefined;
  }

  /**
   * A single-file share's file when `wirePath` names it (after the path checks); undefined
   * for a folder share, whose paths are resolved segment by segment.
   */
  private sharedFile(wirePath: string): string | undefined {
    if (this.kind !== 'file') return undefined;
    const problem = pathProblem(wirePath, this.names);
    if (problem) throw refusal(ErrorCode.BAD_PATH, `refused path: ${problem}`);
    if (wirePath !== this.name) throw notShared();
    return this.root;
  }

  /**
   * Opens a shared file by its wire path (§5). Every segment is lstat-ed: a symbolic link
   * anywhere on the way, a special file, or the data directory is NOT_FOUND or BAD_PATH.
   */
  async openFile(wirePath: string): Promise<OpenedFile> {
    const absPath = this.sharedFile(wirePath) ?? (await this.resolve(wirePath, 'file'));
    let handle: FileHandle;
    try {
      handle = await open(absPath, fsc.O_RDONLY | O_NOFOLLOW);
    } catch {
      throw notShared();
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw notShared();
    }
    return { handle, stat, absPath };
  }

  /**
   * openFile with synchronous calls, for the main port's read-ahead of small files: the
   * same checks (every segment lstat-ed, no link, no special file, not the data directory)
   * at a few microseconds per call, where each call through the thread pool cost the event
   * loop tens of microseconds on a busy machine.
   *
   * Kept to few calls per file: a folder the same request found sound before (`checked`)
   * is not lstat-ed again, and a file's stat is its lstat, taken before it was opened (never
   * through a link). The caller stats the descriptor once the file is read and compares
   * device, inode, size and time (read-ahead.ts, sameVersion), which also catches a file swapped between
   * that lstat and the open. Of seven calls per small file, five are left.
   */
  openFileSync(wirePath: string, checked?: CheckedFolders): OpenedDescriptor {
    const single = this.sharedFile(wirePath);
    const resolved = single === undefined ? this.resolveSync(wirePath, checked) : undefined;
    const absPath = single ?? resolved!.absPath;
    let fd: number;
    try {
      fd = openSync(absPath, fsc.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch {
      throw notShared();
    }
    if (resolved) return { fd, stat: resolved.stat, absPath };
    let stat: Stats;
    try {
      stat = fstatSync(fd);
    } catch {
      closeSync(fd);
      throw notShared();
    }
    if (!stat.isFile()) {
      closeSync(fd);
      throw notShared();
    }
    return { fd, stat, absPath };
  }

  /** resolve(wirePath, 'file') with synchronous calls (openFileSync); also returns the file's lstat. */
  private resolveSync(wirePath: string, checked: CheckedFolders | undefined): { absPath: string; stat: Stats } {
    const segments = this.segmentsOf(wirePath);
    let absPath = this.root;
    const last = segments.length - 1;
    for (let i = 0; i < segments.length; i++) {
      absPath = childPath(absPath, segments[i]!);
      if (i < last && checked?.has(absPath)) continue;
      let st: Stats | undefined;
      try {
        st = lstatSync(absPath, { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      this.checkSegment(absPath, st, i === last ? 'file' : 'directory');
      if (i === last) return { absPath, stat: st! };
      checked?.add(absPath);
    }
    throw notShared();
  }

  /**
   * The absolute path of a wire path inside a shared folder, checked segment by segment
   * with lstat: a link on the way, the wrong kind of entry or the data directory is
   * NOT_FOUND; a path the share's rule refuses (§5) is BAD_PATH.
   */
  private async resolve(wirePath: string, want: 'file' | 'directory'): Promise<string> {
    const segments = this.segmentsOf(wirePath);
    let absPath = this.root;
    for (let i = 0; i < segments.length; i++) {
      absPath = childPath(absPath, segments[i]!);
      const st = await lstat(absPath).catch(() => undefined);
      this.checkSegment(absPath, st, i === segments.length - 1 ? want : 'directory');
    }
    return absPath;
  }

  /** A wire path's segments, once the share's rule has passed it (§5). */
  private segmentsOf(wirePath: string): string[] {
    const problem = pathProblem(wirePath, this.names);
    if (problem) throw refusal(ErrorCode.BAD_PATH, `refused path: ${problem}`);
    return wirePath.split('/');
  }

  /** One segment on the way: there, not a link, the kind wanted, not the data directory. */
  private checkSegment(absPath: string, st: Stats | undefined, want: 'file' | 'directory'): void {
    const ok = st !== undefined && !st.isSymbolicLink() && (want === 'file' ? st.isFile() : st.isDirectory()) && !isInside(this.dataDir, absPath);
    if (!ok) throw notShared();
  }
}

/**
 * What a request for anything the share does not serve gets. The path is not repeated:
 * a FILE_ERROR and its log line name it already, and a peer asking for thousands of long
 * missing paths must not make the server build thousands of long messages.
 */
function notShared(): PssError {
  return refusal(ErrorCode.NOT_FOUND, 'not shared');
}
