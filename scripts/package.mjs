// `npm run package [-- --target NAME …] [--all] [--out DIR]`: builds portable release folders
// and their archives under dist/release/ (DESIGN §5). Each folder holds the desktop app
// (when bin/ has the target's Neutralino binary), `pss` as a Node single executable, an
// empty data/ folder that keeps the app portable, README.txt and the licences. Nothing is
// downloaded but npm packages (the Node runtimes).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTarGz, writeZip } from './release/archive.mjs';
import { buildDesktopApp } from './release/desktop-app.mjs';
import { thirdPartyNotices } from './release/licenses.mjs';
import { nodeRuntime } from './release/node-runtime.mjs';
import { releaseReadme } from './release/readme.mjs';
import { buildBlob, makeExecutable } from './release/sea.mjs';
import { hostTarget, TARGETS } from './release/targets.mjs';
import { BIN_DIR, ROOT } from './neutralino-binaries.mjs';

const say = (line) => process.stdout.write(`package: ${line}\n`);

function usage(problem) {
  process.stderr.write(
    `${problem ? `package: ${problem}\n\n` : ''}Usage: npm run package -- [--target NAME]… [--all] [--out DIR]\n` +
      `  --target NAME   one of ${Object.keys(TARGETS).join(', ')} (repeatable; default: this machine's)\n` +
      '  --all           every target\n' +
      '  --out DIR       where the folders and archives go (default: dist/release)\n' +
      '  --no-archive    build the folders only\n',
  );
  process.exit(problem ? 2 : 0);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        target: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        out: { type: 'string' },
        'no-archive': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    usage(err.message);
  }
  if (parsed.help) usage();
  let names = parsed.all ? Object.keys(TARGETS) : (parsed.target ?? []);
  if (names.length === 0) {
    const host = hostTarget();
    if (!host) usage(`this machine (${process.platform}/${process.arch}) is no release target; name one with --target`);
    names = [host];
  }
  const unknown = names.filter((n) => !TARGETS[n]);
  if (unknown.length) usage(`unknown target ${unknown.join(', ')}`);
  return { targets: [...new Set(names)].map((n) => TARGETS[n]), out: parsed.out ?? join(ROOT, 'dist', 'release'), archive: !parsed['no-archive'] };
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function folderBytes(dir) {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) stack.push(full);
      else total += st.size;
    }
  }
  return total;
}

async function main() {
  const { targets, out, archive } = options();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const nodeVersion = pkg.config?.releaseNode;
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion ?? '')) throw new Error('package.json config.releaseNode must name the Node version of the releases');
  const config = JSON.parse(readFileSync(join(ROOT, 'neutralino.config.json'), 'utf8'));

  say('building the netcore bundle and the UI');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const bundle = join(ROOT, 'extensions', 'netcore', 'dist', 'netcore.cjs');

  mkdirSync(out, { recursive: true });
  const work = join(out, '.work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const cacheDir = join(ROOT, 'dist', 'cache');

  const withApp = targets.filter((t) => existsSync(join(BIN_DIR, t.neutralino)));
  for (const t of targets.filter((t) => !withApp.includes(t))) {
    say(
      `${t.name}: bin/${t.neutralino} is missing, so this package has no desktop app (command line only). Run \`npx neu update\` on a machine with internet access to get the binaries.`,
    );
  }
  const app = withApp.length
    ? await buildDesktopApp({ root: ROOT, binDir: BIN_DIR, stageDir: join(work, 'app'), targets: withApp, config, version: pkg.version })
    : undefined;

  const notices = thirdPartyNotices(ROOT);
  const built = [];
  for (const target of targets) {
    const name = `${pkg.name}-${pkg.version}-${target.name}`;
    const folder = join(out, name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(join(folder, 'data'), { recursive: true });

    const runtime = await nodeRuntime(target, nodeVersion, cacheDir, say);
    // The code cache only helps a runtime identical to the Node that writes it.
    const sameNode = process.versions.node === nodeVersion && hostTarget() === target.name;
    const blob = buildBlob(bundle, work, sameNode);
    const pss = join(folder, `pss${target.exe}`);
    const { signed } = makeExecutable(target, runtime.binary, blob, pss);

    const hasApp = app?.binaries.has(target.name) ?? false;
    if (hasApp) {
      const appFile = join(folder, `${pkg.name}${target.exe}`);
      copyFileSync(app.binaries.get(target.name), appFile);
      chmodSync(appFile, 0o755);
      copyFileSync(app.resources, join(folder, 'resources.neu'));
    }
    writeFileSync(join(folder, 'README.txt'), releaseReadme({ target, version: pkg.version, appName: pkg.name, hasApp, signed }));
    writeFileSync(
      join(folder, 'LICENSES.txt'),
      `${notices}\n${'='.repeat(78)}\nNode.js ${nodeVersion} (the runtime inside pss)\n\n${readFileSync(runtime.license, 'utf8')}`,
    );

    const entry = { target: target.name, folder, hasApp, folderBytes: folderBytes(folder), archives: [] };
    if (archive) {
      const zip = `${folder}.zip`;
      await writeZip(folder, zip);
      entry.archives.push(zip);
      if (target.os !== 'windows') {
        const tgz = `${folder}.tar.gz`;
        await writeTarGz(folder, tgz);
        entry.archives.push(tgz);
      }
    }
    built.push(entry);
    const notes = [
      hasApp ? 'desktop app + pss' : 'pss only (no desktop app)',
      sameNode ? 'code cache' : undefined,
      target.node.note,
      signed === 'no' ? 'macOS: see README.txt to sign pss once' : undefined,
    ].filter(Boolean);
    say(`${target.name}: ${relative(ROOT, folder) || folder} (${mib(entry.folderBytes)}; ${notes.join('; ')})`);
    for (const a of entry.archives) say(`  ${relative(ROOT, a) || a} (${mib(statSync(a).size)})`);
  }
  rmSync(work, { recursive: true, force: true });
  writeFileSync(
    join(out, 'release.json'),
    `${JSON.stringify({ version: pkg.version, node: nodeVersion, targets: built.map((b) => ({ ...b, folder: relative(out, b.folder), archives: b.archives.map((a) => ({ file: relative(out, a), bytes: statSync(a).size })) })) }, null, 2)}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`package: ${err.message}\n`);
  process.exit(1);
});
