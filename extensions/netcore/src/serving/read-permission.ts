// Whether this process may read a file, from its permission bits alone: the share lists
// files without opening each one.
import type { Stats } from 'node:fs';

/** Who reads: a user id and its groups. */
export interface Reader {
  uid: number;
  groups: ReadonlySet<number>;
}

/** Who this process is, for the permission bits (undefined where there are none: Windows). */
const PROCESS_USER: Reader | undefined = process.getuid ? { uid: process.getuid(), groups: new Set(process.getgroups?.() ?? []) } : undefined;

/**
 * Whether the permission bits let `user` read a file. It replaces an open() per listed
 * file; what it misses (access lists) still fails cleanly when the file is asked for.
 */
export function canRead(st: Pick<Stats, 'uid' | 'gid' | 'mode'>, user: Reader | undefined = PROCESS_USER): boolean {
  if (!user || user.uid === 0) return true;
  if (st.uid === user.uid) return (st.mode & 0o400) !== 0;
  if (user.groups.has(st.gid)) return (st.mode & 0o040) !== 0;
  return (st.mode & 0o004) !== 0;
}
