// The names of a ZIP's entries (PROTOCOL.md §10.4). An entry's name is its path relative
// to the folder zipped, as it is, except where the ZIP format forbids it: a name may not
// start with a drive letter (APPNOTE 4.4.17), because an extractor on Windows would read
// `a:b.txt` at the top of the archive as drive A. Such a first segment takes the
// look-alike colon of §5.2 (`a：b.txt`), numbered when another entry has that name, so no
// file is left out and no two entries share a name.
import { numberedName } from '../protocol/storable-names';

const DRIVE_PREFIX = /^[A-Za-z]:/;
const LOOKALIKE_COLON = '\uFF1A';

/** The archive name of each relative path; paths that need nothing map to themselves. */
export function zipEntryNames(paths: readonly string[]): Map<string, string> {
  const top = (path: string) => path.split('/', 1)[0]!;
  const tops = new Set(paths.map(top));
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  const drives = [...tops].filter((s) => DRIVE_PREFIX.test(s)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const segment of drives) {
    const wanted = segment[0] + LOOKALIKE_COLON + segment.slice(2);
    let name = wanted;
    for (let n = 2; tops.has(name) || taken.has(name); n++) name = numberedName(wanted, n);
    taken.add(name);
    renamed.set(segment, name);
  }
  const out = new Map<string, string>();
  for (const path of paths) {
    const first = top(path);
    const mapped = renamed.get(first);
    out.set(path, mapped === undefined ? path : mapped + path.slice(first.length));
  }
  return out;
}
