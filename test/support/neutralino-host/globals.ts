// The access token and the `__neutralino_globals.js` script, as Neutralino 5.5 makes them
// (helpers.cpp generateToken, settings.cpp getGlobalVars).
import { randomInt } from 'node:crypto';
import { arch } from 'node:os';
import type { NeutralinoConfig } from './config';

const NEUTRALINO_VERSION = '5.5.0';
const TOKEN_ALPHABET = '-_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 96 characters with a dot after the 48th; the part after the dot is the connect token. */
export function makeToken(): string {
  let token = '';
  for (let i = 0; i < 96; i++) {
    token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
    if (i === 47) token += '.';
  }
  return token;
}

export interface GlobalsInput {
  config: NeutralinoConfig;
  port: number;
  /** '' once a one-time token has been handed out. */
  token: string;
  appPath: string;
  args: string[];
  pid: number;
  extensionsEnabled: boolean;
}

const OS_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'Darwin', win32: 'Windows', freebsd: 'FreeBSD' };

export function globalsScript(g: GlobalsInput): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  let js = `var NL_OS=${q(OS_NAMES[process.platform] ?? process.platform)};`;
  js += `var NL_ARCH=${q(arch())};`;
  js += `var NL_VERSION=${q(NEUTRALINO_VERSION)};`;
  js += `var NL_COMMIT='test-host';`;
  js += `var NL_APPID=${q(g.config.applicationId)};`;
  if (g.config.version !== undefined) js += `var NL_APPVERSION=${q(g.config.version)};`;
  js += `var NL_PORT=${g.port};`;
  js += `var NL_MODE=${q(g.config.defaultMode ?? 'window')};`;
  js += `var NL_TOKEN=${q(g.token)};`;
  js += `var NL_CWD=${q(process.cwd())};`;
  js += `var NL_ARGS=${JSON.stringify(g.args)};`;
  js += `var NL_PATH=${q(g.appPath)};`;
  js += `var NL_DATAPATH=${q(g.appPath)};`;
  js += `var NL_PID=${g.pid};`;
  js += `var NL_RESMODE='directory';`;
  js += `var NL_EXTENABLED=${JSON.stringify(g.extensionsEnabled)};`;
  js += `var NL_CMETHODS=[];`;
  js += `var NL_WSAVSTLOADED=false;`;
  js += `var NL_CONFIGFILE='neutralino.config.json';`;
  for (const [key, value] of Object.entries(g.config.globalVariables ?? {})) {
    js += `var NL_${key}=JSON.parse(${q(JSON.stringify(value))});`;
  }
  return js;
}
