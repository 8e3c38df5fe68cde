// The Client screen's file list: what the server shares as a tree with checkboxes, its
// filter, Select All, folders opened and closed, and what the server leaves out.
import type { NetcoreApi, NotSharedCounts, ShareKind } from '../../../../extensions/netcore/src/contract';
import { errorText } from '../logic/error-text';
import { FileTree, TreeSelection } from '../logic/file-tree';
import type { ScreenOutcome } from './screen-outcome';
import { Store } from './store';

export interface FilesViewState {
  share: { kind: ShareKind; name: string } | null;
  /** What the server leaves out of its share, by reason (the "not offered" note). */
  notShared: NotSharedCounts;
  /** The tree's selection; mutable, so `treeVersion` changes with every change to it. */
  tree: TreeSelection | null;
  treeVersion: number;
  loadingList: boolean;
}

export class ClientFilesController extends Store<FilesViewState> {
  constructor(
    private readonly api: NetcoreApi,
    private readonly outcome: ScreenOutcome,
  ) {
    super({ share: null, notShared: {}, tree: null, treeVersion: 0, loadingList: false });
  }

  async list(): Promise<void> {
    this.set({ loadingList: true });
    try {
      const { share, entries, notShared } = await this.api.request('client.list', {});
      this.set({ share, notShared, tree: new TreeSelection(FileTree.fromEntries(entries)), treeVersion: this.state.treeVersion + 1, loadingList: false });
    } catch (err) {
      this.set({ loadingList: false });
      this.outcome.fail(errorText(err));
    }
  }

  /** The last server's files go (a new connect, Disconnect). */
  clear(): void {
    this.set({ share: null, notShared: {}, tree: null });
  }

  setFilter(text: string): void {
    this.change((tree) => tree.setFilter(text));
  }

  toggle(index: number): void {
    this.change((tree) => tree.toggle(index));
  }

  toggleAll(): void {
    this.change((tree) => tree.toggleAll());
  }

  setExpanded(index: number, open: boolean): void {
    this.change((tree) => tree.setExpanded(index, open));
  }

  private change(change: (tree: TreeSelection) => void): void {
    const tree = this.state.tree;
    if (!tree) return;
    change(tree);
    this.set({ treeVersion: this.state.treeVersion + 1 });
  }
}
