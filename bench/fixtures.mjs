// Test data and scratch space: a cached random source file (with its SHA-256), temp dirs
// that are removed at the end, free ports, and which file system a folder lives on.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MeasurementError } from './processes.mjs';

const MiB = 1 << 20;
const CHUNK = MiB;

/** Survives between runs so the (slow) random file is written once per size. */
export const CACHE_DIR = join(tmpdir(), 'pss-bench-cache');

const tempDirs = new Set();

export function makeTempDir(parent, prefix) {
  const dir = mkdtempSync(join(parent, prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDirs() {
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: reported by the caller's summary if it matters
    }
    tempDirs.delete(dir);
  }
}

export function sha256File(path) {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: CHUNK })
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** Reads a file through once so that every contender then reads it from the page cache. */
export function warmRead(path) {
  return new Promise((resolvePromise, reject) => {
    createReadStream(path, { highWaterMark: CHUNK })
      .on('data', () => {})
      .once('error', reject)
      .once('end', resolvePromise);
  });
}

/**
 * Reads every file of a tree, so the contender measured next reads it from memory. This
 * machine hands unused page cache back within seconds, so it is done right before each
 * measured run, for every contender alike.
 */
export function warmTree(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) warmTree(path);
    else if (entry.isFile()) readFileSync(path);
  }
}

/**
 * Writes out everything waiting for the disk (what the run before wrote and deleted), so
 * the contender measured next does not pay for it.
 */
export function settleDisk() {
  spawnSync('sync', [], { stdio: 'ignore', timeout: 60_000 });
}

function writeRandomFile(path, sizeBytes) {
  const partial = `${path}.${process.pid}.tmp`;
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(partial, 'w', 0o600);
  try {
    for (let left = sizeBytes; left > 0; left -= CHUNK) {
      const n = Math.min(CHUNK, left);
      randomFillSync(buffer, 0, n);
      writeSync(fd, buffer, 0, n);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

/**
 * A file of `sizeMiB` random MiB in the cache, created on first use, with its SHA-256
 * remembered beside it (keyed by size and mtime, so a replaced file is hashed again).
 */
export async function cachedRandomFile(sizeMiB, log) {
  mkdirSync(CACHE_DIR, { recursive: true, mode: 0o700 });
  const name = `random-${sizeMiB}MiB.bin`;
  const path = join(CACHE_DIR, name);
  const sidecar = `${path}.json`;
  const size = sizeMiB * MiB;
  let st = statOrUndefined(path);
  if (!st || st.size !== size) {
    log(`creating ${sizeMiB} MiB random test file in ${CACHE_DIR} (cached for later runs)`);
    writeRandomFile(path, size);
    st = statSync(path);
  }
  try {
    const known = JSON.parse(readFileSync(sidecar, 'utf8'));
    if (known.size === st.size && known.mtimeMs === st.mtimeMs) return { name, path, size, sha256: known.sha256 };
  } catch {
    // no usable sidecar: hash below
  }
  const sha256 = await sha256File(path);
  writeFileSync(sidecar, JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256 }));
  return { name, path, size, sha256 };
}

export function statOrUndefined(path) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** The type of the file system holding `dir` (longest matching mount point). */
export function fileSystemType(dir) {
  let real;
  try {
    real = realpathSync(resolve(dir));
  } catch {
    return 'unknown';
  }
  let best = { point: '', type: 'unknown' };
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, point, type] = line.split(' ');
    if (!point) continue;
    const mount = point.replace(/\\040/g, ' ');
    const inside = mount === '/' || real === mount || real.startsWith(mount + '/');
    if (inside && mount.length >= best.point.length) best = { point: mount, type };
  }
  return best.type;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    server.assertRunning();
    const open = await new Promise((resolvePromise) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolvePromise(true)));
      socket.once('error', () => resolvePromise(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new MeasurementError(`nothing listens on 127.0.0.1:${port} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
