// The share the traversal tests try to leave: two plain files inside it, a secret beside
// it and another in a folder beside it, and links from inside that lead out to both.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomFile } from './file-tree';

export interface Secrets {
  /** The text of `secret.txt`, beside the share. */
  beside: string;
  /** The text of `outside/secret.txt`, reached through the folder link `link`. */
  behindLink: string;
}

/**
 * Builds `<base>/share` holding `public.txt` (64 bytes), `sub/inner.txt` (32 bytes), the
 * folder link `link` to `../outside`, the file link `secret-link.txt` to `../secret.txt`
 * and `sub/up` back to the share itself; returns the share's path.
 */
export async function makeEscapeShare(base: string, secrets: Secrets): Promise<string> {
  const share = join(base, 'share');
  await writeFile(join(base, 'secret.txt'), secrets.beside);
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'outside', 'secret.txt'), secrets.behindLink);
  await writeRandomFile(join(share, 'public.txt'), 64);
  await writeRandomFile(join(share, 'sub', 'inner.txt'), 32);
  await symlink('../outside', join(share, 'link'));
  await symlink('../secret.txt', join(share, 'secret-link.txt'));
  await symlink('..', join(share, 'sub', 'up'));
  return share;
}
