// Which Neutralino binary this machine runs, and whether bin/ has it. The names are the ones
// `neu update` writes (bin/neutralino-<os>_<arch>).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN_DIR = join(ROOT, 'bin');

const NAMES = {
  linux: { x64: 'neutralino-linux_x64', arm64: 'neutralino-linux_arm64', arm: 'neutralino-linux_armhf' },
  darwin: { x64: 'neutralino-mac_x64', arm64: 'neutralino-mac_arm64' },
  win32: { x64: 'neutralino-win_x64.exe' },
};

/** The binary's file name for this OS and CPU, or undefined when Neutralino has none. */
export function binaryName(platform = process.platform, arch = process.arch) {
  return NAMES[platform]?.[arch];
}

export function hasBinary() {
  const name = binaryName();
  return name !== undefined && existsSync(join(BIN_DIR, name));
}
