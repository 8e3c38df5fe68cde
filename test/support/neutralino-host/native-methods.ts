// The native methods the UI and netcore use, answered the way Neutralino 5.5 answers them
// (api/*/…cpp): `{ success: true, returnValue? }` or `{ error: { code, message } }`. Dialogs,
// notifications and the window are the test's: dialogs ask its handlers, the rest is
// recorded. Any other method Neutralino has is answered NE_RT_NATNTIM, naming the host, so
// a test that needs one finds out at once.
import type { NeutralinoConfig } from './config';

export type NativeOutput = Record<string, unknown>;

/** What a method may do to the host. */
export interface NativeContext {
  from: 'app' | 'extension';
  config: NeutralinoConfig;
  storage: Map<string, string>;
  window: { title: string; size?: { width: number; height: number } };
  dialogs: DialogHandlers;
  dispatch(event: string, data: unknown): void;
  dispatchToApps(event: string, data: unknown): void;
  dispatchToExtensions(event: string, data: unknown): void;
  sendToExtension(extensionId: string, event: string, data: unknown): boolean;
  loadedExtensions(): string[];
  connectedExtensions(): string[];
  exit(code: number): void;
}

export interface DialogHandlers {
  /** os.showFolderDialog: the folder picked, or '' for Cancel. */
  folder?: (options: Record<string, unknown>) => string | Promise<string>;
  /** os.showOpenDialog: the files picked; [] for Cancel. */
  open?: (options: Record<string, unknown>) => string[] | Promise<string[]>;
  /** os.showSaveDialog: the file chosen, or '' for Cancel. */
  save?: (options: Record<string, unknown>) => string | Promise<string>;
  /** os.showMessageBox: the button pressed. */
  messageBox?: (options: Record<string, unknown>) => string | Promise<string>;
}

/** The answer is never sent: the process is exiting. */
export const NO_RESPONSE = Symbol('no response');

type Method = (data: Record<string, unknown>, ctx: NativeContext) => NativeOutput | typeof NO_RESPONSE | Promise<NativeOutput>;

/** Thrown where nlohmann::json's get<T>() would throw: Neutralino answers NE_RT_NATRTER. */
class WrongType extends Error {}

export function nativeError(code: string, message: string): NativeOutput {
  return { error: { code, message } };
}

const MISSING_ARGS = () => nativeError('NE_RT_NATRTER', "Native method execution error occurred. Make sure that you've provided required parameters properly.");

function has(data: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.every((k) => Object.hasOwn(data, k) && data[k] !== null);
}

function str(data: Record<string, unknown>, key: string): string {
  const v = data[key];
  if (typeof v !== 'string') throw new WrongType(key);
  return v;
}

const ok = (returnValue?: unknown): NativeOutput => (returnValue === undefined ? { success: true } : { success: true, returnValue });

const STORAGE_KEY = /^[a-zA-Z_0-9-]{1,50}$/;
const invalidKey = () => nativeError('NE_ST_INVSTKY', 'Invalid storage key format. The key should match regex: ^[a-zA-Z-_0-9]{1,50}$');

const WINDOW_RECORDED = [
  'window.focus',
  'window.show',
  'window.hide',
  'window.center',
  'window.maximize',
  'window.unmaximize',
  'window.minimize',
  'window.unminimize',
];

