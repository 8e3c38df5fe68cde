// The portable release (scripts/package.mjs): the linux_x64 and win_x64 packages are built
// as a user builds them; the Linux folder is copied to a fresh place and run there with an
// empty home, empty XDG folders and a PATH without node: `pss --version`, a transfer of a
// tree with unusual names between two copies of `pss` (byte-exact), and the desktop bridge
// (`pss --neutralino`) against a fake Neutralino. Nothing may be written outside the folder
// and the temporary folder. The Windows `pss.exe` must be a PE executable carrying the
// bundle; when wine is installed it also runs there, and serves the Linux build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, relative } from 'node:path';
import yauzl from 'yauzl';
import { IpcEvent } from '../../extensions/netcore/src/ipc';
import { BridgeHarness } from '../support/bridge-harness';
import { CliProcess, startCliServer, type CliResult } from '../support/cli-runner';
import { REPO_ROOT as REPO_ROOT_DIR } from '../support/neutralino-host';
import { makeTempDir, removeDir } from '../support/temp-dir';
import { conditionNeed, testIf } from '../support/tools';
import { waitUntil, within } from '../support/wait';

const PKG = JSON.parse(readFileSync(join(REPO_ROOT_DIR, 'package.json'), 'utf8')) as { name: string; version: string };
const NAME = (target: string) => `${PKG.name}-${PKG.version}-${target}`;
const LINUX_APP = existsSync(join(REPO_ROOT_DIR, 'bin', 'neutralino-linux_x64'));
const WIN_APP = existsSync(join(REPO_ROOT_DIR, 'bin', 'neutralino-win_x64.exe'));

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** Every path under `dir` with its size and mtime, for a before/after comparison. */
function snapshot(dir: string, skip: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (skip.some((s) => full === s || full.startsWith(`${s}/`))) continue;
      const st = statSync(full);
      out.set(relative(dir, full), st.isDirectory() ? 'dir' : `${st.size}:${st.mtimeMs}`);
      if (st.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

function walkAll(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return lstatSync(full).isDirectory() ? [full, ...walkAll(full)] : [full];
  });
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(before.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out.sort();
}

/** Files with names that trip up naive code, safe on every OS (the name rules are tested elsewhere). */
const TREE: [string, Buffer][] = [
  ['گزارش سالانه ۱۴۰۳.txt', Buffer.from('سلام دنیا\n')],
  ['a b & c (1) [2] {3}.txt', Buffer.from('spaces and brackets\n')],
  ["100% #hash, it's.txt", Buffer.from('percent, hash, apostrophe\n')],
  ['-starts-with-dash.txt', Buffer.from('dash\n')],
  ['emoji 🎉 file.bin', Buffer.from([0, 1, 2, 3, 255])],
  ['café-nfd-cafe\u0301.txt', Buffer.from('combining accent\n')],
  ['empty.txt', Buffer.alloc(0)],
  [`${'long-'.repeat(40)}name.txt`, Buffer.from('a 205-byte name\n')],
  ['nested dir/deeper/still deeper/файл.txt', Buffer.from('cyrillic, deep\n')],
  // Over 8 MiB: written by the worker thread, which must start inside the executable.
  ['big/9 MiB + 3.bin', Buffer.alloc(9 * 2 ** 20 + 3, 7).fill(42, 2 ** 20, 2 ** 21)],
];

let base = '';
let release = '';
let buildOutput = '';

test.before(async () => {
  base = await makeTempDir('release');
  release = join(base, 'release');
  const result = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT_DIR, 'scripts', 'package.mjs'), '--target', 'linux_x64', '--target', 'win_x64', '--out', release], {
      cwd: REPO_ROOT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  buildOutput = result.stdout + result.stderr;
  if (result.code !== 0) throw new Error(`npm run package failed (${result.code}):\n${buildOutput}`);
});

test.after(async () => {
  await removeDir(base);
});

