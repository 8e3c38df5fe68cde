// Bytes, speeds, times left and percentages as the UI shows them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catalog, englishCatalog, persianCatalog, setCatalog } from '../../../resources/ui/src/i18n/i18n';
import {
  formatBytes,
  formatClock,
  formatDateTime,
  formatEta,
  formatPercent,
  formatPercentValue,
  formatSpeed,
  fraction,
} from '../../../resources/ui/src/logic/format';

test('bytes: plain below 1 KiB, three significant digits above', () => {
  assert.is(formatBytes(0), '0 B');
  assert.is(formatBytes(1023), '1,023 B');
  assert.is(formatBytes(1024), '1.00 KiB');
  assert.is(formatBytes(1536), '1.50 KiB');
  assert.is(formatBytes(15.3 * 1024 * 1024), '15.3 MiB');
  assert.is(formatBytes(512 * 1024 * 1024), '512 MiB');
  assert.is(formatBytes(2 * 1024 ** 3), '2.00 GiB');
  assert.is(formatBytes(3 * 1024 ** 4), '3.00 TiB');
  assert.is(formatBytes(1023.7 * 1024), '1.00 MiB', 'rounding up to 1024 KiB moves to the next unit');
  assert.is(formatBytes(-1), '—');
  assert.is(formatBytes(Number.NaN), '—');
});

test('speed', () => {
  assert.is(formatSpeed(0), '0 B/s');
  assert.is(formatSpeed(147 * 1024 * 1024), '147 MiB/s');
  assert.is(formatSpeed(-5), '0 B/s');
});

test('time left: unknown, seconds, minutes and seconds, hours and minutes', () => {
  assert.is(formatEta(null), '—');
  assert.is(formatEta(Number.POSITIVE_INFINITY), '—');
  assert.is(formatEta(0), '0 s');
  assert.is(formatEta(44.2), '45 s', 'rounded up: never promise less than is left');
  assert.is(formatEta(185), '3 min 05 s');
  assert.is(formatEta(2 * 3600 + 7 * 60 + 30), '2 h 07 min');
});

test('progress fraction and percent never claim 100 % before the end', () => {
  assert.is(fraction(50, 200), 0.25);
  assert.is(fraction(300, 200), 1);
  assert.is(fraction(0, 0), 0);
  assert.is(fraction(5, 0), 1);
  assert.is(formatPercent(0, 100), '0%');
  assert.is(formatPercent(999, 1000), '99%');
  assert.is(formatPercent(1000, 1000), '100%');
  assert.is(formatPercent(0, 0), '0%');
  assert.is(formatPercentValue(42.9), '42%');
  assert.is(formatPercentValue(140), '100%');
  assert.is(formatPercentValue(Number.NaN), '0%');
});

test('date-times are local, fixed-width and sortable', () => {
  const d = new Date(2024, 4, 1, 9, 3, 7);
  assert.is(formatDateTime(d.toISOString()), '2024-05-01 09:03:07');
  assert.is(formatDateTime('not a date'), 'not a date');
});

test('Persian: Persian digits and separators, Persian units, the Persian calendar', () => {
  const before = catalog();
  setCatalog(persianCatalog);
  try {
    assert.is(formatBytes(1023), '۱٬۰۲۳ بایت');
    assert.is(formatBytes(15.3 * 1024 * 1024), '۱۵٫۳ مگابایت');
    assert.is(formatSpeed(150 * 1024 * 1024), '۱۵۰ مگابایت بر ثانیه');
    assert.is(formatEta(396), '۶ دقیقه و ۳۶ ثانیه');
    assert.is(formatEta(3 * 3600 + 5 * 60), '۳ ساعت و ۰۵ دقیقه');
    assert.is(formatPercent(42, 100), '۴۲٪');
    // 1 May 2024 is 12 Ordibehesht 1403 in the Persian calendar.
    const d = new Date(2024, 4, 1, 9, 3, 7);
    assert.is(formatDateTime(d.toISOString()), '۱۴۰۳/۰۲/۱۲ ۰۹:۰۳:۰۷');
    assert.is(formatClock(d.toISOString()), '۰۹:۰۳');
    setCatalog(englishCatalog);
    assert.is(formatDateTime(d.toISOString()), '2024-05-01 09:03:07', 'back to the Gregorian calendar');
  } finally {
    setCatalog(before);
  }
});

test.run();
