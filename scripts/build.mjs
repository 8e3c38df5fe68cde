// Bundles netcore into one CommonJS file (DESIGN §5): no dynamic import, no files read
// relative to the sources at run time, workers started from the same file.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The bundle lives inside the extension's folder: `neu build` ships extensions/ with the
// app, and neutralino.config.json starts it from there.
const BUNDLE = join(root, 'extensions/netcore/dist/netcore.cjs');
mkdirSync(dirname(BUNDLE), { recursive: true });

await build({
  entryPoints: [join(root, 'extensions/netcore/src/main.ts')],
  outfile: BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // ws would try to load two optional native helpers; it works without them, and a single
  // executable cannot load them (it warns on every start when asked to), so it never asks.
  define: { __PSS_BUNDLED__: 'true', 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"' },
  external: ['bufferutil', 'utf-8-validate'],
});

// The desktop UI is built with the engine, so `npm run build`, `npm start` and `npm test` all see it.
await import('./build-ui.mjs');
