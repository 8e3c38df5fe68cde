// The whole desktop app for end-to-end tests: the real UI (resources/ui, as built) served by
// the Neutralino test host, the real @neutralinojs/lib in the page and the real netcore the
// host starts. Each window has its own data folder and its own dialog answers; the test
// drives it only through what a person can see and click.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsoleMessage, Locator, Page } from 'playwright-core';
import { NETCORE_EXTENSION_ID } from '../../extensions/netcore/src/ipc';
import { ARTIFACTS_DIR, type BrowserHandle } from './browser';
import { NeutralinoHost, type DialogHandlers } from './neutralino-host';
import { removeDir } from './temp-dir';
import { waitUntil } from './wait';
import { withoutIsolates } from './isolates';

/** Screenshots of the desktop app (git-ignored). */
const DESKTOP_ARTIFACTS = join(ARTIFACTS_DIR, 'desktop');

const VIEWPORT = { width: 1280, height: 800 } as const;

/** What the next native dialog answers; each answer is used once. */
class DialogAnswers {
  readonly folder: string[] = [];
  readonly save: string[] = [];
  readonly asked: { kind: 'folder' | 'save'; options: Record<string, unknown> }[] = [];

  handlers(): DialogHandlers {
    return {
      folder: (options) => {
        this.asked.push({ kind: 'folder', options });
        return this.folder.shift() ?? '';
      },
      save: (options) => {
        this.asked.push({ kind: 'save', options });
        return this.save.shift() ?? '';
      },
    };
  }
}

export interface AppWindow {
  label: string;
  host: NeutralinoHost;
  page: Page;
  dialogs: DialogAnswers;
  dataDir: string;
  console: ConsoleMessage[];
  errors: Error[];
  /** A control by its data-testid (shadow roots are pierced). */
  id(testid: string): Locator;
}

export interface OpenAppOptions {
  label: string;
  /** Holds the window's data folder. */
  base: string;
  /** Neutralino's storage as an earlier run left it (the host keeps it in memory). */
  storage?: ReadonlyMap<string, string>;
}

/** Starts a host with the app's own neutralino.config.json, opens its page and waits until the UI and netcore are up. */
export async function openApp(browser: BrowserHandle, options: OpenAppOptions): Promise<AppWindow> {
  const dataDir = join(options.base, `data-${options.label}`);
  await mkdir(dataDir, { recursive: true });
  const dialogs = new DialogAnswers();
  const host = await NeutralinoHost.start({ extensionEnv: { PSS_DATA_DIR: dataDir }, dialogs: dialogs.handlers() });
  try {
    for (const [key, value] of options.storage ?? []) host.storage.set(key, value);
    const { page, console, errors } = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(host.url);
    await host.waitFor(
      () => host.appConnections === 1 && host.connectedExtensions().includes(NETCORE_EXTENSION_ID),
      `the ${options.label} page and netcore to connect`,
      20_000,
    );
    await page.locator('[data-testid="launcher-server"]').waitFor({ timeout: 20_000 });
    return { label: options.label, host, page, dialogs, dataDir, console, errors, id: (testid) => page.locator(`[data-testid="${testid}"]`) };
  } catch (err) {
    await host.close(2_000);
    throw err;
  }
}

/**
 * Closes the window as the app ends: the host stops and drops every socket, and netcore
 * must then exit by itself with code 0 (the host only kills what is left after the grace).
 */
export async function closeApp(app: AppWindow): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const ext = app.host.extensions.get(NETCORE_EXTENSION_ID);
  await app.page
    .context()
    .close()
    .catch(() => undefined);
  await app.host.close(10_000);
  return ext ? ext.exited : { code: 0, signal: null };
}

/** The end of a test file: every window still open is closed, then the browser, then `base` is removed. */
export async function closeEverything(browser: BrowserHandle | undefined, apps: ReadonlyArray<AppWindow | undefined>, base: string): Promise<void> {
  await Promise.allSettled(apps.filter((a) => a !== undefined).map((a) => closeApp(a)));
  await browser?.close();
  await removeDir(base);
}

/** Saves the page as test-artifacts/desktop/<name>.png and returns the path. */
export async function screenshot(app: AppWindow, name: string): Promise<string> {
  await mkdir(DESKTOP_ARTIFACTS, { recursive: true });
  const path = join(DESKTOP_ARTIFACTS, `${name}.png`);
  // Give the page a frame to paint what the last event changed.
  await app.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  await app.page.screenshot({ path, fullPage: false, animations: 'disabled', caret: 'hide' });
  return path;
}

/**
 * The text of a control as a person reads it: trimmed, and without the invisible isolate
 * marks (U+2066–U+2069) that keep names, paths and addresses in their own direction.
 */
export async function textOf(locator: Locator): Promise<string> {
  return withoutIsolates((await locator.textContent()) ?? '').trim();
}

/** Waits until the first match of `locator` has text matching `pattern`; returns that text. */
export async function expectText(locator: Locator, pattern: RegExp, what: string, timeoutMs = 15_000): Promise<string> {
  let seen: string | undefined;
  try {
    await waitUntil(
      async () => {
        seen = (await locator.count()) > 0 ? await textOf(locator.first()) : undefined;
        return seen !== undefined && pattern.test(seen);
      },
      what,
      { timeoutMs, intervalMs: 100 },
    );
  } catch {
    throw new Error(
      `timed out after ${timeoutMs} ms waiting until ${what}; ${seen === undefined ? 'nothing matched the locator' : `the text was ${JSON.stringify(seen)}`}`,
    );
  }
  return seen!;
}

/** Waits until `locator` matches exactly `n` elements. */
export async function expectCount(locator: Locator, n: number, what: string, timeoutMs = 15_000): Promise<void> {
  let seen = -1;
  try {
    await waitUntil(async () => (seen = await locator.count()) === n, what, { timeoutMs, intervalMs: 100 });
  } catch {
    throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}; ${seen} matched, not ${n}`);
  }
}

/** The ports a server started with `port` takes: main, chat (+1) and web (+2). */
export async function freePortTriple(): Promise<number> {
  const { createServer } = await import('node:net');
  const { readFile } = await import('node:fs/promises');
  const tryListen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
  // Below the range the system hands out for outgoing connections and for port 0: a port
  // found free there cannot be taken by some other connection before the app binds it.
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const lowest = Number(range.trim().split(/\s+/)[0]) || 32768;
  const top = Math.min(lowest, 49_152) - 3;
  const bottom = Math.max(10_000, top - 10_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = bottom + Math.floor(Math.random() * (top - bottom));
    if ((await tryListen(base)) && (await tryListen(base + 1)) && (await tryListen(base + 2))) return base;
  }
  throw new Error('no three free ports in a row');
}