test('the package command builds a folder and archives per target and says plainly when the desktop app is left out', () => {
  for (const [target, hasApp, exe] of [
    ['linux_x64', LINUX_APP, ''],
    ['win_x64', WIN_APP, '.exe'],
  ] as const) {
    const folder = join(release, NAME(target));
    assert.ok(statSync(join(folder, 'data')).isDirectory(), `${target}: data/ makes the app portable`);
    assert.ok(statSync(join(folder, `pss${exe}`)).size > 10 * 2 ** 20, `${target}: pss${exe}`);
    assert.is(existsSync(join(folder, `${PKG.name}${exe}`)), hasApp, `${target}: the desktop app is there exactly when bin/ has its binary`);
    assert.is(existsSync(join(folder, 'resources.neu')), hasApp);
    if (!hasApp) assert.match(buildOutput, new RegExp(`${target}: bin/\\S+ is missing, so this package has no desktop app \\(command line only\\)`));
    const readme = readFileSync(join(folder, 'README.txt'), 'utf8');
    assert.match(readme, /WHERE YOUR DATA LIVES/);
    assert.match(readme, /بررسی اثر انگشت/);
    assert.match(readme, new RegExp(`pss${exe.replace('.', '\\.')} serve`));
    assert.match(readFileSync(join(folder, 'LICENSES.txt'), 'utf8'), /Node\.js 20\.\d+\.\d+ \(the runtime inside pss\)/);
    assert.ok(statSync(`${folder}.zip`).size > 10 * 2 ** 20, `${target}: the zip`);
    assert.is(existsSync(`${folder}.tar.gz`), target === 'linux_x64', `${target}: a .tar.gz only for Linux and macOS`);
    assert.ok(statSync(`${folder}.zip`).size <= 45 * 10 ** 6, `${target}: the zip is at most 45 MB`);
    // FAT32 and exFAT sticks: no links, no names those file systems refuse, short paths.
    for (const path of walkAll(folder)) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      assert.not.ok(lstatSync(path).isSymbolicLink(), `${path} is a link`);
      assert.not.match(name, /[<>:"|?*\x00-\x1f]|[. ]$/, `${target}: ${name} cannot be stored on FAT32`);
      assert.ok(relative(folder, path).length < 100, `${target}: ${path} is a short path`);
    }
  }
  const manifest = JSON.parse(readFileSync(join(release, 'release.json'), 'utf8')) as {
    targets: { target: string; archives: { file: string; bytes: number }[] }[];
  };
  assert.equal(
    manifest.targets.map((t) => t.target),
    ['linux_x64', 'win_x64'],
  );
});

test('the zip holds the folder itself, with the Unix permissions that let pss run after unzipping', async () => {
  const entries = await zipEntries(join(release, `${NAME('linux_x64')}.zip`));
  const top = NAME('linux_x64');
  assert.ok(
    [...entries.keys()].every((name) => name === `${top}/` || name.startsWith(`${top}/`)),
    'one top folder',
  );
  assert.is(entries.get(`${top}/pss`), 0o100755);
  assert.is(entries.get(`${top}/README.txt`), 0o100644);
  assert.is(entries.get(`${top}/data/`), 0o40755);
  assert.is(entries.has(`${top}/${PKG.name}`), LINUX_APP);
});

test('unknown targets and options are refused with a usage message', () => {
  const run = spawnSync(process.execPath, [join(REPO_ROOT_DIR, 'scripts', 'package.mjs'), '--target', 'amiga_m68k'], { encoding: 'utf8' });
  assert.is(run.status, 2);
  assert.match(run.stderr, /unknown target amiga_m68k/);
  assert.match(run.stderr, /linux_x64, linux_arm64, win_x64, mac_x64, mac_arm64/);
});

test('the Linux folder runs with nothing installed: version, a transfer of unusual names, the desktop bridge; it writes only inside itself', async () => {
  const stick = join(base, 'stick');
  const folder = join(stick, NAME('linux_x64'));
  const home = join(base, 'home');
  const xdg = ['config', 'data', 'cache', 'state'].map((k) => join(base, 'xdg', k));
  const noNode = join(base, 'no-node-on-path');
  const tmp = join(base, 'tmp');
  const cwd = join(base, 'cwd');
  const share = join(base, 'share');
  const dest = join(base, 'dest');
  await Promise.all([home, ...xdg, noNode, tmp, cwd, share, dest].map((d) => mkdir(d, { recursive: true })));
  await cp(join(release, NAME('linux_x64')), folder, { recursive: true });
  for (const [name, bytes] of TREE) {
    await mkdir(join(share, name, '..'), { recursive: true });
    await writeFile(join(share, name), bytes);
  }
  const env = {
    HOME: home,
    PATH: noNode,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: xdg[0]!,
    XDG_DATA_HOME: xdg[1]!,
    XDG_CACHE_HOME: xdg[2]!,
    XDG_STATE_HOME: xdg[3]!,
    LANG: 'C.UTF-8',
  };
  assert.is(spawnSync('node', ['--version'], { env }).error?.message.includes('ENOENT'), true, 'no node on this PATH');
  const pss = join(folder, 'pss');
  const untouched = snapshot(base, [folder, tmp, dest, release]);

  const version = spawnSync(pss, ['--version'], { cwd, env, encoding: 'utf8' });
  assert.is(version.status, 0, version.stderr);
  assert.is(version.stdout, `pss ${PKG.version}\n`);
  assert.is(version.stderr, '', 'nothing on stderr (no experimental or module warnings)');

  const server = await startCliServer(share, { cwd, env, executable: pss, dataDir: undefined });
  try {
    const get = new CliProcess(['get', `127.0.0.1:${server.ready.mainPort}`, '--all', '--fingerprint', server.ready.fingerprint, '--out', dest, '--json'], {
      cwd,
      env,
      executable: pss,
    });
    const result = await within(get.exited, 60_000, 'pss get to finish');
    assert.is(result.code, 0, `pss get: ${result.stderr}`);
  } finally {
    const stopped = await server.stop('SIGTERM');
    assert.is(stopped.code, 0, `pss serve exits 0 on SIGTERM: ${stopped.stderr}`);
  }
  for (const [name, bytes] of TREE) assert.ok((await readFile(join(dest, name))).equals(bytes), `${name} arrived byte-exact`);
  // Portable mode: the certificate, the pin and the logs are in the folder's data/.
  for (const f of ['server.crt', 'server.key', 'known-servers.json', 'logs/server.log']) assert.ok(existsSync(join(folder, 'data', f)), `data/${f}`);

  const h = await BridgeHarness.start({ dataDir: join(folder, 'data'), executable: { path: pss, env, cwd } });
  try {
    await h.waitConnected();
    const since = h.broadcasts.length;
    h.sendEvent(IpcEvent.request, { kind: 'request', id: 7, command: 'server.status', payload: {} });
    const answer = await h.waitForBroadcast((b) => b.event === IpcEvent.response && (b.data as { id: number }).id === 7, 'the answer to server.status', since);
    assert.is((answer.data as { ok: boolean }).ok, true);
    assert.ok(
      h.logLines().some((l) => l.message === 'connected to Neutralino'),
      'the bridge logs into the folder',
    );
    h.socket!.close();
    await h.waitNetcoreExit(10_000);
    assert.ok(h.logLines().some((l) => l.message === 'netcore stopped'));
  } finally {
    await h.close();
  }

  assert.equal(changes(untouched, snapshot(base, [folder, tmp, dest, release])), [], 'nothing written outside the folder and the temporary folder');
});

test('the Windows pss.exe is a PE executable carrying the bundle', () => {
  const exe = readFileSync(join(release, NAME('win_x64'), 'pss.exe'));
  assert.is(exe.toString('latin1', 0, 2), 'MZ');
  const pe = exe.readUInt32LE(0x3c);
  assert.is(exe.toString('latin1', pe, pe + 4), 'PE\0\0');
  assert.is(exe.readUInt16LE(pe + 4), 0x8664, 'x86-64');
  // The SEA fuse is flipped, and the blob holds the bundle.
  assert.ok(exe.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1'), 'the SEA fuse is set');
  assert.ok(exe.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le')), 'the NODE_SEA_BLOB resource');
  const bundle = readFileSync(join(REPO_ROOT_DIR, 'extensions', 'netcore', 'dist', 'netcore.cjs'));
  assert.ok(exe.includes(bundle.subarray(0, 4096)), 'the bundle is inside');
  // node.exe's publisher signature, broken by the injection, is gone rather than left invalid.
  const optional = pe + 24;
  const security = optional + (exe.readUInt16LE(optional) === 0x20b ? 112 : 96) + 4 * 8;
  assert.is(exe.readUInt32LE(security) + exe.readUInt32LE(security + 4), 0, 'no certificate table');
});

const wineTest = testIf(
  test,
  conditionNeed(onPath('wine') ? undefined : 'the Windows build under wine: wine is not installed (apt-get install wine wine64)', true),
);

wineTest('the Windows build runs under wine and serves the Linux build byte-exact', async () => {
  const winFolder = join(base, 'win', NAME('win_x64'));
  const share = join(base, 'win-share');
  const dest = join(base, 'win-dest');
  const cwd = join(base, 'win-cwd');
  await Promise.all([share, dest, cwd].map((d) => mkdir(d, { recursive: true })));
  await cp(join(release, NAME('win_x64')), winFolder, { recursive: true });
  const files: [string, Buffer][] = [
    ['hello.txt', Buffer.from('from Windows\r\n')],
    ['گزارش.txt', Buffer.from('سلام\n')],
    ['sub/2 MiB.bin', Buffer.alloc(2 * 2 ** 20 + 1, 9)],
  ];
  for (const [name, bytes] of files) {
    await mkdir(join(share, name, '..'), { recursive: true });
    await writeFile(join(share, name), bytes);
  }
  const wineEnv = { ...process.env, WINEPREFIX: join(base, 'wineprefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  // Node refuses Windows versions before 8.1, and a new wine prefix says Windows 7.
  const reg = spawnSync('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
    env: wineEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.is(reg.status, 0, `setting up the wine prefix: ${reg.stderr}`);
  const help = await underWine([join(winFolder, 'pss.exe'), '--help'], wineEnv, cwd, base);
  assert.is(await within(help.exited, 60_000, 'wine pss.exe --help'), 0, `wine pss.exe --help: ${help.output()}`);
  assert.match(help.output(), /pss serve <path>/);

  const wineServer = await underWine([join(winFolder, 'pss.exe'), 'serve', share, '--json', '--port', '0', '--bind', '127.0.0.1'], wineEnv, cwd, base);
  try {
    await waitUntil(() => wineServer.output().includes('\n') || wineServer.done, 'the Windows server to be ready', { timeoutMs: 60_000, intervalMs: 100 });
    const ready = JSON.parse(wineServer.output().split('\n')[0]!) as { mainPort: number; fingerprint: string };
    const linuxPss = join(release, NAME('linux_x64'), 'pss');
    const get = new CliProcess(
      ['get', `127.0.0.1:${ready.mainPort}`, '--all', '--fingerprint', ready.fingerprint, '--out', dest, '--data-dir', join(base, 'win-client-data')],
      { cwd, env: { PATH: process.env.PATH ?? '' }, executable: linuxPss },
    );
    const result = await within(get.exited, 60_000, 'the Linux client to finish');
    assert.is(result.code, 0, result.stderr);
  } finally {
    wineServer.stop();
    await within(wineServer.exited, 20_000, 'the Windows server to stop').catch(() => undefined);
  }
  for (const [name, bytes] of files) assert.ok((await readFile(join(dest, name))).equals(bytes), `${name} arrived byte-exact from the Windows build`);
  assert.ok(existsSync(join(winFolder, 'data', 'server.crt')), 'the Windows build keeps its certificate in its data folder');
  // Nothing in the Windows profile (%APPDATA%, %LOCALAPPDATA%) of the wine prefix.
  const users = join(base, 'wineprefix', 'drive_c', 'users');
  const profileDirs = readdirSync(users)
    .flatMap((u) => ['Roaming', 'Local'].map((k) => join(users, u, 'AppData', k)))
    .filter((d) => existsSync(d));
  assert.ok(profileDirs.length > 0, 'the wine prefix has a Windows profile');
  for (const d of profileDirs)
    assert.not.ok(
      readdirSync(d).some((n) => /pro-secure-suite|pss/i.test(n)),
      `nothing of pss.exe in ${d}`,
    );
});

/** Each entry of a zip with its Unix mode (from the external attributes). */
function zipEntries(file: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, number>();
      zip.on('entry', (entry: yauzl.Entry) => {
        out.set(entry.fileName, entry.externalFileAttributes >>> 16);
        zip.readEntry();
      });
      zip.once('end', () => resolve(out));
      zip.once('error', reject);
      zip.readEntry();
    });
  });
}

interface WineRun {
  exited: Promise<number | null>;
  done: boolean;
  /** What the program printed so far (standard output and error). */
  output(): string;
  stop(): void;
}

/**
 * Runs a Windows program under wine. Its output goes to a file: Node for Windows cannot
 * open a pipe that wine hands over as standard output (EBADF), but writes files fine.
 */
async function underWine(args: string[], env: NodeJS.ProcessEnv, cwd: string, dir: string): Promise<WineRun> {
  const file = join(dir, `wine-${Date.now()}-${Math.random().toString(36).slice(2)}.out`);
  const fd = openSync(file, 'w');
  const child = spawn('wine', args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const run: WineRun = {
    done: false,
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        run.done = true;
        resolve(code);
      }),
    ),
    output: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
    // wine runs the program in a process of its own (wineserver keeps the prefix): ending
    // the wine process we started ends the program.
    stop: () => {
      if (!run.done) child.kill('SIGTERM');
    },
  };
  return run;
}

test.run();
