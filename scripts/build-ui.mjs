// Bundles the desktop UI (resources/ui/src, Lit + @neutralinojs/lib) into one ES module,
// resources/ui/dist/app.js, which resources/ui/index.html loads after Neutralino's globals.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
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

// The bundled font and the licences of what the bundle carries, beside app.js (the UI loads
// them from its own folder, so the CSP's 'self' covers them and no system font is needed).
const require = createRequire(import.meta.url);
const vazirmatn = dirname(require.resolve('vazirmatn/package.json'));
const lucide = dirname(require.resolve('lucide/package.json'));
mkdirSync(join(ui, 'dist/fonts'), { recursive: true });
copyFileSync(join(vazirmatn, 'fonts/webfonts/Vazirmatn[wght].woff2'), join(ui, 'dist/fonts/vazirmatn-variable.woff2'));
copyFileSync(join(vazirmatn, 'OFL.txt'), join(ui, 'dist/fonts/OFL.txt'));
copyFileSync(join(lucide, 'LICENSE'), join(ui, 'dist/LICENSE-lucide.txt'));
