// The client's Available Files: a folder tree built from the server's flat file list, with
// tri-state check boxes, Select All, a filter and expand/collapse. Built for 100,000 files:
// counters per folder are kept up to date on every change, so a click costs the size of
// the folder it touches, not of the whole tree.
import type { FileEntry } from '../../../../extensions/netcore/src/contract';

export type CheckState = 'checked' | 'unchecked' | 'mixed';

export interface TreeNode {
  readonly name: string;
  /** '/'-separated path from the share's root; '' for the root. */
  readonly path: string;
  readonly parent: number;
  readonly depth: number;
  readonly isDir: boolean;
  /** Bytes: the file's size, or the sum of the files below a folder. */
  readonly size: number;
  readonly mtimeMs: number;
  /** Files at or below this node (1 for a file). */
  readonly fileCount: number;
  readonly children: readonly number[];
}

interface MutableNode {
  name: string;
  path: string;
  parent: number;
  depth: number;
  isDir: boolean;
  size: number;
  mtimeMs: number;
  fileCount: number;
  children: number[];
}

const ROOT = 0;

/** The immutable shape of the share: node 0 is the root, then folders and files. */
export class FileTree {
  private constructor(readonly nodes: readonly TreeNode[]) {}

  static fromEntries(entries: readonly FileEntry[]): FileTree {
    const nodes: MutableNode[] = [{ name: '', path: '', parent: -1, depth: 0, isDir: true, size: 0, mtimeMs: 0, fileCount: 0, children: [] }];
    const folders = new Map<string, number>([['', ROOT]]);
    const folderOf = (path: string): number => {
      const known = folders.get(path);
      if (known !== undefined) return known;
      const cut = path.lastIndexOf('/');
      const parent = folderOf(cut < 0 ? '' : path.slice(0, cut));
      const index = nodes.length;
      nodes.push({ name: path.slice(cut + 1), path, parent, depth: nodes[parent]!.depth + 1, isDir: true, size: 0, mtimeMs: 0, fileCount: 0, children: [] });
      nodes[parent]!.children.push(index);
      folders.set(path, index);
      return index;
    };
    for (const entry of entries) {
      const cut = entry.path.lastIndexOf('/');
      const parent = folderOf(cut < 0 ? '' : entry.path.slice(0, cut));
      const index = nodes.length;
      nodes.push({
        name: entry.path.slice(cut + 1),
        path: entry.path,
        parent,
        depth: nodes[parent]!.depth + 1,
        isDir: false,
        size: entry.size,
        mtimeMs: entry.mtimeMs,
        fileCount: 1,
        children: [],
      });
      nodes[parent]!.children.push(index);
      for (let p = parent; p >= 0; p = nodes[p]!.parent) {
        const folder = nodes[p]!;
        folder.fileCount++;
        folder.size += entry.size;
        if (entry.mtimeMs > folder.mtimeMs) folder.mtimeMs = entry.mtimeMs;
      }
    }
    const keys = nodes.map((n) => n.name.toLowerCase());
    for (const node of nodes) {
      if (node.children.length > 1) {
        node.children.sort((a, b) => {
          const da = nodes[a]!.isDir;
          if (da !== nodes[b]!.isDir) return da ? -1 : 1;
          const ka = keys[a]!;
          const kb = keys[b]!;
          return ka < kb ? -1 : ka > kb ? 1 : a - b;
        });
      }
    }
    return new FileTree(nodes);
  }

  get root(): TreeNode {
    return this.nodes[ROOT]!;
  }

  get size(): number {
    return this.nodes.length;
  }
}

/** What `selectedPaths` returns: the request's paths and what they amount to. */
export interface SelectionSummary {
  /** Paths for `client.download`: whole folders where every file below is chosen; [] means everything. */
  paths: string[];
  /** Every file is chosen. */
  all: boolean;
  files: number;
  bytes: number;
}

/** One row the tree shows: a node and how deep it is drawn. */
export interface VisibleRow {
  index: number;
  node: TreeNode;
  level: number;
  expanded: boolean;
  check: CheckState;
}

/** The user's view of a FileTree: what is checked, expanded and matched by the filter. */
export class TreeSelection {
  private readonly checked: Uint8Array;
  /** Per node: checked files at or below it. */
  private readonly checkedBelow: Int32Array;
  /** Per node: files at or below it that match the filter. */
  private readonly matchBelow: Int32Array;
  /** Per node: checked files at or below it that match the filter. */
  private readonly checkedMatchBelow: Int32Array;
  private readonly expanded: Uint8Array;
  /** While filtering every folder with matches is open, except the ones closed since. */
  private readonly closedWhileFiltering = new Set<number>();
  private filterText = '';
  private rowsCache: VisibleRow[] | undefined;

  constructor(readonly tree: FileTree) {
    const n = tree.size;
    this.checked = new Uint8Array(n);
    this.checkedBelow = new Int32Array(n);
    this.matchBelow = new Int32Array(n);
    this.checkedMatchBelow = new Int32Array(n);
    this.expanded = new Uint8Array(n);
    this.expanded[ROOT] = 1;
    this.recountMatches();
  }

  get filter(): string {
    return this.filterText;
  }

  /** Case-insensitive match on the path; folders stay visible when something below matches. */
  setFilter(text: string): void {
    const next = text.trim().toLowerCase();
    if (next === this.filterText) return;
    this.filterText = next;
    this.closedWhileFiltering.clear();
    this.recountMatches();
  }

