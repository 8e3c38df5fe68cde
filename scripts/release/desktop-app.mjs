// The desktop app of a release: `neu build` run in a staging folder on the packaged
// configuration (release-config.mjs) with the Neutralino binaries of the chosen targets.
// It gives each target's app binary and the shared resources.neu (the UI and the config).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseConfig } from './release-config.mjs';

/** Files of resources/ that stay out of the app: UI sources, their compiler settings, source maps. */
const RESOURCES_EXCLUDE = '(resources/ui/src|resources/ui/tsconfig\\.json|\\.map$)';

/**
 * Builds the app for `targets` (those whose binary is in binDir) and returns
 * { resources, binaries: Map<targetName, path> }.
 */
export async function buildDesktopApp({ root, binDir, stageDir, targets, config, version }) {
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(join(stageDir, 'bin'), { recursive: true });
  for (const t of targets) cpSync(join(binDir, t.neutralino), join(stageDir, 'bin', t.neutralino));
  cpSync(join(root, 'resources'), join(stageDir, 'resources'), { recursive: true });
  const packaged = releaseConfig(config, { version, resourcesExclude: RESOURCES_EXCLUDE });
  writeFileSync(join(stageDir, 'neutralino.config.json'), `${JSON.stringify(packaged, null, 2)}\n`);

  const neu = join(root, 'node_modules', '@neutralinojs', 'neu', 'bin', 'neu.js');
  if (!existsSync(neu)) throw new Error('@neutralinojs/neu is not installed (npm install)');
  const output = await run(process.execPath, [neu, 'build'], stageDir);
  const out = join(stageDir, 'dist', packaged.cli.binaryName);
  const resources = join(out, 'resources.neu');
  if (!existsSync(resources)) throw new Error(`neu build made no resources.neu:\n${output}`);
  const binaries = new Map();
  for (const t of targets) {
    const built = join(out, t.neutralino.replace('neutralino', packaged.cli.binaryName));
    if (!existsSync(built)) throw new Error(`neu build made no app binary for ${t.name}:\n${output}`);
    binaries.set(t.name, built);
  }
  return { resources, binaries };
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`neu build failed (exit ${code}):\n${output}`))));
  });
}
