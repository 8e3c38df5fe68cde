// What a server leaves out of its listing, by reason (PROTOCOL.md §5.1). The server counts
// every entry it does not share; clients get the counts (never the names), the
// administrator gets the names in the log.

/** Why an entry of a shared folder is not shared. */
export type NotSharedReason = 'link' | 'special' | 'unreadable' | 'dataDir' | 'badName' | 'other';

/** In the order a summary names them. `other` is what a client calls a reason it does not know. */
export const NOT_SHARED_REASONS: readonly NotSharedReason[] = Object.freeze(['link', 'special', 'unreadable', 'dataDir', 'badName', 'other']);

/** How many entries were left out for each reason; reasons with none are absent. */
export type NotSharedCounts = Partial<Record<NotSharedReason, number>>;

const LABELS: Record<NotSharedReason, [one: string, many: string]> = {
  link: ['link', 'links'],
  special: ['special file', 'special files'],
  unreadable: ['unreadable', 'unreadable'],
  dataDir: ["the server's data folder", "the server's data folders"],
  badName: ['unsafe name', 'unsafe names'],
  other: ['for another reason', 'for other reasons'],
};

/** One item's reason, for the administrator's log. */
export const NOT_SHARED_WORDS: Readonly<Record<NotSharedReason, string>> = Object.freeze({
  link: 'symbolic link',
  special: 'special file',
  unreadable: 'unreadable',
  dataDir: "the server's data folder",
  badName: 'unsafe name',
  other: 'not shared',
});

export function isNotSharedReason(value: unknown): value is NotSharedReason {
  return typeof value === 'string' && (NOT_SHARED_REASONS as readonly string[]).includes(value);
}

export function notSharedTotal(counts: NotSharedCounts): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n ?? 0;
  return total;
}

/** Counts items by reason. */
export function countReasons(reasons: Iterable<NotSharedReason>): NotSharedCounts {
  const out: NotSharedCounts = {};
  for (const r of reasons) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/**
 * "3 items not shared: 2 links, 1 unreadable", or '' when nothing was left out. `verb` is
 * how the reader sees it: the administrator's "not shared", a client's "not offered".
 */
export function describeNotShared(counts: NotSharedCounts, verb = 'not shared'): string {
  const total = notSharedTotal(counts);
  if (total === 0) return '';
  const parts = NOT_SHARED_REASONS.filter((r) => (counts[r] ?? 0) > 0).map((r) => {
    const n = counts[r]!;
    return `${n} ${LABELS[r][n === 1 ? 0 : 1]}`;
  });
  return `${total} ${total === 1 ? 'item' : 'items'} ${verb}: ${parts.join(', ')}`;
}
