// Remembers whole-file SHA-256 digests by file identity, so a resume (which streams only
// a suffix) can still end with the whole file's digest without re-reading it. A digest
// being computed right now is shared too: when a class of clients all start downloading
// the same file at once, one of them hashes it and the others wait for that result instead
// of hashing the same bytes a hundred times over.
import type { Stats } from 'node:fs';

const MAX_ENTRIES = 10_000;

function keyOf(absPath: string, st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${absPath}`;
}

/** A remembered digest and the version of the file it belongs to. */
interface Known {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** A digest another sender is computing; `value` is set once it is known. */
export interface PendingDigest {
  readonly promise: Promise<string>;
  readonly value: string | undefined;
}

/** The computing side of a PendingDigest: exactly one of these settles it. */
export interface DigestPromise {
  finish(sha256: string): void;
  /** Ends without a digest (the send failed); waiters fall back to their own. Safe after finish. */
  abandon(): void;
}

export class HashCache {
  /**
   * By path, oldest use first. Looked up once per file sent, so it is keyed by the path
   * alone and the version compared field by field: building a key of the whole identity
   * for every lookup cost about 3 µs a file.
   */
  private readonly map = new Map<string, Known>();
  private readonly inFlight = new Map<string, PendingDigest>();
  private readonly reading = new Map<string, Promise<string>>();

  get(absPath: string, st: Stats): string | undefined {
    const known = this.map.get(absPath);
    if (known === undefined || known.dev !== st.dev || known.ino !== st.ino || known.size !== st.size || known.mtimeMs !== st.mtimeMs) return undefined;
    this.map.delete(absPath);
    this.map.set(absPath, known);
    return known.sha256;
  }

  /** Remembers the digest of this version of the file (an older version's is forgotten). */
  set(absPath: string, st: Stats, sha256: string): void {
    this.map.delete(absPath);
    this.map.set(absPath, { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, sha256 });
    if (this.map.size > MAX_ENTRIES) this.map.delete(this.map.keys().next().value!);
  }

  /** The digest of this very file that another sender is computing now, if any. */
  pending(absPath: string, st: Stats): PendingDigest | undefined {
    return this.inFlight.get(keyOf(absPath, st));
  }

  /**
   * The file's digest: remembered, or from `compute` (a worker reading the file), started at
   * most once at a time per file; callers arriving while it runs share its result, and
   * callers arriving after it finished get the remembered digest.
   */
  computeOnce(absPath: string, st: Stats, compute: () => Promise<string>): Promise<string> {
    const known = this.get(absPath, st);
    if (known !== undefined) return Promise.resolve(known);
    const key = keyOf(absPath, st);
    let running = this.reading.get(key);
    if (!running) {
      const started = compute().then((sha256) => {
        this.set(absPath, st, sha256);
        return sha256;
      });
      const forget = () => this.reading.get(key) === started && this.reading.delete(key);
      started.then(forget, forget);
      this.reading.set(key, started);
      running = started;
    }
    return running;
  }

  /** Announces that the caller computes this file's digest; others may wait for it. */
  begin(absPath: string, st: Stats): DigestPromise {
    const key = keyOf(absPath, st);
    let resolve!: (sha256: string) => void;
    let reject!: (err: Error) => void;
    const entry: { promise: Promise<string>; value: string | undefined } = {
      promise: new Promise<string>((res, rej) => {
        resolve = res;
        reject = rej;
      }),
      value: undefined,
    };
    entry.promise.catch(() => undefined);
    let settled = false;
    this.inFlight.set(key, entry);
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      return true;
    };
    return {
      finish: (sha256) => {
        if (!settle()) return;
        entry.value = sha256;
        this.set(absPath, st, sha256);
        resolve(sha256);
      },
      abandon: () => {
        if (settle()) reject(new Error('the sender computing this digest stopped'));
      },
    };
  }
}
