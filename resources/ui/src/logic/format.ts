// Bytes, speeds, times left, percentages and dates as the UI shows them. Units and words
// come from the message catalog, digits from its locale.
import { catalog, dateParts, formatNumber, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';

const UNIT_KEYS: readonly MessageKey[] = ['unit.bytes', 'unit.kib', 'unit.mib', 'unit.gib', 'unit.tib'];

/** 0 B, 1023 B, 1.0 KiB, 15.3 MiB, 2.00 GiB: three significant digits above bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return t('format.unknown');
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNIT_KEYS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return t(UNIT_KEYS[0]!, { n: formatNumber(Math.round(value)) });
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  // Rounding may carry into the next unit (1023.99 KiB → "1,024 KiB"); keep the digits honest.
  return t(UNIT_KEYS[unit]!, { n: formatNumber(Number(value.toFixed(digits)), digits) });
}

export function formatSpeed(bytesPerSecond: number): string {
  return t('format.perSecond', { size: formatBytes(Math.max(0, bytesPerSecond)) });
}

/** Time left: "—" when unknown, then "45 s", "3 min 05 s", "2 h 07 min". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return t('format.unknown');
  const s = Math.ceil(seconds);
  if (s < 60) return t('format.seconds', { s });
  if (s < 3600) return t('format.minutesSeconds', { m: Math.floor(s / 60), s: formatNumber(s % 60, 0, 2) });
  return t('format.hoursMinutes', { h: Math.floor(s / 3600), m: formatNumber(Math.floor((s % 3600) / 60), 0, 2) });
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
