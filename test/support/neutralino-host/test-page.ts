// The host's test page: test-page/index.html and its script bundled with esbuild (the real
// @neutralinojs/lib and the UI's netcore client), served at /test-page/ until the real UI
// takes its place.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TEST_PAGE_URL = '/test-page/index.html';

let bundled: Promise<string> | undefined;

export async function testPageRoutes(): Promise<Record<string, { body: string; contentType: string }>> {
  bundled ??= build({
    entryPoints: [join(__dirname, 'test-page', 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  }).then((r) => r.outputFiles[0]!.text);
  return {
    [TEST_PAGE_URL]: { body: await readFile(join(__dirname, 'test-page', 'index.html'), 'utf8'), contentType: 'text/html' },
    '/test-page/page.js': { body: await bundled, contentType: 'application/javascript' },
  };
}
