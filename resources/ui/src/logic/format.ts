// Bytes, speeds, times left, percentages and dates as the UI shows them: the numbers come
// from netcore's units.ts (the same rules as the CLI and the web page), the words from the
// message catalog, the digits from its locale.
import * as units from '../../../../extensions/netcore/src/units';
import type { ByteUnit, UnitStyle } from '../../../../extensions/netcore/src/units';
import { catalog, dateParts, formatNumber, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';

const UNIT_KEYS: Readonly<Record<ByteUnit, MessageKey>> = { B: 'unit.bytes', KiB: 'unit.kib', MiB: 'unit.mib', GiB: 'unit.gib', TiB: 'unit.tib' };

/** The catalog's words and digits for units.ts, read anew each time (the language may change). */
function style(): UnitStyle {
  return {
    number: (value, fractionDigits) => formatNumber(value, fractionDigits),
    bytes: (n, unit) => t(UNIT_KEYS[unit], { n }),
    perSecond: (size) => t('format.perSecond', { size }),
    unknown: t('format.unknown'),
  };
}

/** 0 B, 1,023 B, 1.00 KiB, 15.3 MiB, 2.00 GiB: three significant digits above bytes. */
export function formatBytes(bytes: number): string {
  return units.formatBytes(bytes, style());
}

export function formatSpeed(bytesPerSecond: number): string {
  return units.formatSpeed(bytesPerSecond, style());
}

/** Time left: "—" when unknown, then "45 s", "3 min 05 s", "2 h 07 min". */
export function formatEta(seconds: number | null): string {
  const parts = units.durationParts(seconds);
  if (!parts) return t('format.unknown');
  if (parts.hours === 0 && parts.minutes === 0) return t('format.seconds', { s: parts.seconds });
  if (parts.hours === 0) return t('format.minutesSeconds', { m: parts.minutes, s: formatNumber(parts.seconds, 0, 2) });
  return t('format.hoursMinutes', { h: parts.hours, m: formatNumber(parts.minutes, 0, 2) });
}

/** A fraction 0–1 of `done` over `total`, clamped; a total of 0 counts as finished only when done. */
export function fraction(done: number, total: number): number {
  if (!(total > 0)) return done > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, done / total));
}

/** A percentage with no decimals, never showing 100 % before the work is really done. */
export function formatPercent(done: number, total: number): string {
  const f = fraction(done, total);
  const percent = f < 1 ? Math.min(99, Math.floor(f * 100)) : 100;
  return t('format.percent', { n: percent });
}

/** A percentage that is already 0–100 (a session's progress), rounded down. */
export function formatPercentValue(percent: number): string {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.floor(percent))) : 0;
  return t('format.percent', { n: p });
}

/**
 * `2024-05-01 14:03:09` in local time, sortable and the same width in every row; in Persian
 * the Persian calendar and digits, `۱۴۰۳/۰۲/۱۲ ۱۴:۰۳:۰۹`. (Exported logs keep ISO dates:
 * the engine writes them.)
 */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = dateParts(d);
  const separator = catalog().lang === 'fa' ? '/' : '-';
  return `${p.year}${separator}${p.month}${separator}${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `14:03` in local time, for chat messages (Persian digits in Persian). */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = dateParts(d);
  return `${p.hour}:${p.minute}`;
}
