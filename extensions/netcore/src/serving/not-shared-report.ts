// The administrator's view of what the share leaves out (PROTOCOL.md §5.1): the latest
// full listing's items by name and reason. It tells its listeners only when that set
// changes, so a log entry is written once per change, not once per listing.
import { NOT_SHARED_LOG_NAMES } from '../constants';
import type { PssError } from '../errors';
import { LogCategory, makeEntry, type LogSink } from '../logs/log-entry';
import { countReasons, describeNotShared, NOT_SHARED_WORDS, type NotSharedCounts, type NotSharedReason } from '../protocol/not-shared';

export interface NotSharedItem {
  /** Wire path of the entry inside the share. */
  path: string;
  reason: NotSharedReason;
}

export class NotSharedReport {
  private key: string | undefined;
  private readonly listeners = new Set<(items: readonly NotSharedItem[], counts: NotSharedCounts) => void>();
  /** What the latest full listing left out. */
  counts: NotSharedCounts = {};
  items: readonly NotSharedItem[] = [];

  /** Calls `listener` on each change until the returned function is called. */
  onChange(listener: (items: readonly NotSharedItem[], counts: NotSharedCounts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(items: NotSharedItem[]): void {
    const sorted = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const key = JSON.stringify(sorted);
    if (key === this.key) return;
    this.key = key;
    this.items = sorted;
    this.counts = countReasons(sorted.map((i) => i.reason));
    for (const listener of this.listeners) listener(this.items, this.counts);
  }
}

/**
 * Tells the administrator what the share leaves out (§5.1), with the names, whenever that
 * changes; a first listing in the background says it right after the start.
 */
export function reportNotShared(share: { readonly notShared: NotSharedReport; list(): Promise<unknown> }, log: LogSink): void {
  let reported = false;
  share.notShared.onChange((items, counts) => {
    if (items.length === 0) {
      if (reported) log(makeEntry(LogCategory.SERVER_STATUS, 'every item of the share is shared now'));
      reported = false;
      return;
    }
    reported = true;
    const shown = items.slice(0, NOT_SHARED_LOG_NAMES).map((i) => `${i.path} (${NOT_SHARED_WORDS[i.reason]})`);
    if (items.length > shown.length) shown.push(`and ${items.length - shown.length} more`);
    log(makeEntry(LogCategory.SERVER_STATUS, `${describeNotShared(counts)}. ${shown.join(', ')}`));
  });
  share.list().catch((err: PssError) => log(makeEntry(LogCategory.ERROR, `the share could not be listed: ${err.message}`)));
}
