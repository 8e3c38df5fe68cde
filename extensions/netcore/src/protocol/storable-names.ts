// The client's storability rule (PROTOCOL.md §5.2): which local name each wire path is
// saved under. The wire carries every safe name as it is; a client whose file system
// cannot store a name saves it under a mapped name, chosen by one deterministic rule so
// that the same listing always maps the same way (a resume finds its .part) and no two
// names of one folder end up as one file. Pure: the platform is a parameter, so the
// Windows rule is tested anywhere.
import { MAX_NAME_BYTES } from '../constants';
import { WINDOWS_FORBIDDEN_CHARS } from './path-rules';

/** What a destination's file system can hold. */
export interface Storage {
  /** Refuses what Windows refuses: `< > : " | ? *`, a trailing dot or space, device names. */
  windowsNames: boolean;
  /** Takes names that differ only in letter case (or Unicode normal form) for one name. */
  caseInsensitive: boolean;
}

/** What a file system on `platform` holds by default. */
export function storageFor(platform: NodeJS.Platform): Storage {
  if (platform === 'win32') return { windowsNames: true, caseInsensitive: true };
  if (platform === 'darwin') return { windowsNames: false, caseInsensitive: true };
  return { windowsNames: false, caseInsensitive: false };
}

/** What both `a` and `b` can hold: a destination is at least as strict as its platform. */
export function strictest(a: Storage, b: Storage): Storage {
  return { windowsNames: a.windowsNames || b.windowsNames, caseInsensitive: a.caseInsensitive || b.caseInsensitive };
}

/** Each character Windows forbids, and the full-width form that stands in for it. */
const LOOKALIKE: Readonly<Record<string, string>> = Object.freeze({
  '<': '\uFF1C', // ＜
  '>': '\uFF1E', // ＞
  ':': '\uFF1A', // ：
  '"': '\uFF02', // ＂
  '|': '\uFF5C', // ｜
  '?': '\uFF1F', // ？
  '*': '\uFF0A', // ＊
});
const FORBIDDEN = new RegExp(`[${WINDOWS_FORBIDDEN_CHARS}]`, 'g');
/** A trailing dot becomes a full-width full stop, a trailing space a no-break space. */
const END_LOOKALIKE: Readonly<Record<string, string>> = Object.freeze({ '.': '\uFF0E', ' ': '\u00A0' });
const DROPPED_END = /[. ]+$/;
/** A device name as path-rules.ts finds it: the part before the first dot, white space trimmed. */
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[0-9¹²³]|lpt[0-9¹²³])(\s*)(\..*)?$/is;
/** What a suffix or a cut keeps after the stem: a short extension such as `.tar` or `.mp3`. */
const EXTENSION = /\.[^.]{1,16}$/;

function bytes(s: string): number {
  return Buffer.byteLength(s);
}

/** The Windows form of one name: look-alike characters, a device name made ordinary. */
function windowsForm(name: string): string {
  let out = name.replace(FORBIDDEN, (c) => LOOKALIKE[c]!);
  const device = DEVICE.exec(out);
  if (device) out = `${device[1]}_${device[2]}${device[3] ?? ''}`;
  return out.replace(DROPPED_END, (run) => [...run].map((c) => END_LOOKALIKE[c]!).join(''));
}

/** `s` cut to at most `max` UTF-8 bytes, never inside a surrogate pair. */
function cutToBytes(s: string, max: number): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const n = bytes(ch);
    if (used + n > max) break;
    used += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Splits off a short extension, unless the name is nothing but it (`.bashrc`). */
function splitExtension(name: string): [stem: string, ext: string] {
  const m = EXTENSION.exec(name);
  if (!m || m.index === 0) return [name, ''];
  return [name.slice(0, m.index), m[0]];
}

