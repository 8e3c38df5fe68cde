// Headless Chromium for end-to-end tests, driven with playwright-core: Debian's own
// Chromium binary, a fresh profile per launch (playwright makes a temporary one and
// removes it on close), background networking off, and HTTPS accepted per context (the
// servers under test use self-signed certificates). When no Chromium is installed,
// launchBrowser() returns undefined; the tests themselves are registered as skipped (or,
// under CI=true, as failures) by testIf(test, chromiumNeed()) in ./tools.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PSS_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots and other artifacts of browser tests (git-ignored). */
export const ARTIFACTS_DIR = join(__dirname, '..', '..', 'test-artifacts');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];

export interface BrowserHandle {
  browser: Browser;
  /** A context with its own cookies; HTTPS errors from self-signed test servers are accepted. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page of a new context, with every console message and page error recorded. */
  newPage(options?: BrowserContextOptions): Promise<RecordedPage>;
  /** Idempotent: closes the browser (which removes its profile). */
  close(): Promise<void>;
}

export interface RecordedPage {
  page: Page;
  context: BrowserContext;
  console: ConsoleMessage[];
  errors: Error[];
}

/** Whether Chromium is here; tests register through testIf(test, chromiumNeed()) (./tools), which says why they skip. */
function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchBrowser(): Promise<BrowserHandle | undefined> {
  if (!hasChromium()) return undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, timeout: 30_000 });
  let closing: Promise<void> | undefined;
  const newContext = (options: BrowserContextOptions = {}) => browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, ...options });
  return {
    browser,
    newContext,
    async newPage(options = {}) {
      const context = await newContext(options);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const recorded: RecordedPage = { page, context, console: [], errors: [] };
      page.on('console', (m) => recorded.console.push(m));
      page.on('pageerror', (e) => recorded.errors.push(e));
      return recorded;
    },
    close() {
      closing ??= browser.close();
      return closing;
    },
  };
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
