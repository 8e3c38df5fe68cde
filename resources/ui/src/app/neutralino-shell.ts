// The Shell over Neutralino: native dialogs, notifications, the window and storage.
// Neutralino answers a cancelled dialog with '' or [], and a missing storage key with an
// error; both become null here.
import { app, events, os, storage, window as neuWindow } from '@neutralinojs/lib';
import type { FileFilter, Shell, WindowSize } from './shell';

export function neutralinoShell(): Shell {
  return {
    async pickFolder(title, defaultPath) {
      const chosen = await os.showFolderDialog(title, defaultPath === undefined ? {} : { defaultPath });
      return chosen === '' ? null : chosen;
    },
    async pickFile(title, defaultPath) {
      const chosen = await os.showOpenDialog(title, { multiSelections: false, ...(defaultPath === undefined ? {} : { defaultPath }) });
      return chosen[0] ?? null;
    },
    async pickSavePath(title, filters: FileFilter[], defaultPath) {
      const chosen = await os.showSaveDialog(title, { filters, ...(defaultPath === undefined ? {} : { defaultPath }) });
      return chosen === '' ? null : chosen;
    },
    async notify(title, body) {
      await os.showNotification(title, body);
    },
    async setTitle(title) {
      await neuWindow.setTitle(title);
    },
    async readStorage(key) {
      try {
        return await storage.getData(key);
      } catch {
        return null;
      }
    },
    async writeStorage(key, value) {
      await storage.setData(key, value);
    },
    async windowSize(): Promise<WindowSize | null> {
      // The page's own size is the window's content size, and needs no native call.
      return globalThis.innerWidth > 0 ? { width: globalThis.innerWidth, height: globalThis.innerHeight } : null;
    },
    async setWindowSize(size) {
      await neuWindow.setSize({ width: size.width, height: size.height });
    },
    onWindowClose(handler) {
      void events.on('windowClose', () => handler());
    },
    async exit() {
      await app.exit();
    },
  };
}
