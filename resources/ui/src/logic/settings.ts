// Settings remembered between runs. Only what is listed here is ever written; a password
// has no place in this shape, and reading drops anything unknown or out of range.

export type ShareMode = 'directory' | 'file';

/** The interface's language; null until chosen, when the system's language decides. */
export type LanguageSetting = 'en' | 'fa' | null;

export interface AppSettings {
  shareMode: ShareMode;
  sharePath: string;
  port: number;
  maxClients: number;
  lastServer: string;
  lastPort: number;
  downloadFolder: string;
  windowWidth: number | null;
  windowHeight: number | null;
  language: LanguageSetting;
}

export const SETTINGS_STORAGE_KEY = 'pss-settings';

export const defaultSettings: Readonly<AppSettings> = Object.freeze({
  shareMode: 'directory',
  sharePath: '',
  port: 5000,
  maxClients: 10,
  lastServer: '',
  lastPort: 5000,
  downloadFolder: '',
  windowWidth: null,
  windowHeight: null,
  language: null,
});

const MAX_PATH_CHARS = 4096;
const MAX_HOST_CHARS = 253;

function whole(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

function text(value: unknown, maxChars: number): string | undefined {
  return typeof value === 'string' && value.length <= maxChars ? value : undefined;
}

/** Reads stored settings; anything missing, unknown or malformed falls back to the default. */
export function parseSettings(stored: string | null): AppSettings {
  const out: AppSettings = { ...defaultSettings };
  if (stored === null) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return out;
  }
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as Record<string, unknown>;
  if (r.shareMode === 'directory' || r.shareMode === 'file') out.shareMode = r.shareMode;
  out.sharePath = text(r.sharePath, MAX_PATH_CHARS) ?? out.sharePath;
  out.port = whole(r.port, 0, 65535) ?? out.port;
  out.maxClients = whole(r.maxClients, 1, 1000) ?? out.maxClients;
  out.lastServer = text(r.lastServer, MAX_HOST_CHARS) ?? out.lastServer;
  out.lastPort = whole(r.lastPort, 1, 65535) ?? out.lastPort;
  out.downloadFolder = text(r.downloadFolder, MAX_PATH_CHARS) ?? out.downloadFolder;
  out.windowWidth = whole(r.windowWidth, 320, 16384) ?? null;
  out.windowHeight = whole(r.windowHeight, 240, 16384) ?? null;
  if (r.language === 'en' || r.language === 'fa') out.language = r.language;
  return out;
}

/** The text to store: exactly the known fields, whatever else the object carries. */
export function serializeSettings(settings: AppSettings): string {
  const known: AppSettings = {
    shareMode: settings.shareMode,
    sharePath: settings.sharePath,
    port: settings.port,
    maxClients: settings.maxClients,
    lastServer: settings.lastServer,
    lastPort: settings.lastPort,
    downloadFolder: settings.downloadFolder,
    windowWidth: settings.windowWidth,
    windowHeight: settings.windowHeight,
    language: settings.language,
  };
  return JSON.stringify(known);
}
