import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { BYTE_UNITS, durationParts, formatBytes, formatClockDuration, formatSpeed, scaleBytes } from '../../extensions/netcore/src/units';

test('whole bytes below 1 KiB, then three significant digits in IEC units', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [10 * 1024 + 512, '10.5 KiB'],
    [15.3 * 1024 ** 2, '15.3 MiB'],
    [512 * 1024 ** 2, '512 MiB'],
    [2 * 1024 ** 3, '2.00 GiB'],
    [3 * 1024 ** 4, '3.00 TiB'],
    [5000 * 1024 ** 4, '5000 TiB'],
  ];
  for (const [bytes, text] of cases) assert.is(formatBytes(bytes), text, String(bytes));
});

test('rounding that reaches the next digit or unit moves to it', () => {
  assert.is(formatBytes(9.996 * 1024), '10.0 KiB');
  assert.is(formatBytes(99.96 * 1024), '100 KiB');
  assert.is(formatBytes(1023.7 * 1024), '1.00 MiB', 'never "1024 KiB"');
  assert.is(formatBytes(1023.4 * 1024), '1023 KiB');
  assert.is(formatBytes(1024 ** 3 - 1), '1.00 GiB');
});

test('every size up to 1000 TiB shows 3 or 4 significant digits, below 1024 of its unit', () => {
  fc.assert(
    fc.property(fc.double({ min: 1024, max: 1000 * 1024 ** 4, noNaN: true }), (bytes) => {
      const s = scaleBytes(bytes)!;
      assert.ok(s.value >= 1 && s.value < 1024, `${bytes} → ${s.value} ${s.unit}`);
      const digits = s.value.toFixed(s.fractionDigits).replace('.', '').replace(/^0+/, '').length;
      assert.ok(digits >= 3 && digits <= 4, `${bytes} → ${s.value.toFixed(s.fractionDigits)}`);
      const back = s.value * 1024 ** BYTE_UNITS.indexOf(s.unit);
      assert.ok(Math.abs(back - bytes) / bytes < 0.01, `${bytes} → ${s.value} ${s.unit} is within 1%`);
    }),
  );
});

test('what is not a size shows as unknown', () => {
  assert.is(formatBytes(-1), '?');
  assert.is(formatBytes(Number.NaN), '?');
  assert.is(formatBytes(Number.POSITIVE_INFINITY, { unknown: '—' }), '—');
  assert.is(scaleBytes(-0.5), undefined);
});

test('a caller brings its own digits and words', () => {
  const fa = (n: number, d: number) => new Intl.NumberFormat('fa', { minimumFractionDigits: d, maximumFractionDigits: d }).format(n);
  const style = { number: fa, bytes: (n: string, unit: string) => `${n} [${unit}]`, perSecond: (s: string) => `${s} per second` };
  assert.is(formatBytes(1536, style), '۱٫۵۰ [KiB]');
  assert.is(formatSpeed(150 * 1024 ** 2, style), '۱۵۰ [MiB] per second');
});

test('speeds: a negative one is 0 B/s, an unknown one stays unknown', () => {
  assert.is(formatSpeed(147 * 1024 ** 2), '147 MiB/s');
  assert.is(formatSpeed(-5), '0 B/s');
  assert.is(formatSpeed(Number.NaN), '?/s');
});

test('durations round up and read as a clock on the terminal', () => {
  assert.equal(durationParts(44.2), { hours: 0, minutes: 0, seconds: 45 });
  assert.equal(durationParts(2 * 3600 + 7 * 60 + 30), { hours: 2, minutes: 7, seconds: 30 });
  assert.is(durationParts(null), undefined);
  assert.is(durationParts(-1), undefined);
  assert.is(formatClockDuration(0), '0:00');
  assert.is(formatClockDuration(44.2), '0:45');
  assert.is(formatClockDuration(12 * 60 + 5), '12:05');
  assert.is(formatClockDuration(2 * 3600 + 7 * 60 + 30), '2:07:30');
  assert.is(formatClockDuration(undefined), '--:--');
  assert.is(formatClockDuration(Number.POSITIVE_INFINITY), '--:--');
});

test.run();
