// `npm run bench:package`: the portable release. Builds every target's folder and archives
// (npm run package -- --all), prints their sizes against the 45 MB limit for a zip, then
// times `pss --help` started from this machine's release folder (a Node single executable,
// with and without the V8 code cache) against `node netcore.cjs --help`, interleaved,
// BENCH_STARTUP_RUNS times each (default 30). Target: the packaged start-up is no slower
// than the node bundle (ratio node/SEA >= 1.0).
// Exit status: 0 when every measurement ran, 1 when one failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intEnv } from './env.mjs';
import { fixed, median, note, ratioLine, say, table } from './report.mjs';
import { buildBlob, makeExecutable } from '../scripts/release/sea.mjs';
import { hostTarget, TARGETS } from '../scripts/release/targets.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'release');
const ZIP_LIMIT_BYTES = 45 * 10 ** 6;
const runs = intEnv('BENCH_STARTUP_RUNS', 30);

note('building every release target (npm run package -- --all)');
execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--all', '--out', OUT], { stdio: ['ignore', 'ignore', 'inherit'] });
const manifest = JSON.parse(readFileSync(join(OUT, 'release.json'), 'utf8'));

say('## Portable release: sizes');
const mb = (bytes) => `${(bytes / 10 ** 6).toFixed(1)} MB`;
const rows = [['target', 'folder', 'archive', 'size', 'vs 45 MB limit']];
for (const t of manifest.targets) {
  rows.push([t.target, mb(t.folderBytes), '', '', '']);
  for (const a of t.archives)
    rows.push([
      '',
      '',
      a.file.replace(/^.*?(\.zip|\.tar\.gz)$/, '$1'),
      mb(a.bytes),
      a.file.endsWith('.zip') ? `${fixed(a.bytes / ZIP_LIMIT_BYTES, 2)} ${a.bytes <= ZIP_LIMIT_BYTES ? 'met' : 'MISSED'}` : '',
    ]);
}
for (const line of table(rows)) say(line);

const host = hostTarget();
if (!host) {
  say(`\nstart-up: n/a (${process.platform}/${process.arch} has no release target)`);
  process.exit(0);
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const folder = join(OUT, `${pkg.name}-${pkg.version}-${host}`);
const target = TARGETS[host];
const sea = join(folder, `pss${target.exe}`);
const bundle = join(ROOT, 'extensions', 'netcore', 'dist', 'netcore.cjs');

// The same executable without the code cache, to show what the cache is worth.
const work = mkdtempSync(join(tmpdir(), 'pss-bench-sea-'));
const noCache = join(work, `pss${target.exe}`);
makeExecutable(target, join(ROOT, 'dist', 'cache', `${target.node.pkg}-${pkg.config.releaseNode}`, target.node.file), buildBlob(bundle, work, false), noCache);

const contenders = [
  { name: 'pss (SEA, code cache)', argv: [sea, '--help'] },
  { name: 'pss (SEA, no code cache)', argv: [noCache, '--help'] },
  { name: 'node netcore.cjs', argv: [process.execPath, bundle, '--help'] },
];
const samples = new Map(contenders.map((c) => [c.name, []]));
let failed = false;
for (let i = 0; i < runs + 2; i++) {
  for (const c of contenders) {
    const start = process.hrtime.bigint();
    const r = spawnSync(c.argv[0], c.argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PSS_DATA_DIR: work } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) {
      failed = true;
      note(`${c.name} failed: ${r.stderr}`);
    }
    if (i >= 2) samples.get(c.name).push(ms); // the first two runs warm the page cache
  }
}
rmSync(work, { recursive: true, force: true });

say(`\n## Start-up of \`pss --help\` (${runs} runs each, interleaved, wall clock)`);
const p90 = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.9)];
say(
  table([['contender', 'median ms', 'p90 ms'], ...contenders.map((c) => [c.name, fixed(median(samples.get(c.name))), fixed(p90(samples.get(c.name)))])]).join(
    '\n',
  ),
);
const m = (name) => median(samples.get(name));
say(ratioLine('node bundle time / SEA time (code cache)', m('node netcore.cjs'), m('pss (SEA, code cache)'), 1.0));
say(ratioLine('SEA without / with code cache', m('pss (SEA, no code cache)'), m('pss (SEA, code cache)')));
process.exit(failed ? 1 : 0);
