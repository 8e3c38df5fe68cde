// Large share files that are quick to make: a file of zeros is sparse (made by truncate),
// yet the server still reads and hashes every byte of it, and the client still writes and
// verifies every byte. Its SHA-256 is worked out in memory.
import { createHash } from 'node:crypto';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const BLOCK = Buffer.alloc(1 << 20);
const digests = new Map<number, string>();

/** SHA-256 (hex) of `size` zero bytes. */
function zerosSha256(size: number): string {
  let digest = digests.get(size);
  if (digest === undefined) {
    const hash = createHash('sha256');
    for (let left = size; left > 0; left -= BLOCK.length) hash.update(left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left));
    digest = hash.digest('hex');
    digests.set(size, digest);
  }
  return digest;
}

/** Creates (or replaces) a file of `size` zero bytes; returns its SHA-256. */
export async function writeZeroFile(path: string, size: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
  await truncate(path, size);
  return zerosSha256(size);
}
