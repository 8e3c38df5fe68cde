// Tells the share that its folders changed, so that a listing can be kept while nothing in
// the share changes (a second listing of 100,000 files stats nothing). It hears the file
// system's change notifications: on Linux one watch per folder (inotify reports a file
// created, removed, renamed, written or re-permitted in the folder it is in), elsewhere one
// recursive watch of the share. Whenever it cannot watch everything (too many folders, a
// folder it may not watch, a watch that fails), the listing is simply not kept.
import { watch, type FSWatcher } from 'node:fs';
import { MAX_WATCHED_FOLDERS } from '../constants';

const RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';

export class ListingWatch {
  private watchers: FSWatcher[] = [];
  private failed = false;
  /** Something changed (or could not be watched) since the watch began. */
  changed = false;

  constructor(private readonly onChange: () => void) {}

  /** Starts watching the share's root; with a recursive watch, that is all it takes. */
  root(dir: string): void {
    this.add(dir, RECURSIVE);
  }

  /** Starts watching one folder of the share, before it is read. */
  folder(dir: string): void {
    if (!RECURSIVE) this.add(dir, false);
  }

  /** Whether the listing built while watching may be kept. */
  get complete(): boolean {
    return !this.failed && !this.changed;
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  private add(dir: string, recursive: boolean): void {
    if (this.failed || this.changed) return;
    if (this.watchers.length >= MAX_WATCHED_FOLDERS) {
      this.failed = true;
      return this.close();
    }
    try {
      const w = watch(dir, { persistent: false, recursive }, () => this.fire());
      w.on('error', () => this.fire());
      this.watchers.push(w);
    } catch {
      this.failed = true;
      this.close();
    }
  }

  private fire(): void {
    if (this.changed) return;
    this.changed = true;
    this.close();
    this.onChange();
  }
}
