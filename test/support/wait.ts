// Bounded waiting: uvu has no per-test timeout, so every wait in the integration tests
// goes through here and fails with a message instead of hanging the run.
import { setTimeout as sleep } from 'node:timers/promises';

export const delay = (ms: number): Promise<void> => sleep(ms);

/** Resolves like `promise`, or rejects once `ms` have passed. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 10_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(intervalMs);
  }
}

/** The error a promise rejects with; fails when it resolves instead. */
export async function rejection(promise: Promise<unknown>, ms = 15_000, what = 'the operation'): Promise<Error & { code?: string; retryAfterMs?: number }> {
  let value: unknown;
  try {
    value = await within(promise, ms, what);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error(`${what} succeeded, but it should have failed (got ${JSON.stringify(value)?.slice(0, 200)})`);
}
