// Where the SHA-256 in a file's FILE_END comes from, chosen once before its first frame:
// - the hash cache, when the file was hashed before and has not changed since;
// - another session hashing the same file right now (with a worker racing it, so a fast
//   client never waits for a slow one);
// - the stream itself, hashed frame by frame while it goes out, when the whole file is sent;
// - a worker reading the file beside the stream, when a resume leaves bytes unsent.
import type { Stats } from 'node:fs';
import { FRAME_HEADER_BYTES } from '../constants';
import type { DigestPromise, HashCache, PendingDigest } from '../serving/hash-cache';
import { digestFor } from '../workers/digest';
import type { BlockDigest } from '../workers/tasks';
import type { WorkerPool } from '../workers/pool';

export interface DigestSource {
  /**
   * A data frame that was just sent; it goes to `release` once the source is done with it.
   * A promise means: wait before reading the next frame (hashing has fallen behind).
   */
  take(frame: Buffer): Promise<void> | void;
  /** Waits until every frame taken is done with (before the file is checked for changes). */
  drain(): Promise<void> | void;
  /** The file's SHA-256, once every frame was taken and drained. */
  result(): Promise<string>;
  /** Lets go of unfinished work (a failed or cancelled send); harmless after result(). */
  close(): void;
}

export interface DigestChoice {
  hashes: HashCache;
  pool: WorkerPool;
  absPath: string;
  stat: Stats;
  /** Where the send starts: 0 for the whole file. */
  offset: number;
  /** Takes a frame back once it is sent and hashed. */
  release: (frame: Uint8Array) => void;
}

/** Hashing frames in flight per file: the next frame goes out while the previous ones hash. */
const HASHING_AHEAD = 2;

export function chooseDigestSource(c: DigestChoice): DigestSource {
  const cached = c.hashes.get(c.absPath, c.stat);
  if (cached !== undefined) return new PassThrough(c.release, Promise.resolve(cached));
  const shared = c.hashes.pending(c.absPath, c.stat);
  if (shared !== undefined) return new PassThrough(c.release, sharedDigest(c, shared));
  if (c.offset === 0) return new StreamDigest(digestFor(c.pool, c.stat.size), c.hashes.begin(c.absPath, c.stat), c.release);
  const background = c.pool.hashFile(c.absPath, 0, c.stat.size);
  background.catch(() => undefined);
  return new PassThrough(c.release, background);
}

/**
 * The digest another session is computing. If it is not known yet, a worker also hashes the
 * file (once, for every session waiting on it) and whichever finishes first answers.
 * Started only when the answer is asked for, after the last frame.
 */
function sharedDigest(c: DigestChoice, shared: PendingDigest): () => Promise<string> {
  return () => {
    if (shared.value !== undefined) return Promise.resolve(shared.value);
    const never = new Promise<never>(() => undefined);
    const own = c.hashes.computeOnce(c.absPath, c.stat, () => c.pool.hashFile(c.absPath, 0, c.stat.size));
    return Promise.race([shared.promise.catch(() => never), own]);
  };
}

/** The digest comes from elsewhere; frames go straight back. */
class PassThrough implements DigestSource {
  constructor(
    private readonly release: (frame: Uint8Array) => void,
    private readonly answer: Promise<string> | (() => Promise<string>),
  ) {}

  take(frame: Buffer): void {
    this.release(frame);
  }

  drain(): void {}

  result(): Promise<string> {
    return typeof this.answer === 'function' ? this.answer() : this.answer;
  }

  close(): void {}
}

/** Hashes the frames as they go out (in a worker for large files); other sessions may wait on it. */
class StreamDigest implements DigestSource {
  private readonly hashing: Promise<void>[] = [];

  constructor(
    private readonly digest: BlockDigest,
    private readonly announced: DigestPromise,
    private readonly release: (frame: Uint8Array) => void,
  ) {}

  take(frame: Buffer): Promise<void> | void {
    const hashed = this.digest.update(frame.subarray(FRAME_HEADER_BYTES)).then((back) => this.release(back));
    hashed.catch(() => undefined);
    this.hashing.push(hashed);
    if (this.hashing.length > HASHING_AHEAD) return this.hashing.shift();
  }

  async drain(): Promise<void> {
    await Promise.all(this.hashing);
  }

  async result(): Promise<string> {
    const sha256 = await this.digest.digest();
    this.announced.finish(sha256);
    return sha256;
  }

  close(): void {
    this.announced.abandon();
    this.digest.drop();
  }
}