const METHODS: Record<string, Method> = {
  'app.exit': (data, ctx) => {
    ctx.exit(typeof data.code === 'number' ? data.code : 0);
    return NO_RESPONSE;
  },
  'app.killProcess': (_data, ctx) => {
    ctx.exit(130);
    return NO_RESPONSE;
  },
  'app.getConfig': (_data, ctx) => ok(ctx.config),
  'app.broadcast': (data, ctx) => {
    if (!has(data, 'event')) return MISSING_ARGS();
    ctx.dispatchToApps(str(data, 'event'), data.data ?? null);
    return ok();
  },
  'extensions.dispatch': (data, ctx) => {
    if (!has(data, 'extensionId', 'event')) return MISSING_ARGS();
    const id = str(data, 'extensionId');
    if (ctx.sendToExtension(id, str(data, 'event'), data.data ?? null)) return ok();
    return nativeError('NE_EX_EXTNOTC', `${id} is not connected yet`);
  },
  'extensions.broadcast': (data, ctx) => {
    if (!has(data, 'event')) return MISSING_ARGS();
    ctx.dispatchToExtensions(str(data, 'event'), data.data ?? null);
    return ok();
  },
  'extensions.getStats': (_data, ctx) => ok({ loaded: ctx.loadedExtensions(), connected: ctx.connectedExtensions() }),
  'events.broadcast': (data, ctx) => {
    if (!has(data, 'event')) return MISSING_ARGS();
    ctx.dispatch(str(data, 'event'), data.data ?? null);
    return ok();
  },
  'os.showFolderDialog': async (data, ctx) => ok(await (ctx.dialogs.folder?.(data) ?? '')),
  'os.showOpenDialog': async (data, ctx) => ok(await (ctx.dialogs.open?.(data) ?? [])),
  'os.showSaveDialog': async (data, ctx) => ok(await (ctx.dialogs.save?.(data) ?? '')),
  'os.showMessageBox': async (data, ctx) => {
    if (!has(data, 'title', 'content')) return MISSING_ARGS();
    return ok(await (ctx.dialogs.messageBox?.(data) ?? 'OK'));
  },
  'os.showNotification': (data) => {
    if (!has(data, 'title', 'content')) return MISSING_ARGS();
    str(data, 'title');
    str(data, 'content');
    const icon = has(data, 'icon') ? str(data, 'icon') : 'INFO';
    // Neutralino reports a bad icon and success together.
    if (!['INFO', 'WARNING', 'ERROR', 'QUESTION'].includes(icon)) {
      return { ...nativeError('NE_OS_INVNOTA', `Invalid notification style arguments: ${icon}`), success: true };
    }
    return ok();
  },
  'window.setTitle': (data, ctx) => {
    ctx.window.title = has(data, 'title') ? str(data, 'title') : '';
    return ok();
  },
  'window.getTitle': (_data, ctx) => ok(ctx.window.title),
  // window.cpp getSize: the SizeOptions, -1 where no limit is set. The library's
  // window.setSize calls it first and sends the result merged with the new size.
  'window.getSize': (_data, ctx) => {
    const w = ctx.config.modes?.window ?? {};
    const n = (v: unknown) => (typeof v === 'number' ? v : -1);
    return ok({
      width: ctx.window.size?.width ?? n(w.width),
      height: ctx.window.size?.height ?? n(w.height),
      minWidth: n(w.minWidth),
      minHeight: n(w.minHeight),
      maxWidth: n(w.maxWidth),
      maxHeight: n(w.maxHeight),
      resizable: w.resizable !== false,
    });
  },
  'window.setSize': (data, ctx) => {
    const width = (data as { width?: unknown }).width;
    const height = (data as { height?: unknown }).height;
    if (typeof width === 'number' && typeof height === 'number') ctx.window.size = { width, height };
    return ok();
  },
  ...Object.fromEntries(WINDOW_RECORDED.map((m) => [m, () => ok()])),
  'storage.getData': (data, ctx) => {
    if (!has(data, 'key')) return MISSING_ARGS();
    const key = str(data, 'key');
    if (!STORAGE_KEY.test(key)) return invalidKey();
    const value = ctx.storage.get(key);
    return value === undefined ? nativeError('NE_ST_NOSTKEX', `Unable to find storage key: ${key}`) : ok(value);
  },
  'storage.setData': (data, ctx) => {
    if (!has(data, 'key')) return MISSING_ARGS();
    const key = str(data, 'key');
    if (!STORAGE_KEY.test(key)) return invalidKey();
    if (!has(data, 'data')) ctx.storage.delete(key);
    else ctx.storage.set(key, str(data, 'data'));
    return ok();
  },
  'storage.getKeys': (_data, ctx) => ok([...ctx.storage.keys()]),
  'debug.log': () => ok(),
};

/** Runs one native call; `data` is the request's data (null when it had none). */
export async function runNativeMethod(method: string, data: unknown, ctx: NativeContext): Promise<NativeOutput | typeof NO_RESPONSE> {
  const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!run) return nativeError('NE_RT_NATNTIM', `${method} is not implemented in the Neutralinojs server (test host)`);
  try {
    const input = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
    return await run(input, ctx);
  } catch (err) {
    if (err instanceof WrongType) return MISSING_ARGS();
    throw err;
  }
}
