// The parts of neutralino.config.json the test host reads, with Neutralino's defaults.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ExtensionConfig {
  id: string;
  command?: string;
  commandLinux?: string;
  commandDarwin?: string;
  commandWindows?: string;
}

export interface NeutralinoConfig {
  applicationId: string;
  version?: string;
  defaultMode?: string;
  documentRoot?: string;
  url?: string;
  enableNativeAPI?: boolean;
  enableExtensions?: boolean;
  tokenSecurity?: 'one-time' | 'none';
  nativeAllowList?: string[];
  nativeBlockList?: string[];
  globalVariables?: Record<string, unknown>;
  modes?: {
    window?: {
      title?: string;
      exitProcessOnClose?: boolean;
      width?: number;
      height?: number;
      minWidth?: number;
      minHeight?: number;
      maxWidth?: number;
      maxHeight?: number;
      resizable?: boolean;
    };
  };
  extensions?: ExtensionConfig[];
  [key: string]: unknown;
}

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export function readConfig(appPath: string): NeutralinoConfig {
  return JSON.parse(readFileSync(join(appPath, 'neutralino.config.json'), 'utf8')) as NeutralinoConfig;
}

/** The command for this OS, as extensions_loader.cpp picks it: command<OS>, else command. */
export function extensionCommand(extension: ExtensionConfig, appPath: string, platform = process.platform): string | undefined {
  const key = platform === 'win32' ? 'commandWindows' : platform === 'darwin' ? 'commandDarwin' : 'commandLinux';
  const command = extension[key] ?? extension.command;
  return command?.replace(/\$\{NL_PATH\}/g, appPath);
}

/** nativeAllowList / nativeBlockList, as auth/permission.cpp applies them. */
export function hasMethodAccess(config: NeutralinoConfig, method: string): boolean {
  const module = method.split('.')[0];
  const matches = (list: string[]) => list.some((entry) => (entry.endsWith('.*') ? entry.slice(0, -2) === module : entry === method));
  if (config.nativeBlockList) return !matches(config.nativeBlockList);
  if (config.nativeAllowList) return matches(config.nativeAllowList);
  return true;
}
