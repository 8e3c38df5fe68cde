// Where the certificate, settings, known servers and logs live (DESIGN §4), and how files
// in that directory are written.
import { statSync } from 'node:fs';
import { mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import { DATA_DIR_ENV, DATA_DIR_NAME } from './constants';
import { ErrorCode, PssError, fromFsError } from './errors';
import { isSingleExecutable } from './single-executable';

export interface DataDirOptions {
  /** Value of `--data-dir`, when given. */
  flag?: string | undefined;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The folder holding the app; portable mode is only considered when it is known. */
  appDir?: string;
  /** Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Defaults to the current user's home directory. */
  home?: string;
}

/** Folder beside the app whose presence switches on portable mode. */
const PORTABLE_DIR_NAME = 'data';

/**
 * Picks the data directory: `--data-dir`, then `PSS_DATA_DIR`, then a `data` folder beside
 * the app (portable mode, e.g. on a USB stick), then the OS config directory.
 */
export function resolveDataDir(options: DataDirOptions = {}): string {
  const platform = options.platform ?? process.platform;
  // Path rules follow the target platform, so Windows layouts resolve correctly anywhere.
  const p = platform === 'win32' ? path.win32 : path.posix;
  const env = options.env ?? process.env;

  if (options.flag !== undefined) {
    if (options.flag.trim() === '') throw new PssError(ErrorCode.BAD_ARGUMENT, '--data-dir needs a directory');
    return p.resolve(options.flag);
  }
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return p.resolve(fromEnv);

  if (options.appDir !== undefined) {
    const portable = p.resolve(options.appDir, PORTABLE_DIR_NAME);
    if (statSync(portable, { throwIfNoEntry: false })?.isDirectory()) return portable;
  }

  const home = options.home ?? homedir();
  const configRoot = osConfigRoot(platform, env, home, p);
  if (configRoot === undefined) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `cannot find a home directory for the data directory; use --data-dir or ${DATA_DIR_ENV}`);
  }
  return p.join(configRoot, DATA_DIR_NAME);
}

function osConfigRoot(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string, p: path.PlatformPath): string | undefined {
  if (platform === 'win32') {
    if (env.APPDATA && p.isAbsolute(env.APPDATA)) return env.APPDATA;
    return home ? p.join(home, 'AppData', 'Roaming') : undefined;
  }
  if (!home) return undefined;
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support');
  // The XDG base directory spec says a relative XDG_CONFIG_HOME must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && p.isAbsolute(xdg)) return xdg;
  return p.join(home, '.config');
}

/**
 * The folder holding the app. In a release, `pss` is a single executable in the release
 * folder itself. In a checkout, the bundle runs from <app>/extensions/netcore/dist and the
 * sources sit in <app>/extensions/netcore/src, so both find it three levels up.
 */
export function defaultAppDir(): string {
  if (isSingleExecutable()) return path.dirname(process.execPath);
  return path.resolve(__dirname, '..', '..', '..');
}

/** Creates the data directory (owner-only when new) and returns its real path. */
export async function ensureDataDir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await realpath(dir);
  } catch (err) {
    throw fromFsError(err, `creating the data directory ${dir}`, ErrorCode.WRITE_FAILED);
  }
}

/**
 * Replaces `file` with `data` so that readers see the old or the new content, never a
 * part. The temporary file is created with `mode`, so a private file is never readable by
 * others, not even while it is being written.
 */
export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      // The umask may have removed bits from `mode`; set it exactly.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // The write error is the one worth reporting; a leftover temporary file is harmless.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fromFsError(err, `writing ${file}`, ErrorCode.WRITE_FAILED);
  }
}
