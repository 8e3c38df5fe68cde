// The real desktop app, when bin/ has the Neutralino binary for this machine (it comes from
// `npx neu update`; CI has none) and Xvfb is installed: the app starts netcore, netcore
// connects, the window draws, and closing the window (WM_DELETE_WINDOW, as a window
// manager's close button sends it) makes netcore stop by itself. Run twice: from the
// checkout (netcore through node) and as the portable release builds it (netcore is the
// `pss` single executable, the folder's data/ holds everything, no node on PATH, an empty
// home). The screens are saved to test-artifacts/desktop-smoke*.png.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { delimiter, join, relative } from 'node:path';
import { isAlive } from '../support/bridge-harness';
import { ARTIFACTS_DIR } from '../support/browser';
import { CLI_BUNDLE } from '../support/cli-runner';
import { REPO_ROOT } from '../support/neutralino-host';
import { makeTempDir, removeDir } from '../support/temp-dir';
import { conditionNeed, testIf } from '../support/tools';
import { waitUntil, within } from '../support/wait';
import { closeWindowsTitled } from '../support/x11-close';
import { describe, readXwd, toPng } from '../support/xwd-image';

const ARCH: Partial<Record<string, string>> = { x64: 'x64', arm64: 'arm64', arm: 'armhf' };
const BINARY = join(REPO_ROOT, 'bin', `neutralino-linux_${ARCH[process.arch] ?? process.arch}`);
const UI_BUILT = existsSync(join(REPO_ROOT, 'resources', 'ui', 'dist', 'app.js'));
const WINDOW_TITLE = (JSON.parse(readFileSync(join(REPO_ROOT, 'neutralino.config.json'), 'utf8')) as { modes: { window: { title: string } } }).modes.window
  .title;

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** The binary comes from `npx neu update` and .ci/run does not fetch it; Xvfb it installs. */
const smokeTest = testIf(
  test,
  conditionNeed(process.platform === 'linux' ? undefined : 'desktop smoke test: the smoke test runs the Linux binary under Xvfb'),
  conditionNeed(
    existsSync(BINARY)
      ? undefined
      : `desktop smoke test: ${BINARY.slice(REPO_ROOT.length + 1)} is missing (run \`npx neu update\` on a machine with internet access)`,
  ),
  conditionNeed(onPath('Xvfb') ? undefined : 'desktop smoke test: Xvfb is not installed (apt-get install xvfb)', true),
  conditionNeed(existsSync(CLI_BUNDLE) ? undefined : 'desktop smoke test: the netcore bundle is not built (npm run build)'),
);

interface Bridged {
  message: string;
  [key: string]: unknown;
}

