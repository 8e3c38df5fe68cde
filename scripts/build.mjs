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
  define: { __PSS_BUNDLED__: 'true' },
  // ws loads these optional native helpers when they are installed and works without them.
  external: ['bufferutil', 'utf-8-validate'],
});

// The desktop UI is built with the engine, so `npm run build`, `npm start` and `npm test` all see it.
await import('./build-ui.mjs');
