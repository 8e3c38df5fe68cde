// Bundles the desktop UI (resources/ui/src, Lit + @neutralinojs/lib) into one ES module,
// resources/ui/dist/app.js, which resources/ui/index.html loads after Neutralino's globals.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'resources/ui');

await build({
  entryPoints: [join(ui, 'src/main.ts')],
  outfile: join(ui, 'dist/app.js'),
  tsconfig: join(ui, 'tsconfig.json'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // The webviews Neutralino uses: WebView2, WebKitGTK and WKWebView of recent years.
  target: ['es2021', 'chrome100', 'safari15'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
