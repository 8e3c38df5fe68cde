// The "not offered" note (PROTOCOL.md §5.1): what the server leaves out of its share, by
// reason, in the catalog's words. Reasons the engine adds later show as "other".
import type { NotSharedCounts, NotSharedReason } from '../../../../extensions/netcore/src/contract';
import { t, type MessageKey } from '../i18n/i18n';

const REASONS: readonly NotSharedReason[] = ['link', 'special', 'unreadable', 'dataDir', 'badName', 'other'];

const REASON_KEY: Record<NotSharedReason, MessageKey> = {
  link: 'notShared.reason.link',
  special: 'notShared.reason.special',
  unreadable: 'notShared.reason.unreadable',
  dataDir: 'notShared.reason.dataDir',
  badName: 'notShared.reason.badName',
  other: 'notShared.reason.other',
};

export function notSharedTotal(counts: NotSharedCounts): number {
  let total = 0;
  for (const n of Object.values(counts)) total += n ?? 0;
  return total;
}

/**
 * "3 items not offered by the server: links 2, unreadable 1." for a client, or the
 * administrator's "3 items not shared: …"; '' when nothing is left out.
 */
export function notSharedText(counts: NotSharedCounts, audience: 'client' | 'server'): string {
  const total = notSharedTotal(counts);
  if (total === 0) return '';
  const known = new Set<string>(REASONS);
  const other = Object.entries(counts).reduce((sum, [reason, n]) => sum + (known.has(reason) ? 0 : (n ?? 0)), 0);
  const byReason: Partial<Record<NotSharedReason, number>> = { ...counts, other: (counts.other ?? 0) + other };
  const reasons = REASONS.filter((r) => (byReason[r] ?? 0) > 0)
    .map((r) => t('notShared.item', { reason: t(REASON_KEY[r]), count: byReason[r]! }))
    .join(t('notShared.separator'));
  return t(audience === 'client' ? 'notShared.client' : 'notShared.server', { total, reasons });
}
