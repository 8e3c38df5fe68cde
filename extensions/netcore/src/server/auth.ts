// Passwords are kept only as a scrypt hash and compared in constant time; failed logins
// are throttled per address with growing delays, then locked out (DESIGN §2).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import {
  LOCKOUT_AFTER_FAILURES,
  LOCKOUT_DURATION_MS,
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
} from '../constants';

const SCRYPT_OPTIONS: ScryptOptions = {
  N: SCRYPT_COST_N,
  r: SCRYPT_BLOCK_R,
  p: SCRYPT_PARALLEL_P,
  maxmem: SCRYPT_MAXMEM_BYTES,
};

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, SCRYPT_KEY_BYTES, SCRYPT_OPTIONS, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Each check allocates 128 MiB; a queue keeps a burst of logins from exhausting memory. */
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

export class PasswordVerifier {
  private readonly gate = new Semaphore(SCRYPT_CONCURRENCY);
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
    return this.gate.run(async () => timingSafeEqual(await derive(attempt, this.salt), this.hash));
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
    const rec = this.fresh(address);
    return rec ? Math.max(0, rec.lockedUntil - this.now()) : 0;
  }

  /**
   * Records a failure. Returns the delay to wait before answering, and whether this failure
   * started a lockout.
   */
  fail(address: string): { delayMs: number; lockedMs: number } {
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
    this.records.delete(address);
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
