// `npm run lint`: every check, each to the end even when one before it failed, so one run
// shows everything there is to fix. Exits non-zero when any check failed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const CHECKS = [
  ['types (engine, tests, scripts)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
  ['types (interface)', bin('tsc'), ['--noEmit', '-p', 'resources/ui/tsconfig.json']],
  ['code (Biome)', bin('biome'), ['lint', '--error-on-warnings']],
  ['format (Biome; npm run format fixes it)', bin('biome'), ['format']],
  ['import boundaries (dependency-cruiser)', bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'extensions/netcore/src', 'resources/ui/src']],
  ['dead exports (knip)', bin('knip'), []],
];

const results = [];
for (const [name, command, args] of CHECKS) {
  process.stdout.write(`\n== ${name}\n`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const passed = run.status === 0;
  if (run.error) process.stderr.write(`could not run ${command}: ${run.error.message}\n`);
  results.push([name, passed]);
}

process.stdout.write('\n');
for (const [name, passed] of results) process.stdout.write(`${passed ? 'pass' : 'FAIL'}  ${name}\n`);
if (results.some(([, passed]) => !passed)) process.exitCode = 1;
