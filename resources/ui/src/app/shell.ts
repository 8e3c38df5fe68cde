// What the UI needs from the desktop shell besides netcore: native dialogs, notifications,
// the window and a little storage. The app implements it over Neutralino
// (neutralino-shell.ts); tests hand controllers a fake.

export interface FileFilter {
  /** Shown in the dialog, e.g. "Excel workbook". */
  name: string;
  /** Without dots, e.g. ["xlsx"]. */
  extensions: string[];
}

export interface WindowSize {
  width: number;
  height: number;
}

export interface Shell {
  /** A folder chosen in the native dialog, or null when cancelled. */
  pickFolder(title: string, defaultPath?: string): Promise<string | null>;
  /** One file chosen in the native dialog, or null when cancelled. */
  pickFile(title: string, defaultPath?: string): Promise<string | null>;
  /** A path to save to, chosen in the native dialog, or null when cancelled. */
  pickSavePath(title: string, filters: FileFilter[], defaultPath?: string): Promise<string | null>;
  /** An OS notification; failures are not the caller's problem. */
  notify(title: string, body: string): Promise<void>;
  setTitle(title: string): Promise<void>;
  readStorage(key: string): Promise<string | null>;
  writeStorage(key: string, value: string): Promise<void>;
  windowSize(): Promise<WindowSize | null>;
  setWindowSize(size: WindowSize): Promise<void>;
  /** Called when the user closes the window; the app saves what it must, then exits. */
  onWindowClose(handler: () => void): void;
  exit(): Promise<void>;
}
