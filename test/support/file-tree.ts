// Share trees for integration tests: sub-folders, names in several scripts and with
// punctuation, and random contents of sizes around the 1 MiB read size; plus a snapshot
// of a folder that can be compared before and after a download.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { HOST_NAMES } from '../../extensions/netcore/src/protocol/path-rules';

const MIB = 1 << 20;

export interface FileFacts {
  size: number;
  sha256: string;
  /** As set on disk, with a sub-millisecond fraction. */
  mtimeMs: number;
}

/** Every file the standard tree holds that a client must see, by wire path. */
const TREE_FILES: ReadonlyArray<readonly [string, number]> = [
  ['empty.bin', 0],
  ['one byte.bin', 1],
  ['just under 1 MiB.bin', MIB - 1],
  ['just over 1 MiB.bin', MIB + 1],
  ['big/three MiB and a bit.bin', 3 * MIB + 7],
  ['docs/گزارش سالانه.txt', 5_000],
  ["docs/it's 'quoted'.txt", 100],
  ['docs/symbols #%&+;=@.txt', 300],
  ['docs/nested/deeper/note.txt', 20],
  ['📷 photos/🎉 party 2024.jpg', 70_000],
  ['with space/a b  c.txt', 10],
  // Windows could not store it; a server on any other system shares it like any name (§5.1).
  ...(HOST_NAMES.portable ? [] : ([['docs/it\'s "quoted".txt', 42]] as const)),
];

/** Writes `size` random bytes (a random 1 MiB block, varied per block) and returns the digest. */
export async function writeRandomFile(path: string, size: number, mtimeSeconds?: number): Promise<FileFacts> {
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  const block = randomBytes(Math.min(size, MIB));
  const handle = await open(path, 'w');
  try {
    for (let at = 0, n = 0; at < size; n++) {
      const len = Math.min(block.length, size - at);
      // Each block differs, so a piece written at the wrong offset cannot go unnoticed.
      if (len >= 8) block.writeUInt32BE(n, 0);
      const piece = block.subarray(0, len);
      hash.update(piece);
      await handle.write(piece, 0, len, at);
      at += len;
    }
  } finally {
    await handle.close();
  }
  if (mtimeSeconds !== undefined) await utimes(path, mtimeSeconds, mtimeSeconds);
  const st = await lstat(path);
  return { size, sha256: hash.digest('hex'), mtimeMs: st.mtimeMs };
}

export interface ShareTree {
  /** The shared folder. */
  root: string;
  /** Listed files by wire path. */
  files: Map<string, FileFacts>;
}

/** Builds the standard tree in `root` (created); every file gets its own past mtime. */
export async function makeShareTree(root: string): Promise<ShareTree> {
  const files = new Map<string, FileFacts>();
  // Past instants with a fraction of a millisecond, so the wire's truncation shows.
  let seconds = 1_650_000_000.1234567;
  for (const [wire, size] of TREE_FILES) {
    seconds += 3_600.5;
    files.set(wire, await writeRandomFile(join(root, ...wire.split('/')), size, seconds));
  }
  return { root, files };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MIB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface TreeEntry {
  kind: 'file' | 'dir' | 'link' | 'other';
  size?: number;
  sha256?: string;
  mtimeMs?: number;
  target?: string;
}

/** Everything below `dir` by '/'-path, links not followed; `skip` leaves out whole subtrees. */
export async function snapshotTree(dir: string, skip: (rel: string) => boolean = () => false): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const name of (await readdir(abs)).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (skip(childRel)) continue;
      const childAbs = join(abs, name);
      const st = await lstat(childAbs);
      if (st.isSymbolicLink()) out.set(childRel, { kind: 'link', target: await readlink(childAbs) });
      else if (st.isDirectory()) {
        out.set(childRel, { kind: 'dir' });
        await walk(childAbs, childRel);
      } else if (st.isFile()) {
        out.set(childRel, { kind: 'file', size: st.size, sha256: await sha256File(childAbs), mtimeMs: st.mtimeMs });
      } else out.set(childRel, { kind: 'other' });
    }
  };
  await walk(dir, '');
  return out;
}

/** The snapshot without mtimes, for "nothing changed here" comparisons. */
export function contentsOf(tree: Map<string, TreeEntry>): Record<string, Omit<TreeEntry, 'mtimeMs'>> {
  const out: Record<string, Omit<TreeEntry, 'mtimeMs'>> = {};
  for (const [rel, { mtimeMs: _m, ...rest }] of tree) out[rel] = rest;
  return out;
}

/** Leftover partial-download files anywhere below `dir`. */
export async function partFilesIn(dir: string): Promise<string[]> {
  const tree = await snapshotTree(dir);
  return [...tree.keys()].filter((rel) => rel.endsWith('.part') || rel.endsWith('.part.json'));
}

/** Fails with a list of every difference between a downloaded folder and the share's files. */
export async function assertTreeMatches(destination: string, expected: Map<string, FileFacts>): Promise<void> {
  const tree = await snapshotTree(destination);
  const problems: string[] = [];
  for (const [wire, facts] of expected) {
    const got = tree.get(wire);
    if (!got) problems.push(`${wire}: missing`);
    else if (got.kind !== 'file') problems.push(`${wire}: is a ${got.kind}`);
    else {
      if (got.size !== facts.size) problems.push(`${wire}: ${got.size} bytes, expected ${facts.size}`);
      if (got.sha256 !== facts.sha256) problems.push(`${wire}: SHA-256 differs`);
      if (Math.abs(got.mtimeMs! - facts.mtimeMs) >= 1) problems.push(`${wire}: mtime ${got.mtimeMs}, expected ${facts.mtimeMs}`);
    }
  }
  for (const [rel, entry] of tree) {
    if (entry.kind === 'dir') continue;
    if (!expected.has(rel)) problems.push(`${rel}: unexpected ${entry.kind}`);
  }
  if (problems.length > 0) throw new Error(`downloaded tree differs:\n  ${problems.join('\n  ')}`);
}

/** Every file under its final name in `out` is the server's, byte for byte; returns how many there are. */
export async function assertFinalFilesExact(out: string, files: Map<string, FileFacts>, when: string): Promise<number> {
  const tree = await snapshotTree(out);
  const problems: string[] = [];
  let complete = 0;
  for (const [rel, entry] of tree) {
    if (entry.kind === 'dir' || rel.endsWith('.part') || rel.endsWith('.part.json')) continue;
    const facts = files.get(rel);
    if (!facts) problems.push(`${rel}: not a file of the share (${entry.kind})`);
    else if (entry.kind !== 'file') problems.push(`${rel}: is a ${entry.kind}`);
    else if (entry.size !== facts.size || entry.sha256 !== facts.sha256)
      problems.push(`${rel}: ${entry.size} bytes with another content (expected ${facts.size})`);
    else if (Math.abs(entry.mtimeMs! - facts.mtimeMs) >= 1) problems.push(`${rel}: final name before its modification time was set`);
    else complete++;
  }
  assert.equal(problems, [], `${when}: wrong files under their final names`);
  return complete;
}