function logLines(dataDir: string): Bridged[] {
  try {
    return readFileSync(join(dataDir, 'logs', 'bridge.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Bridged);
  } catch {
    return [];
  }
}

/** The HTTP status the app's own server at 127.0.0.1:`port` answers `/` with. */
function answerFrom(port: number): Promise<number> {
  return within(
    new Promise<number>((resolve, reject) => {
      const req = httpGet({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', reject);
    }),
    10_000,
    `the app's server on port ${port} to answer`,
  );
}

function endByPid(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return within(exited, 5_000, `pid ${child.pid} to exit`).catch(() => {
    child.kill('SIGKILL');
    return within(exited, 5_000, `pid ${child.pid} to exit after SIGKILL`);
  });
}

interface AppRun {
  /** The app's binary and its arguments. */
  binary: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The data folder netcore uses (its bridge log is read from there). */
  dataDir: string;
  screenshot: string;
  /** The command netcore must run as (the extension's process, from /proc). */
  netcoreCommand?: RegExp;
}

/** Starts Xvfb and the app, checks netcore and the window, closes the window and checks that everything ends. */
async function runApp(base: string, run: AppRun): Promise<void> {
  const fbDir = join(base, 'fb');
  await mkdir(fbDir, { recursive: true });
  let xvfb: ChildProcess | undefined;
  let neutralino: ChildProcess | undefined;
  let output = '';
  let netcorePid = 0;
  try {
    xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-ac', '-fbdir', fbDir], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    xvfb.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
    const display = await within(
      new Promise<number>((resolve, reject) => {
        let text = '';
        (xvfb!.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
        (xvfb!.stdio[3] as NodeJS.ReadableStream).on('data', (s: string) => {
          text += s;
          if (text.includes('\n')) resolve(Number(text.trim()));
        });
        xvfb!.once('exit', () => reject(new Error(`Xvfb exited: ${output}`)));
      }),
      15_000,
      'Xvfb to start',
    );

    neutralino = spawn(run.binary, run.args, { cwd: run.cwd, env: { ...run.env, DISPLAY: `:${display}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    neutralino.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
    neutralino.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
    const diagnostics = () =>
      `\n--- app output ---\n${output}\n--- bridge log ---\n${logLines(run.dataDir)
        .map((l) => JSON.stringify(l))
        .join('\n')}`;

    await waitUntil(() => logLines(run.dataDir).some((l) => l.message === 'connected to Neutralino'), `netcore to connect${diagnostics()}`, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const connected = logLines(run.dataDir).find((l) => l.message === 'connected to Neutralino')!;
    netcorePid = connected.pid as number;
    assert.is(connected.extensionId, 'app.prosecuresuite.netcore');
    assert.ok((connected.watching as number[]).includes(neutralino.pid!), `netcore watches the app: ${JSON.stringify(connected)}`);
    if (run.netcoreCommand) {
      const command = readFileSync(`/proc/${netcorePid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      assert.match(command, run.netcoreCommand, `netcore runs as ${command}`);
    }
    if (UI_BUILT) {
      await waitUntil(() => logLines(run.dataDir).some((l) => l.message === 'a page connected'), `the UI page to connect${diagnostics()}`, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    }

    // The window has drawn once most of the screen is no longer Xvfb's black.
    let shot = { drawnFraction: 0, colours: 0 };
    await waitUntil(
      async () => {
        shot = describe(readXwd(await readFile(join(fbDir, 'Xvfb_screen0'))));
        return shot.drawnFraction > 0.3 && (!UI_BUILT || shot.colours >= 3);
      },
      `the window to draw (last: ${JSON.stringify(shot)})`,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await writeFile(join(ARTIFACTS_DIR, run.screenshot), toPng(readXwd(await readFile(join(fbDir, 'Xvfb_screen0')))));

    assert.ok((await closeWindowsTitled(display, WINDOW_TITLE)) >= 1, `no window titled ${WINDOW_TITLE}`);
    await waitUntil(() => !isAlive(netcorePid), `netcore (pid ${netcorePid}) to exit after the window closed${diagnostics()}`, {
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    const stopping = logLines(run.dataDir).find((l) => l.message === 'netcore is stopping');
    assert.is(stopping?.reason, 'the window was closed');
    assert.ok(logLines(run.dataDir).some((l) => l.message === 'netcore stopped' && l.status === 0));
    if (UI_BUILT) {
      await waitUntil(() => neutralino!.exitCode !== null || neutralino!.signalCode !== null, `the app to exit after its window closed${diagnostics()}`, {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
    } else {
      // exitProcessOnClose is false: closing the window alone does not end the app. netcore
      // stopped because the app passed windowClose on, so the app had handled the close by
      // then; its own server answering after that shows it still runs.
      const status = await answerFrom(connected.port as number);
      assert.ok(status > 0, 'the app answers after windowClose');
      assert.is(neutralino.exitCode, null, 'the app kept running after windowClose');
    }
  } finally {
    await endByPid(neutralino);
    if (netcorePid && isAlive(netcorePid)) process.kill(netcorePid, 'SIGKILL');
    await endByPid(xvfb);
  }
}

/** Every path under `dir`, for a before/after comparison. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      out.push(relative(dir, full));
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * What WebKitGTK and Mesa, the system libraries that draw the window, keep under the XDG
 * folders by themselves (Neutralino has no setting for it): the web engine's cache and
 * HSTS store, the GL shader cache, and dconf's runtime folder.
 */
const WEB_ENGINE_FILES = /^(cache|data)\/pro-secure-suite(\/|$)|^cache\/mesa_shader_cache(_db)?(\/|$)|^runtime\/dconf(\/|$)/;

smokeTest('the real app: netcore connects, the window draws, closing it ends netcore', async () => {
  const base = await makeTempDir('desktop-smoke');
  // The app folder as in development: config, resources/ and extensions/ beside the binary.
  const app = join(base, 'app');
  const dataDir = join(base, 'data');
  await Promise.all([mkdir(app), mkdir(dataDir)]);
  await copyFile(join(REPO_ROOT, 'neutralino.config.json'), join(app, 'neutralino.config.json'));
  await symlink(join(REPO_ROOT, 'resources'), join(app, 'resources'));
  await symlink(join(REPO_ROOT, 'extensions'), join(app, 'extensions'));
  try {
    await runApp(base, {
      binary: BINARY,
      args: ['--load-dir-res', `--path=${app}`],
      cwd: app,
      env: { ...process.env, PSS_DATA_DIR: dataDir },
      dataDir,
      screenshot: 'desktop-smoke.png',
    });
  } finally {
    await removeDir(base);
  }
});

smokeTest('the packaged app: runs from its folder with nothing installed, netcore is pss, data stays in the folder', async () => {
  const base = await makeTempDir('desktop-smoke-release');
  try {
    const build = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'scripts', 'package.mjs'), '--target', 'linux_x64', '--no-archive', '--out', join(base, 'release')],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    assert.is(build.status, 0, `npm run package: ${build.stdout}${build.stderr}`);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    const folder = join(base, 'stick', `${pkg.name}-${pkg.version}-linux_x64`);
    await cp(join(base, 'release', `${pkg.name}-${pkg.version}-linux_x64`), folder, { recursive: true });
    const outside = join(base, 'outside');
    const dirs = {
      home: join(outside, 'home'),
      config: join(outside, 'config'),
      data: join(outside, 'data'),
      cache: join(outside, 'cache'),
      state: join(outside, 'state'),
      runtime: join(outside, 'runtime'),
      path: join(outside, 'path'),
    };
    await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true, mode: 0o700 })));
    await runApp(base, {
      binary: join(folder, pkg.name),
      args: [],
      cwd: dirs.home,
      env: {
        HOME: dirs.home,
        PATH: dirs.path,
        XDG_CONFIG_HOME: dirs.config,
        XDG_DATA_HOME: dirs.data,
        XDG_CACHE_HOME: dirs.cache,
        XDG_STATE_HOME: dirs.state,
        XDG_RUNTIME_DIR: dirs.runtime,
        TMPDIR: join(base, 'fb'),
        LANG: 'C.UTF-8',
      },
      dataDir: join(folder, 'data'),
      screenshot: 'desktop-smoke-release.png',
      netcoreCommand: new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/pss --neutralino$`),
    });
    assert.ok(existsSync(join(folder, 'data', 'logs', 'bridge.log')), 'netcore logs into the folder');
    const written = listTree(outside).filter((p) => !Object.keys(dirs).includes(p));
    const ours = written.filter((p) => !WEB_ENGINE_FILES.test(p));
    assert.equal(ours, [], 'nothing of the app is written outside its folder');
  } finally {
    await removeDir(base);
  }
});

test.run();
