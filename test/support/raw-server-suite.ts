// A suite's real server sharing random files written into a fresh folder, and the raw
// connections its tests open: all closed and removed once the suite is done.
import type { Test } from 'uvu';
import { join } from 'node:path';
import { writeRandomFile } from './file-tree';
import type { RawConnection } from './raw-connection';
import { startTestServer, type TestServer } from './test-server';
import { makeTempDir, removeDir } from './temp-dir';

/** `files`: each shared file's path and size in bytes. */
export function rawServerSuite(suite: Test, label: string, files: Record<string, number>) {
  let base = '';
  let server: TestServer | undefined;
  const raws: RawConnection[] = [];
  suite.before(async () => {
    base = await makeTempDir(label);
    for (const [path, size] of Object.entries(files)) await writeRandomFile(join(base, 'share', path), size);
    server = await startTestServer({ sharePath: join(base, 'share') });
  });
  suite.after(async () => {
    for (const r of raws.splice(0)) r.destroy();
    await server?.close();
    await removeDir(base);
  });
  return {
    /** The running server (from the suite's start). */
    server: (): TestServer => server!,
    /** Connections a test opened; destroyed after the suite. */
    raws,
  };
}