/** `name` with `tag` before its extension, the stem cut so the whole fits the byte limit. */
function fitted(name: string, tag: string, storage: Storage): string {
  const [stem, ext] = splitExtension(name);
  for (let room = MAX_NAME_BYTES - bytes(tag) - bytes(ext); ; room -= 3) {
    // A cut can leave a dot or a space at the end, which the Windows form then replaces.
    const cut = cutToBytes(stem, Math.max(room, 0)) + tag + ext;
    const out = storage.windowsNames ? windowsForm(cut) : cut;
    if (bytes(out) <= MAX_NAME_BYTES || room <= 0) return out;
  }
}

/**
 * `name` with ` (n)` before its extension, cut to 255 bytes: a numbered name for one that
 * is taken, as §5.2 numbers them, for a store with no Windows rule.
 */
export function numberedName(name: string, n: number): string {
  return fitted(name, ` (${n})`, { windowsNames: false, caseInsensitive: false });
}

/**
 * One name as `storage` can hold it, before any clash with its neighbours is settled.
 * Names a file system can store come back unchanged.
 */
export function storableName(name: string, storage: Storage): string {
  const out = storage.windowsNames ? windowsForm(name) : name;
  return bytes(out) <= MAX_NAME_BYTES ? out : fitted(out, '', storage);
}

/** The name a file system compares by: two names with one key are one file there. */
export function nameKey(name: string, storage: Storage): string {
  return storage.caseInsensitive ? name.normalize('NFC').toUpperCase() : name;
}

/**
 * The local name of each name of one folder. Injective: no two names share a local name
 * (by `nameKey`). Stable: the answer depends only on the set of names, not their order.
 * Names stored as they are keep their names; a mapped name or a name that clashes gets
 * ` (2)`, ` (3)`, … before its extension, in code-unit order of the original names.
 */
export function mapFolder(names: Iterable<string>, storage: Storage): Map<string, string> {
  const sorted = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const wanted = sorted.map((name) => ({ name, local: storableName(name, storage) }));
  // Every name kept as it is reserves its key first, so a suffixed name never takes it.
  const reserved = new Set(wanted.filter((w) => w.local === w.name).map((w) => nameKey(w.name, storage)));
  const place = (name: string, local: string, mine: boolean) => {
    let candidate = local;
    for (let n = 2; ; n++) {
      const key = nameKey(candidate, storage);
      if (!taken.has(key) && (mine || !reserved.has(key))) break;
      candidate = fitted(local, ` (${n})`, storage);
      mine = false;
    }
    taken.add(nameKey(candidate, storage));
    out.set(name, candidate);
  };
  for (const w of wanted) if (w.local === w.name) place(w.name, w.local, true);
  for (const w of wanted) if (w.local !== w.name) place(w.name, w.local, false);
  return out;
}

/** Calls `visit` with each segment of a '/'-separated path and the folder it is in ('' at the top). */
function eachSegment(path: string, visit: (folder: string, name: string) => void): void {
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    visit(start === 0 ? '' : path.slice(0, start - 1), slash < 0 ? path.slice(start) : path.slice(start, slash));
    if (slash < 0) return;
    start = slash + 1;
  }
}

/**
 * The local path of each wire path of a listing, segment by segment: each segment is
 * mapped among the names of its own folder in `paths` (files and the folders on their
 * way). Paths whose local path is the same as the wire path map to themselves.
 */
export function mapPaths(paths: readonly string[], storage: Storage): Map<string, string> {
  // Distinct names of at most 255 bytes are all stored as they are: nothing to map.
  const out = new Map<string, string>();
  if (!storage.windowsNames && !storage.caseInsensitive) {
    for (const path of paths) out.set(path, path);
    return out;
  }
  const children = new Map<string, Set<string>>();
  for (const path of paths) {
    eachSegment(path, (folder, name) => {
      let set = children.get(folder);
      if (!set) children.set(folder, (set = new Set()));
      set.add(name);
    });
  }
  const local = new Map<string, Map<string, string>>();
  for (const [folder, names] of children) local.set(folder, mapFolder(names, storage));
  for (const path of paths) {
    const mapped: string[] = [];
    eachSegment(path, (folder, name) => mapped.push(local.get(folder)!.get(name)!));
    out.set(path, mapped.join('/'));
  }
  return out;
}
