// Bundles netcore into one CommonJS file (DESIGN §5): no dynamic import, no files read
// relative to the sources at run time, workers started from the same file.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });

await build({
  entryPoints: [join(root, 'extensions/netcore/src/main.ts')],
  outfile: join(root, 'dist/netcore.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { __PSS_BUNDLED__: 'true' },
});
