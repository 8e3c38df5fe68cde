// A SHA-256 fed block by block, either on this thread or in a pool worker. Small files are
// hashed here (a worker round trip costs more than the hash); large ones in a worker, so
// hashing runs beside the TLS work on another core.
import { createHash } from 'node:crypto';
import { HASH_OFFLOAD_MIN_BYTES } from '../constants';
import type { WorkerPool } from './pool';
import type { BlockDigest } from './tasks';

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
