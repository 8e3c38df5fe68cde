// A full disk while small files are written in batches (PROTOCOL.md §6.2): `pss get --all`
// into a small exFAT volume that fills up part of the way stops with DISK_FULL and says to
// free space first; every file that got its final name is the server's, byte for byte, and
// no `.part` of a failed write is left. Once space is freed, the same command completes the
// rest. The volume is the one the "saved as" tests use (support/fat-volume.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, startCliServer, type CliServer } from '../../support/cli-runner';
import { fatVolumeNeeds, mountFatVolume, tearDownVolumeTest, type FatVolume } from '../../support/fat-volume';
import { assertFinalFilesExact, assertTreeMatches, partFilesIn, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir } from '../../support/temp-dir';
import { testIf } from '../../support/tools';

const FILES = 120;
const FILE_BYTES = 100 * 1024;
/** Room left on the volume before the download: about half of what it needs. */
const ROOM_BYTES = 6 * 1024 * 1024;

const volumeNeeds = fatVolumeNeeds();
const volumeTest = testIf(test, ...volumeNeeds);

let base = '';
let volume: FatVolume | undefined;
let refused = '';
const servers: CliServer[] = [];

test.after(() => tearDownVolumeTest(servers.splice(0), volume, base));

volumeTest(
  'small files onto a disk that fills up: DISK_FULL, only exact files under final names, and the same command completes once space is freed',
  async () => {
    base = await makeTempDir('cli-disk-full');
    const share = join(base, 'share');
    const files = new Map<string, FileFacts>();
    // Whole seconds: exFAT keeps modification times to 10 ms.
    let seconds = 1_700_000_000;
    for (let i = 0; i < FILES; i++) {
      const wire = `folder ${i % 3}/photo ${String(i).padStart(3, '0')}.jpg`;
      files.set(wire, await writeRandomFile(join(share, ...wire.split('/')), FILE_BYTES, (seconds += 61)));
    }
    const mounted = await mountFatVolume(base, 24);
    if ('refused' in mounted) refused = mounted.refused;
    else volume = mounted.volume;
    assert.ok(volume, `the machine refused the volume: ${refused}`);
    // Fill the volume until about ROOM_BYTES are left.
    const fs = await statfs(volume.dir);
    const filler = join(volume.dir, 'filler.bin');
    await writeFile(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - ROOM_BYTES)));
    const dest = join(volume.dir, 'from server');

    const server = await startCliServer(share, { cwd: base, dataDir: await makeSubDir(base, 'server-data') });
    servers.push(server);
    const args = ['get', `127.0.0.1:${server.ready.mainPort}`, '--all', '--out', dest, '--data-dir', await makeSubDir(base, 'client-data')];

    const full = await runCli([...args, '--fingerprint', server.ready.fingerprint], { cwd: base, timeoutMs: 120_000 });
    assert.is(full.code, 1, full.stdout + full.stderr);
    assert.match(full.stderr, /the disk is full; free some space first, then run the same command again to resume \[DISK_FULL\]/);
    const complete = await assertFinalFilesExact(dest, files, 'after the disk filled up');
    assert.ok(complete > 0 && complete < FILES, `the disk filled up part of the way (${complete} of ${FILES} files complete)`);
    assert.equal(await partFilesIn(dest), [], 'no .part of a failed write is left');
    // The server is still serving: the full disk was the client's alone.
    assert.not.ok(server.process.hasExited, 'the server still runs');

    await rm(filler);
    const again = await runCli(args, { cwd: base, timeoutMs: 120_000 });
    assert.is(again.code, 0, again.stdout + again.stderr);
    await assertTreeMatches(dest, files);
  },
);

test.run();
