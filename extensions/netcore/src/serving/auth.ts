// Passwords are kept only as a scrypt hash and compared in constant time; failed logins
// are throttled per address with growing delays, then locked out (DESIGN §2). Every port
// that checks a password goes through one LoginGuard, which serialises the checks of each
// address so that a burst of guesses costs what the same guesses one after another cost.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import {
  LOCKOUT_AFTER_FAILURES,
  LOCKOUT_DURATION_MS,
  LOGIN_QUEUE_PER_ADDRESS,
  LOGIN_QUEUE_TOTAL,
  SCRYPT_BLOCK_R,
  SCRYPT_CONCURRENCY,
  SCRYPT_COST_N,
  SCRYPT_KEY_BYTES,
  SCRYPT_MAXMEM_BYTES,
  SCRYPT_PARALLEL_P,
  SCRYPT_SALT_BYTES,
  THROTTLE_BASE_DELAY_MS,
  THROTTLE_MAX_DELAY_MS,
  THROTTLE_WINDOW_MS,
  LOGIN_BUSY_RETRY_MS,
} from '../constants';
import { ErrorCode } from '../errors';
import { LogCategory } from '../logs/log-entry';

const SCRYPT_OPTIONS: ScryptOptions = {
  N: SCRYPT_COST_N,
  r: SCRYPT_BLOCK_R,
  p: SCRYPT_PARALLEL_P,
  maxmem: SCRYPT_MAXMEM_BYTES,
};

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, SCRYPT_KEY_BYTES, SCRYPT_OPTIONS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Each check allocates 128 MiB and keeps a core busy; a queue keeps a burst of logins from
 * exhausting memory or CPU. First come, first served: with one waiting check per address
 * (LoginGuard), that is a turn for each address in order.
 */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** One queue for the whole process: however many servers or ports, this many checks at once. */
const scryptGate = new Semaphore(SCRYPT_CONCURRENCY);

export class PasswordVerifier {
  private constructor(
    private readonly salt: Buffer,
    private readonly hash: Buffer,
  ) {}

  /** Hashes the password once; the clear text is not kept. */
  static async create(password: string): Promise<PasswordVerifier> {
    const salt = randomBytes(SCRYPT_SALT_BYTES);
    return new PasswordVerifier(salt, await derive(password, salt));
  }

  verify(attempt: string): Promise<boolean> {
    return scryptGate.run(async () => timingSafeEqual(await derive(attempt, this.salt), this.hash));
  }
}

export interface ThrottleOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  lockoutAfter: number;
  lockoutMs: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  baseDelayMs: THROTTLE_BASE_DELAY_MS,
  maxDelayMs: THROTTLE_MAX_DELAY_MS,
  lockoutAfter: LOCKOUT_AFTER_FAILURES,
  lockoutMs: LOCKOUT_DURATION_MS,
  windowMs: THROTTLE_WINDOW_MS,
};

interface Record {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/** Failed-login bookkeeping per client address (shared by every port that checks passwords). */
export class LoginThrottle {
  private readonly records = new Map<string, Record>();
  constructor(
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until this address may try again; 0 when it may try now. */
  lockedFor(address: string): number {
    const rec = this.fresh(addressKey(address));
    return rec ? Math.max(0, rec.lockedUntil - this.now()) : 0;
  }

  /**
   * Records a failure. Returns the delay to wait before answering, and whether this failure
   * started a lockout.
   */
  fail(address: string): { delayMs: number; lockedMs: number } {
    address = addressKey(address);
    const now = this.now();
    const rec = this.fresh(address) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    rec.failures++;
    rec.lastFailureAt = now;
    const o = this.options;
    const delayMs = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (rec.failures - 1));
    let lockedMs = 0;
    if (rec.failures >= o.lockoutAfter) {
      rec.lockedUntil = now + o.lockoutMs;
      rec.failures = 0;
      lockedMs = o.lockoutMs;
    }
    this.records.set(address, rec);
    this.prune(now);
    return { delayMs, lockedMs };
  }

  succeed(address: string): void {
    this.records.delete(addressKey(address));
  }

  private fresh(address: string): Record | undefined {
    const rec = this.records.get(address);
    if (!rec) return undefined;
    const now = this.now();
    if (rec.lockedUntil <= now && now - rec.lastFailureAt > this.options.windowMs) {
      this.records.delete(address);
      return undefined;
    }
    return rec;
  }

