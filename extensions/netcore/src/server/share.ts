// What the server shares: one folder (recursively) or one file. Every path a client
// names is checked here against the share root, segment by segment with lstat, so a
// symlink, a name outside the share or the server's own data directory is never served.
// Which names are listed and served follows the share's name rule (§5): the portable
// rule for the main port, or the web port's rule through withNames() (§10.2).
import { constants as fsc, type Stats } from 'node:fs';
import { lstat, open, opendir, realpath, type FileHandle } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { MAX_SHARED_FILES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import type { FileEntry, ShareKind } from '../protocol/messages';
import { PORTABLE_NAMES, pathProblem, segmentProblem, type NameRule } from '../protocol/path-rules';

export interface OpenedFile {
  handle: FileHandle;
  stat: Stats;
  absPath: string;
}

/** Not followed on the last segment: a file swapped for a link after the checks is refused. */
const O_NOFOLLOW = fsc.O_NOFOLLOW ?? 0;

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

export class Share {
  private constructor(
    readonly kind: ShareKind,
    /** Real path of the shared folder, or of the shared file. */
    readonly root: string,
    private readonly dataDir: string,
    /** The rule every listed and every requested name must pass. */
    readonly names: NameRule = PORTABLE_NAMES,
  ) {}

  /**
   * The same share seen through another name rule: the same root, kind and data
   * directory, and the same link, file-type and data-directory refusals.
   */
  withNames(names: NameRule): Share {
    return names === this.names ? this : new Share(this.kind, this.root, this.dataDir, names);
  }

  /** Display name: the folder's or the file's own name. */
  get name(): string {
    return basename(this.root);
  }

  /**
   * Opens a share after checking it exists, is a folder or a regular file, and is not the
   * data directory or inside it (the private key lives there).
   */
  static async open(path: string, dataDir: string): Promise<Share> {
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
    if (st.isDirectory()) return new Share('directory', root, realData);
    if (st.isFile()) {
      // Clients would refuse the name (§5), so say so now rather than share nothing.
      const problem = segmentProblem(basename(root), PORTABLE_NAMES);
      if (problem) throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: its name is not portable (${problem}); rename it`);
      return new Share('file', root, realData);
    }
    throw new PssError(ErrorCode.SHARE_INVALID, `cannot share ${path}: not a folder or a regular file`);
  }

  /**
   * Every shareable file, sorted by path. Skips links, special files, the data dir, and
   * names the share's rule refuses (§5); those are passed to `skipped` so they can be logged.
   */
  async list(skipped: (wirePath: string, problem: string) => void = () => undefined, under = ''): Promise<FileEntry[]> {
    if (this.kind === 'file') {
      if (under !== '') throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${under}`);
      const st = await lstat(this.root);
      if (!st.isFile()) return [];
      return [{ path: this.name, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) }];
    }
    const out: FileEntry[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      if (isInside(this.dataDir, dir)) return;
      let handle;
      try {
        handle = await opendir(dir);
      } catch {
        return; // unreadable folders are simply not shared
      }
      for await (const dirent of handle) {
        const wire = prefix ? `${prefix}/${dirent.name}` : dirent.name;
        const problem = segmentProblem(dirent.name, this.names);
        if (problem) {
          skipped(wire, problem);
          continue;
        }
        const abs = join(dir, dirent.name);
        if (dirent.isDirectory()) {
          await walk(abs, wire);
        } else if (dirent.isFile()) {
          const pathIssue = pathProblem(wire, this.names);
          if (pathIssue) {
            skipped(wire, pathIssue);
            continue;
          }
          const st = await lstat(abs).catch(() => undefined);
          if (!st?.isFile()) continue;
          if (out.length >= MAX_SHARED_FILES) {
            throw new PssError(ErrorCode.SHARE_INVALID, `the share holds more than ${MAX_SHARED_FILES} files`);
          }
          out.push({ path: wire, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
        }
      }
    };
    await walk(under === '' ? this.root : await this.resolve(under, 'directory'), under);
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }

  /**
   * One folder's own contents (the web page's view): sub-folders by name and files, both
   * sorted, with the same exclusions as list(). '' is the share's root.
   */
  async listFolder(wirePath: string): Promise<{ folders: string[]; files: FileEntry[] }> {
    if (this.kind === 'file') {
      if (wirePath !== '') throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${wirePath}`);
      return { folders: [], files: await this.list() };
    }
    const dir = wirePath === '' ? this.root : await this.resolve(wirePath, 'directory');
    const folders: string[] = [];
    const files: FileEntry[] = [];
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      throw new PssError(ErrorCode.NOT_FOUND, `not a shared folder: ${wirePath}`);
    }
    for await (const dirent of handle) {
      const wire = wirePath ? `${wirePath}/${dirent.name}` : dirent.name;
      if (segmentProblem(dirent.name, this.names) || pathProblem(wire, this.names)) continue;
      const abs = join(dir, dirent.name);
      if (isInside(this.dataDir, abs)) continue;
      if (dirent.isDirectory()) folders.push(dirent.name);
      else if (dirent.isFile()) {
        const st = await lstat(abs).catch(() => undefined);
        if (st?.isFile()) files.push({ path: wire, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      }
    }
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    folders.sort(byName);
    files.sort((a, b) => byName(a.path, b.path));
    return { folders, files };
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
   * Opens a shared file by its wire path (§5). Every segment is lstat-ed: a symbolic link
   * anywhere on the way, a special file, or the data directory is NOT_FOUND or BAD_PATH.
   */
  async openFile(wirePath: string): Promise<OpenedFile> {
    const notFound = () => new PssError(ErrorCode.NOT_FOUND, `not shared: ${wirePath}`);
    let absPath: string;
    if (this.kind === 'file') {
      const problem = pathProblem(wirePath, this.names);
      if (problem) throw new PssError(ErrorCode.BAD_PATH, `refused path: ${problem}`);
      if (wirePath !== this.name) throw notFound();
      absPath = this.root;
    } else {
      absPath = await this.resolve(wirePath, 'file');
    }
    let handle: FileHandle;
    try {
      handle = await open(absPath, fsc.O_RDONLY | O_NOFOLLOW);
    } catch {
      throw notFound();
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw notFound();
    }
    return { handle, stat, absPath };
  }

  /**
   * The absolute path of a wire path inside a shared folder, checked segment by segment
   * with lstat: a link on the way, the wrong kind of entry or the data directory is
   * NOT_FOUND; a path the share's rule refuses (§5) is BAD_PATH.
   */
  private async resolve(wirePath: string, want: 'file' | 'directory'): Promise<string> {
    const problem = pathProblem(wirePath, this.names);
    if (problem) throw new PssError(ErrorCode.BAD_PATH, `refused path: ${problem}`);
    const notFound = () => new PssError(ErrorCode.NOT_FOUND, `not shared: ${wirePath}`);
    const segments = wirePath.split('/');
    let absPath = this.root;
    for (let i = 0; i < segments.length; i++) {
      absPath = join(absPath, segments[i]!);
      const st = await lstat(absPath).catch(() => undefined);
      const last = i === segments.length - 1;
      if (!st || st.isSymbolicLink()) throw notFound();
      const wantFile = last && want === 'file';
      if (wantFile ? !st.isFile() : !st.isDirectory()) throw notFound();
      if (isInside(this.dataDir, absPath)) throw notFound();
    }
    return absPath;
  }
}
