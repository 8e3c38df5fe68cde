// The desktop UI's test page for Chromium: page-entry.ts bundled with esbuild, served with
// the bundled font from a made-up origin, on a fake engine and shell. `?lang=fa` starts it
// with Persian chosen, as a remembered setting would.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const ORIGIN = 'http://ui.test';
const ROOT = join(__dirname, '..', '..', '..');

let script: Promise<string> | undefined;

function bundle(): Promise<string> {
  script ??= build({
    entryPoints: [join(ROOT, 'test/ui/support/page-entry.ts')],
    tsconfig: join(ROOT, 'resources/ui/tsconfig.json'),
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text);
  return script;
}

/** Answers every request of `page` to ORIGIN: the page, its bundle and the bundled font. */
export async function serveTestPage(page: Page): Promise<void> {
  const body = await bundle();
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/app.js') return route.fulfill({ body, contentType: 'text/javascript' });
    // The bundled font, from the folder the build copies it to, as the app's own files.
    if (url.pathname.startsWith('/fonts/')) {
      return readFile(join(ROOT, 'resources/ui/dist', url.pathname)).then(
        (font) => route.fulfill({ body: font, contentType: 'font/woff2' }),
        () => route.fulfill({ status: 404, body: '' }),
      );
    }
    return route.fulfill({
      body: '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8"><script type="module" src="/app.js"></script></head><body></body></html>',
      contentType: 'text/html',
    });
  });
}
