// Running as a Node single executable application (the release's `pss` / `pss.exe`,
// DESIGN §5). There the bundle is not a file on disk: `__filename` names the executable
// itself, so a worker cannot be started from it, and the app folder is the one holding
// the executable. The release build (scripts/release/sea.mjs) stores the bundle's source
// as the asset named BUNDLE_ASSET so that workers start from the same code.

/** Name of the SEA asset holding the bundle's source (shared with scripts/release/sea.mjs). */
const BUNDLE_ASSET = 'netcore.cjs';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

let cached: SeaModule | null | undefined;

/** node:sea when this process is a single executable; null otherwise (also on a Node without it). */
function seaModule(): SeaModule | null {
  if (cached !== undefined) return cached;
  try {
    // Node 20.12 and later have node:sea; earlier ones run the bundle only as a file.
    const sea = require('node:sea') as SeaModule;
    cached = sea.isSea() ? sea : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function isSingleExecutable(): boolean {
  return seaModule() !== null;
}

/**
 * The bundle's source, for starting a worker inside the executable (no file beside it is
 * read); undefined when this process is not a single executable.
 */
export function bundleSource(): string | undefined {
  return seaModule()?.getAsset(BUNDLE_ASSET, 'utf8');
}