  /** Keeps the table from growing without bound under a scan from many addresses. */
  private prune(now: number): void {
    if (this.records.size < 10_000) return;
    for (const [addr, rec] of this.records) {
      if (rec.lockedUntil <= now && now - rec.lastFailureAt > this.options.windowMs) this.records.delete(addr);
    }
  }
}

/**
 * The key failures are counted under: an IPv4 client reaching a dual-stack listener
 * (`::ffff:192.0.2.7`) is the same client as `192.0.2.7`, whichever port it used.
 */
export function addressKey(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

export type LoginVerdict =
  | { ok: true }
  | {
      ok: false;
      code: typeof ErrorCode.AUTH_FAILED | typeof ErrorCode.LOCKED_OUT | typeof ErrorCode.BUSY;
      message: string;
      retryAfterMs?: number;
      /** Whether the password was compared (a refusal before that costs no guess). */
      evaluated: boolean;
    };

export interface LoginGuardOptions {
  /** Checks one address may have waiting; more are answered BUSY at once. */
  perAddress: number;
  /** Checks all addresses together may have waiting. */
  total: number;
}

/**
 * The one way a password is checked, on every port. The checks of one address run one
 * after another, and each looks at the lockout only when its turn comes: a guess queued
 * behind the failures that start a lockout is refused without being evaluated, and a
 * success can only clear a record when it really came before the lockout.
 */
export class LoginGuard {
  private readonly lanes = new Map<string, { tail: Promise<unknown>; waiting: number }>();
  private waiting = 0;

  constructor(
    private readonly verifier: PasswordVerifier,
    private readonly throttle: LoginThrottle,
    private readonly options: LoginGuardOptions = { perAddress: LOGIN_QUEUE_PER_ADDRESS, total: LOGIN_QUEUE_TOTAL },
  ) {}

  /** Checks a password; resolves after the throttle delay of a failure. Never rejects. */
  check(address: string, attempt: string): Promise<LoginVerdict> {
    const key = addressKey(address);
    const locked = this.throttle.lockedFor(key);
    if (locked > 0) return Promise.resolve(lockedOut(locked, false));
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (lane.waiting >= this.options.perAddress || this.waiting >= this.options.total) {
      return Promise.resolve({
        ok: false,
        code: ErrorCode.BUSY,
        message: 'too many logins are waiting to be checked; try again shortly',
        retryAfterMs: LOGIN_BUSY_RETRY_MS,
        evaluated: false,
      });
    }
    lane.waiting++;
    this.waiting++;
    this.lanes.set(key, lane);
    const turn = lane.tail.then(() => this.evaluate(key, attempt));
    lane.tail = turn.finally(() => {
      lane.waiting--;
      this.waiting--;
      if (lane.waiting === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
    });
    return turn;
  }

  private async evaluate(key: string, attempt: string): Promise<LoginVerdict> {
    const locked = this.throttle.lockedFor(key);
    if (locked > 0) return lockedOut(locked, false);
    let ok = false;
    try {
      ok = await this.verifier.verify(attempt);
    } catch {
      // A check that could not run counts as a failure: it must not be a free guess.
    }
    if (ok) {
      this.throttle.succeed(key);
      return { ok: true };
    }
    const { delayMs, lockedMs } = this.throttle.fail(key);
    // The delay is served inside this address's turn, so the next guess waits for it too.
    await new Promise((r) => setTimeout(r, delayMs));
    if (lockedMs > 0) return lockedOut(lockedMs, true);
    return { ok: false, code: ErrorCode.AUTH_FAILED, message: 'wrong password', evaluated: true };
  }
}

/** The log line for a verdict: what happened, never the password. */
export function verdictEntry(verdict: LoginVerdict, port: string): { category: LogCategory; message: string } {
  if (verdict.ok) return { category: LogCategory.AUTHENTICATION, message: `${port} succeeded` };
  switch (verdict.code) {
    case ErrorCode.AUTH_FAILED:
      return { category: LogCategory.AUTHENTICATION, message: `${port} failed: wrong password` };
    case ErrorCode.LOCKED_OUT:
      return {
        category: LogCategory.SECURITY_ALERT,
        message: verdict.evaluated ? `${port} failed; address locked out` : `${port} refused: address is locked out`,
      };
    default:
      return { category: LogCategory.SECURITY, message: `${port} refused: too many logins waiting` };
  }
}

function lockedOut(ms: number, evaluated: boolean): LoginVerdict {
  return { ok: false, code: ErrorCode.LOCKED_OUT, message: `too many failed logins; try again in ${Math.ceil(ms / 1000)} s`, retryAfterMs: ms, evaluated };
}
