// Remembers whole-file SHA-256 digests by file identity, so a resume (which streams only
// a suffix) can still end with the whole file's digest without re-reading it.
import type { Stats } from 'node:fs';

const MAX_ENTRIES = 10_000;

function keyOf(absPath: string, st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${absPath}`;
}

export class HashCache {
  private readonly map = new Map<string, string>();

  get(absPath: string, st: Stats): string | undefined {
    const key = keyOf(absPath, st);
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(absPath: string, st: Stats, sha256: string): void {
    const key = keyOf(absPath, st);
    this.map.delete(key);
    this.map.set(key, sha256);
    if (this.map.size > MAX_ENTRIES) this.map.delete(this.map.keys().next().value!);
  }
}
