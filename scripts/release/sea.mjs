// `pss` as a Node single executable application: the netcore bundle, as a SEA blob,
// injected into the target's Node runtime with postject. The blob also carries the bundle's
// source as an asset, from which worker threads start (extensions/netcore/src/single-executable.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { unsign } from 'macho-unsign';

const POSTJECT = createRequire(import.meta.url).resolve('postject/dist/cli.js');

/** The fuse Node looks for to know it carries a blob (Node's SEA documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Must match BUNDLE_ASSET in extensions/netcore/src/single-executable.ts. */
const BUNDLE_ASSET = 'netcore.cjs';

/**
 * Writes the blob for `bundle` into `workDir` and returns its path. The V8 code cache makes
 * start-up faster but is only valid for the exact Node build that made it, so it is used
 * only when the target runs this very Node (same version, OS and CPU).
 */
export function buildBlob(bundle, workDir, useCodeCache) {
  const config = join(workDir, 'sea-config.json');
  const blob = join(workDir, useCodeCache ? 'sea-cc.blob' : 'sea.blob');
  writeFileSync(
    config,
    JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache, useSnapshot: false, assets: { [BUNDLE_ASSET]: bundle } }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return blob;
}

/**
 * Makes `out` from the runtime and the blob. A macOS runtime's signature is removed first
 * (injection breaks it, and a broken signature is worse than none); it is signed again ad
 * hoc where `codesign` exists (on a Mac). Returns what still needs doing, if anything.
 */
export function makeExecutable(target, runtime, blob, out) {
  copyFileSync(runtime, out);
  chmodSync(out, 0o755);
  if (target.os === 'mac') {
    const unsigned = unsign(readFileSync(out));
    if (unsigned) writeFileSync(out, Buffer.from(unsigned));
  }
  if (target.os === 'windows') writeFileSync(out, withoutAuthenticode(readFileSync(out)));
  // In a child process: postject's native library prints harmless warnings about ELF notes,
  // which are shown only when the injection fails.
  const args = [POSTJECT, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, ...(target.os === 'mac' ? ['--macho-segment-name', 'NODE_SEA'] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`postject could not inject the blob into ${out}:\n${run.stdout}${run.stderr}`);
  chmodSync(out, 0o755);
  if (target.os !== 'mac') return { signed: 'not needed' };
  if (spawnSync('codesign', ['--version']).error === undefined) {
    execFileSync('codesign', ['--sign', '-', '--force', out], { stdio: 'ignore' });
    return { signed: 'ad hoc' };
  }
  return { signed: 'no' };
}

/**
 * node.exe is signed by its publisher; injecting the blob breaks that signature, and Windows
 * treats a broken signature worse than none. The signature is the PE's certificate table
 * (data directory 4), appended at the end of the file: drop both.
 */
export function withoutAuthenticode(exe) {
  const pe = exe.readUInt32LE(0x3c);
  if (exe.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE executable');
  const optional = pe + 24;
  const dirs = optional + (exe.readUInt16LE(optional) === 0x20b ? 112 : 96);
  const entry = dirs + 4 * 8;
  const offset = exe.readUInt32LE(entry);
  const size = exe.readUInt32LE(entry + 4);
  if (offset === 0 || size === 0) return exe;
  const copy = Buffer.from(exe);
  copy.writeUInt32LE(0, entry);
  copy.writeUInt32LE(0, entry + 4);
  return offset + size >= copy.length - 8 ? copy.subarray(0, offset) : copy;
}
