// Turns what a user named ("docs", "a/b.txt", or everything) into listed files.
import { ErrorCode, PssError } from '../errors';
import type { FileEntry } from '../protocol/messages';

/** A name selects that file, or every file below it when it names a folder. */
export function selectEntries(entries: FileEntry[], names: string[], all: boolean): FileEntry[] {
  if (all || names.length === 0) return entries;
  const chosen = new Set<FileEntry>();
  for (const raw of names) {
    const name = raw.replace(/^\/+|\/+$/g, '');
    const before = chosen.size;
    for (const e of entries) {
      if (e.path === name || e.path.startsWith(name + '/')) chosen.add(e);
    }
    if (chosen.size === before && !entries.some((e) => e.path === name)) {
      throw new PssError(ErrorCode.NOT_FOUND, `not shared by the server: ${raw}`);
    }
  }
  return entries.filter((e) => chosen.has(e));
}
