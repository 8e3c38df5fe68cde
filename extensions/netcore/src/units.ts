// Sizes, speeds and durations, written one way for the terminal, the desktop app and the
// web page. IEC units (1 KiB = 1024 B) everywhere; what varies is only the digits and the
// words, which each caller passes in (the app and the page take theirs from the language's
// catalog). Node-free: the desktop UI bundles this file too.

export const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
export type ByteUnit = (typeof BYTE_UNITS)[number];

/** A size scaled to its unit, with the digits after the decimal point it is shown with. */
export interface ScaledBytes {
  /** Already rounded to `fractionDigits`. */
  value: number;
  fractionDigits: number;
  unit: ByteUnit;
}

/** Three significant digits above bytes: 1.00, 15.3, 512. */
function digitsFor(value: number): number {
  return value >= 100 ? 0 : value >= 10 ? 1 : 2;
}

const SCALE = [1, 10, 100];

function rounded(value: number, digits: number): number {
  return Math.round(value * SCALE[digits]!) / SCALE[digits]!;
}

/**
 * 0 B … 1023 B, then 1.00 KiB, 15.3 MiB, 512 MiB: whole bytes below 1 KiB, three
 * significant digits above. Rounding that reaches the next unit moves to it (1023.7 KiB is
 * 1.00 MiB, never "1024 KiB"). Undefined for what is not a size: negative, NaN, infinite.
 */
export function scaleBytes(bytes: number): ScaledBytes | undefined {
  if (!Number.isFinite(bytes) || bytes < 0) return undefined;
  if (bytes < 1024) return { value: Math.round(bytes), fractionDigits: 0, unit: 'B' };
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let digits = digitsFor(value);
  let shown = rounded(value, digits);
  if (shown >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
    digits = digitsFor(value);
    shown = rounded(value, digits);
  }
  // 9.996 rounds to 10.00 and 99.96 to 100.0: fewer digits keep three significant ones.
  if (digitsFor(shown) < digits) {
    digits = digitsFor(shown);
    shown = rounded(value, digits);
  }
  return { value: shown, fractionDigits: digits, unit: BYTE_UNITS[unit]! };
}

/** How a caller writes numbers and units; the defaults are plain ASCII for the terminal. */
export interface UnitStyle {
  /** Writes `value` with exactly `fractionDigits` digits after the decimal point. */
  number?: (value: number, fractionDigits: number) => string;
  /** Joins a written number and its unit: "15.3 MiB", or a catalog's words for it. */
  bytes?: (number: string, unit: ByteUnit) => string;
  /** Puts a written size into a speed: "15.3 MiB/s". */
  perSecond?: (size: string) => string;
  /** Shown for what is not a size or not known. */
  unknown?: string;
}

const plainNumber = (value: number, fractionDigits: number): string => value.toFixed(fractionDigits);
const plainBytes = (number: string, unit: ByteUnit): string => `${number} ${unit}`;
const plainPerSecond = (size: string): string => `${size}/s`;

export function formatBytes(bytes: number, style: UnitStyle = {}): string {
  const scaled = scaleBytes(bytes);
  if (!scaled) return style.unknown ?? '?';
  const number = (style.number ?? plainNumber)(scaled.value, scaled.fractionDigits);
  return (style.bytes ?? plainBytes)(number, scaled.unit);
}

/** A speed; a negative one (a clock step backwards) shows as 0 B/s. */
export function formatSpeed(bytesPerSecond: number, style: UnitStyle = {}): string {
  const size = formatBytes(Number.isNaN(bytesPerSecond) ? bytesPerSecond : Math.max(0, bytesPerSecond), style);
  return (style.perSecond ?? plainPerSecond)(size);
}

export interface DurationParts {
  hours: number;
  minutes: number;
  seconds: number;
}

/**
 * Whole hours, minutes and seconds of a duration, rounded up (a time left is never
 * promised shorter than it is). Undefined when unknown: null, NaN, infinite, negative.
 */
export function durationParts(seconds: number | null | undefined): DurationParts | undefined {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const s = Math.ceil(seconds);
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

/** A duration as a clock for the terminal: 0:45, 12:05, 2:07:30; --:-- when unknown. */
export function formatClockDuration(seconds: number | null | undefined): string {
  const parts = durationParts(seconds);
  if (!parts) return '--:--';
  const ss = String(parts.seconds).padStart(2, '0');
  if (parts.hours === 0) return `${parts.minutes}:${ss}`;
  return `${parts.hours}:${String(parts.minutes).padStart(2, '0')}:${ss}`;
}
