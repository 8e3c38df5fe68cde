// A real file system that refuses the names Windows refuses, for end-to-end proof of
// "saved as" on Linux: an exFAT volume made in an image file, attached to a loop device
// and mounted through FUSE (exfat-fuse), the way a USB stick formatted on Windows or a
// camera's card is. exFAT refuses `< > : " | ? *` and takes `A.txt` and `a.txt` for one
// file, so the client's probe finds a Windows-like destination with no help from the
// test. Needs exfatprogs (mkfs.exfat), exfat-fuse (mount.exfat-fuse), util-linux
// (losetup, umount), /dev/fuse and root (a loop device).
//
// A missing tool is the machine's to fix (.ci/run installs them), so under CI=true it is a
// failure; a machine that refuses the mount itself (no root, no loop device or FUSE in a
// container) cannot be fixed by installing anything, so that is a skip everywhere, with
// the reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { removeDir } from './temp-dir';
import { conditionNeed, type Need } from './tools';
import { runTool } from './web-client';

export interface FatVolume {
  /** The mounted volume's root folder. */
  readonly dir: string;
  /** Unmounts and detaches the loop device; safe to call twice. */
  close(): Promise<void>;
}

/** The tools, each with the Debian package that has it. */
const TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['mkfs.exfat', 'exfatprogs'],
  ['mount.exfat-fuse', 'exfat-fuse'],
  ['losetup', 'util-linux'],
  ['umount', 'util-linux'],
];

/** Where a tool is: the PATH, then the system folders a non-login shell may leave out. */
function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Which tools are missing, with their packages, or undefined when all are here. */
function missingFatTools(): string | undefined {
  const missing = TOOLS.filter(([tool]) => findTool(tool) === undefined);
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  return `${missing.map(([tool]) => tool).join(', ')} not installed (apt-get install ${packages.join(' ')})`;
}

async function run(tool: string, args: string[], timeoutMs = 30_000): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await runTool(findTool(tool) ?? tool, args, timeoutMs);
  return { ok: r.code === 0, out: r.stdout.toString('utf8').trim(), err: r.stderr.trim() };
}

async function isMounted(dir: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  // /proc/self/mounts writes a space in a path as \040; these paths have none.
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir);
}

/**
 * Makes and mounts an exFAT volume of `sizeMiB` in `base` (image and mount point inside
 * it). Resolves to the volume, or to the reason this machine does not allow one. The
 * caller closes the volume in a `finally`.
 */
export async function mountFatVolume(base: string, sizeMiB = 256): Promise<{ volume: FatVolume } | { refused: string }> {
  const missing = missingFatTools();
  if (missing) throw new Error(`mountFatVolume needs its tools: ${missing}`);
  if (process.getuid?.() !== 0) return { refused: 'attaching a loop device needs root' };
  if (!existsSync('/dev/fuse')) return { refused: 'this machine has no /dev/fuse' };
  const image = join(base, 'exfat.img');
  const dir = join(base, 'volume');
  await mkdir(dir, { recursive: true });
  const handle = await open(image, 'w');
  try {
    await handle.truncate(sizeMiB * 1024 * 1024);
  } finally {
    await handle.close();
  }
  const made = await run('mkfs.exfat', ['-L', 'PSSTEST', image]);
  if (!made.ok) throw new Error(`mkfs.exfat failed: ${made.err || made.out}`);
  const attached = await run('losetup', ['--find', '--show', image]);
  if (!attached.ok || !attached.out.startsWith('/dev/')) return { refused: `the machine refused a loop device: ${attached.err || attached.out}` };
  const device = attached.out;
  const mounted = await run('mount.exfat-fuse', [device, dir]);
  if (!mounted.ok || !(await isMounted(dir))) {
    await run('losetup', ['--detach', device]);
    return { refused: `the machine refused the FUSE mount: ${mounted.err || mounted.out}` };
  }
  let closed = false;
  return {
    volume: {
      dir,
      async close() {
        if (closed) return;
        closed = true;
        // A lazy unmount as the fallback: a file a test left open must not keep the volume.
        const unmounted = (await run('umount', [dir], 20_000)).ok || (await run('umount', ['--lazy', dir], 20_000)).ok;
        const detached = await run('losetup', ['--detach', device], 20_000);
        if (!unmounted || (await isMounted(dir))) throw new Error(`could not unmount ${dir}`);
        if (!detached.ok) throw new Error(`could not detach ${device}: ${detached.err}`);
      },
    },
  };
}

/**
 * What a test that saves onto a volume needs, decided at load for testIf (./tools): the
 * tools (.ci/run installs them, so under CI=true their absence fails), then what no install
 * fixes (root, /dev/fuse, a free loop device), which skips everywhere. A mount refused even
 * so is a failure of the test, with the machine's reason.
 */
export function fatVolumeNeeds(): Need[] {
  const missing = missingFatTools();
  return [
    conditionNeed(missing === undefined ? undefined : `no FAT volume to save into: ${missing}`, true),
    conditionNeed(missing === undefined ? mountRefusal() : undefined),
  ];
}

function mountRefusal(): string | undefined {
  const why = (reason: string) => `no FAT volume to save into: ${reason}`;
  if (process.getuid?.() !== 0) return why('attaching a loop device needs root');
  if (!existsSync('/dev/fuse')) return why('this machine has no /dev/fuse');
  const free = spawnSync(findTool('losetup')!, ['--find'], { encoding: 'utf8', timeout: 10_000 });
  if (free.status !== 0) return why(`the machine has no free loop device: ${(free.stderr ?? '').trim()}`);
  return undefined;
}

/**
 * A volume test's clean-up: stops the processes it started (SIGKILL, by pid), then
 * unmounts the volume, then removes the test's folder, each even when the one before failed.
 */
export async function tearDownVolumeTest(
  processes: ReadonlyArray<{ stop(signal?: NodeJS.Signals): Promise<unknown> }>,
  volume: FatVolume | undefined,
  base: string,
): Promise<void> {
  try {
    for (const p of processes) await p.stop('SIGKILL').catch(() => undefined);
  } finally {
    try {
      await volume?.close();
    } finally {
      await removeDir(base);
    }
  }
}