  /** Files matching the filter (all files without one). */
  get matchingFiles(): number {
    return this.matchBelow[ROOT]!;
  }

  checkState(index: number): CheckState {
    const match = this.matchBelow[index]!;
    const on = this.checkedMatchBelow[index]!;
    if (match === 0) return this.checkedBelow[index]! > 0 && this.checkedBelow[index] === this.tree.nodes[index]!.fileCount ? 'checked' : 'unchecked';
    if (on === 0) return 'unchecked';
    return on === match ? 'checked' : 'mixed';
  }

  /** The Select All box: the state of every file the filter shows. */
  get allState(): CheckState {
    return this.checkState(ROOT);
  }

  /**
   * Checks or unchecks a file, or every matching file below a folder: a folder that is fully
   * checked is cleared, otherwise it becomes fully checked.
   */
  toggle(index: number): void {
    const node = this.tree.nodes[index]!;
    if (!node.isDir) {
      this.setFile(index, this.checked[index] === 0);
    } else {
      const on = this.checkState(index) !== 'checked';
      this.forEachFileBelow(index, (file) => {
        if (this.matches(file)) this.setFile(file, on);
      });
    }
    this.rowsCache = undefined;
  }

  /** Select All: checks every matching file, or clears them when all are checked. */
  toggleAll(): void {
    this.toggle(ROOT);
  }

  /** Checks exactly the files whose paths are given (others are cleared), e.g. to restore. */
  checkOnly(paths: Iterable<string>): void {
    const wanted = new Set(paths);
    this.tree.nodes.forEach((node, index) => {
      if (!node.isDir) this.setFile(index, wanted.has(node.path));
    });
    this.rowsCache = undefined;
  }

  isExpanded(index: number): boolean {
    const node = this.tree.nodes[index]!;
    if (!node.isDir) return false;
    if (index === ROOT) return true;
    if (this.filterText !== '') return !this.closedWhileFiltering.has(index);
    return this.expanded[index] === 1;
  }

  setExpanded(index: number, open: boolean): void {
    const node = this.tree.nodes[index]!;
    if (!node.isDir || index === ROOT) return;
    if (this.filterText !== '') {
      if (open) this.closedWhileFiltering.delete(index);
      else this.closedWhileFiltering.add(index);
    } else {
      this.expanded[index] = open ? 1 : 0;
    }
    this.rowsCache = undefined;
  }

  /** The rows to draw, in order: children of open folders, matches only while filtering. */
  rows(): readonly VisibleRow[] {
    if (this.rowsCache) return this.rowsCache;
    const rows: VisibleRow[] = [];
    const nodes = this.tree.nodes;
    const stack: number[] = [];
    const pushChildren = (index: number): void => {
      const children = nodes[index]!.children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    };
    pushChildren(ROOT);
    while (stack.length > 0) {
      const index = stack.pop()!;
      if (this.matchBelow[index] === 0) continue;
      const node = nodes[index]!;
      const expanded = this.isExpanded(index);
      rows.push({ index, node, level: node.depth, expanded, check: this.checkState(index) });
      if (expanded) pushChildren(index);
    }
    this.rowsCache = rows;
    return rows;
  }

  /** The selection as download paths: a folder stands for all its files when all are chosen. */
  selectedPaths(): SelectionSummary {
    const nodes = this.tree.nodes;
    const root = nodes[ROOT]!;
    const files = this.checkedBelow[ROOT]!;
    let bytes = 0;
    this.tree.nodes.forEach((node, index) => {
      if (!node.isDir && this.checked[index] === 1) bytes += node.size;
    });
    if (files > 0 && files === root.fileCount) return { paths: [], all: true, files, bytes };
    const paths: string[] = [];
    const visit = (index: number): void => {
      for (const child of nodes[index]!.children) {
        const below = this.checkedBelow[child]!;
        if (below === 0) continue;
        const node = nodes[child]!;
        if (below === node.fileCount) paths.push(node.path);
        else visit(child);
      }
    };
    visit(ROOT);
    return { paths, all: false, files, bytes };
  }

  private matches(fileIndex: number): boolean {
    return this.filterText === '' || this.tree.nodes[fileIndex]!.path.toLowerCase().includes(this.filterText);
  }

  private setFile(index: number, on: boolean): void {
    const value = on ? 1 : 0;
    if (this.checked[index] === value) return;
    this.checked[index] = value;
    const delta = on ? 1 : -1;
    const matching = this.matches(index);
    for (let p = index; p >= 0; p = this.tree.nodes[p]!.parent) {
      this.checkedBelow[p]! += delta;
      if (matching) this.checkedMatchBelow[p]! += delta;
    }
  }

  private forEachFileBelow(index: number, visit: (file: number) => void): void {
    const nodes = this.tree.nodes;
    const stack = [index];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const node = nodes[i]!;
      if (node.isDir) for (const c of node.children) stack.push(c);
      else visit(i);
    }
  }

  private recountMatches(): void {
    this.matchBelow.fill(0);
    this.checkedMatchBelow.fill(0);
    const nodes = this.tree.nodes;
    // Children always come after their parent, so one backward pass adds each node into its parent.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (!node.isDir && this.matches(i)) {
        this.matchBelow[i]! += 1;
        if (this.checked[i] === 1) this.checkedMatchBelow[i]! += 1;
      }
      if (node.parent >= 0) {
        this.matchBelow[node.parent]! += this.matchBelow[i]!;
        this.checkedMatchBelow[node.parent]! += this.checkedMatchBelow[i]!;
      }
    }
    this.rowsCache = undefined;
  }
}
