// A SHA-256 fed block by block, either on this thread or in a pool worker. Small files are
// hashed here (a worker round trip costs more than the hash); large ones in a worker, so
// hashing runs beside the TLS work on another core.
import { createHash } from 'node:crypto';
import { HASH_OFFLOAD_MIN_BYTES } from '../constants';
import type { WorkerPool } from './pool';
import type { BlockTarget } from './tasks';

export interface BlockDigest {
  /** Adds the view's bytes; resolves with a view of the same bytes, free to reuse. */
  update(view: Uint8Array): Promise<Uint8Array>;
  /**
   * Present when the digest runs in a worker: writes the view to `target` there, then adds
   * it, so a file's blocks reach the disk without a round trip through the event loop.
   */
  writeThenUpdate?(target: BlockTarget, view: Uint8Array): Promise<Uint8Array>;
  digest(): Promise<string>;
  /** Forgets it (an aborted transfer). */
  drop(): void;
}

export class InlineDigest implements BlockDigest {
  private readonly hash = createHash('sha256');

  async update(view: Uint8Array): Promise<Uint8Array> {
    this.hash.update(view);
    return view;
  }

  async digest(): Promise<string> {
    return this.hash.digest('hex');
  }

  drop(): void {}
}

export function digestFor(pool: WorkerPool, sizeBytes: number): BlockDigest {
  return sizeBytes >= HASH_OFFLOAD_MIN_BYTES ? pool.openHashStream() : new InlineDigest();
}
