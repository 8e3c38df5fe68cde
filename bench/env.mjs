// Settings read from the environment, checked before anything is measured.
import { MeasurementError } from './processes.mjs';

/** A whole number >= 1 from the environment variable `name`, or `fallback` when it is unset or empty. */
export function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new MeasurementError(`${name} must be a whole number >= 1, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
