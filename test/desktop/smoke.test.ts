// The real desktop app, when bin/ has the Neutralino binary for this machine (it comes from
// `npx neu update`; CI has none) and Xvfb is installed: the app starts netcore, netcore
// connects, the window draws, and closing the window (WM_DELETE_WINDOW, as a window
// manager's close button sends it) makes netcore stop by itself. The screen is saved to
// test-artifacts/desktop-smoke.png.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { isAlive } from '../support/bridge-harness';
import { ARTIFACTS_DIR } from '../support/browser';
import { CLI_BUNDLE } from '../support/cli-runner';
import { REPO_ROOT } from '../support/neutralino-host';
import { makeTempDir, removeDir } from '../support/temp-dir';
import { delay, waitUntil, within } from '../support/wait';
import { closeWindowsTitled } from '../support/x11-close';
import { describe, readXwd, toPng } from '../support/xwd-image';

const ARCH: Partial<Record<string, string>> = { x64: 'x64', arm64: 'arm64', arm: 'armhf' };
const BINARY = join(REPO_ROOT, 'bin', `neutralino-linux_${ARCH[process.arch] ?? process.arch}`);
const UI_BUILT = existsSync(join(REPO_ROOT, 'resources', 'ui', 'dist', 'app.js'));
const WINDOW_TITLE = (JSON.parse(readFileSync(join(REPO_ROOT, 'neutralino.config.json'), 'utf8')) as { modes: { window: { title: string } } }).modes.window.title;

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'the smoke test runs the Linux binary under Xvfb';
  if (!existsSync(BINARY)) return `${BINARY.slice(REPO_ROOT.length + 1)} is missing (run \`npx neu update\` on a machine with internet access)`;
  if (!onPath('Xvfb')) return 'Xvfb is not installed (apt-get install xvfb)';
  if (!existsSync(CLI_BUNDLE)) return 'the netcore bundle is not built (npm run build)';
  return undefined;
}

interface Bridged {
  message: string;
  [key: string]: unknown;
}

function logLines(dataDir: string): Bridged[] {
  try {
    return readFileSync(join(dataDir, 'logs', 'bridge.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Bridged);
  } catch {
    return [];
  }
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

const reason = skipReason();
if (reason !== undefined) {
  test('desktop smoke test', () => {
    process.stdout.write(`\n  skipped: desktop smoke test: ${reason}\n`);
  });
} else {
  test('the real app: netcore connects, the window draws, closing it ends netcore', async () => {
    const base = await makeTempDir('desktop-smoke');
    // The app folder as a release lays it out: config, resources/ and extensions/ beside the binary.
    const app = join(base, 'app');
    const dataDir = join(base, 'data');
    const fbDir = join(base, 'fb');
    await Promise.all([mkdir(app), mkdir(dataDir), mkdir(fbDir)]);
    await copyFile(join(REPO_ROOT, 'neutralino.config.json'), join(app, 'neutralino.config.json'));
    await symlink(join(REPO_ROOT, 'resources'), join(app, 'resources'));
    await symlink(join(REPO_ROOT, 'extensions'), join(app, 'extensions'));

    let xvfb: ChildProcess | undefined;
    let neutralino: ChildProcess | undefined;
    let output = '';
    let netcorePid = 0;
    try {
      xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-ac', '-fbdir', fbDir], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
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

      neutralino = spawn(BINARY, ['--load-dir-res', `--path=${app}`], {
        cwd: app,
        env: { ...process.env, DISPLAY: `:${display}`, PSS_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      neutralino.stdout!.setEncoding('utf8').on('data', (s: string) => (output += s));
      neutralino.stderr!.setEncoding('utf8').on('data', (s: string) => (output += s));
      const diagnostics = () => `\n--- app output ---\n${output}\n--- bridge log ---\n${logLines(dataDir).map((l) => JSON.stringify(l)).join('\n')}`;

      await waitUntil(() => logLines(dataDir).some((l) => l.message === 'connected to Neutralino'), `netcore to connect${diagnostics()}`, { timeoutMs: 30_000, intervalMs: 100 });
      const connected = logLines(dataDir).find((l) => l.message === 'connected to Neutralino')!;
      netcorePid = connected.pid as number;
      assert.is(connected.extensionId, 'app.prosecuresuite.netcore');
      assert.ok((connected.watching as number[]).includes(neutralino.pid!), `netcore watches the app: ${JSON.stringify(connected)}`);
      if (UI_BUILT) {
        await waitUntil(() => logLines(dataDir).some((l) => l.message === 'a page connected'), `the UI page to connect${diagnostics()}`, { timeoutMs: 30_000, intervalMs: 100 });
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
      await writeFile(join(ARTIFACTS_DIR, 'desktop-smoke.png'), toPng(readXwd(await readFile(join(fbDir, 'Xvfb_screen0')))));

      assert.ok((await closeWindowsTitled(display, WINDOW_TITLE)) >= 1, `no window titled ${WINDOW_TITLE}`);
      await waitUntil(() => !isAlive(netcorePid), `netcore (pid ${netcorePid}) to exit after the window closed${diagnostics()}`, { timeoutMs: 20_000, intervalMs: 100 });
      const stopping = logLines(dataDir).find((l) => l.message === 'netcore is stopping');
      assert.is(stopping?.reason, 'the window was closed');
      assert.ok(logLines(dataDir).some((l) => l.message === 'netcore stopped' && l.status === 0));
      if (!UI_BUILT) {
        // exitProcessOnClose is false: closing the window alone does not end the app.
        await delay(500);
        assert.is(neutralino.exitCode, null, 'the app kept running after windowClose');
      }
    } finally {
      await endByPid(neutralino);
      if (netcorePid && isAlive(netcorePid)) process.kill(netcorePid, 'SIGKILL');
      await endByPid(xvfb);
      await removeDir(base);
    }
  });
}

test.run();
