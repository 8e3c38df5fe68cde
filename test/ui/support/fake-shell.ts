// A Shell for controller tests: dialogs answer from queues, notifications and titles are
// recorded, storage is a Map.
import type { FileFilter, Shell, WindowSize } from '../../../resources/ui/src/app/shell';

export class FakeShell implements Shell {
  readonly folderAnswers: (string | null)[] = [];
  readonly fileAnswers: (string | null)[] = [];
  readonly saveAnswers: (string | null)[] = [];
  readonly dialogs: { kind: 'folder' | 'file' | 'save'; title: string; filters?: FileFilter[] }[] = [];
  readonly notifications: { title: string; body: string }[] = [];
  readonly titles: string[] = [];
  readonly storage = new Map<string, string>();
  size: WindowSize | null = { width: 1280, height: 800 };
  readonly sizesSet: WindowSize[] = [];
  closeHandler: (() => void) | undefined;
  exited = 0;

  async pickFolder(title: string): Promise<string | null> {
    this.dialogs.push({ kind: 'folder', title });
    return this.folderAnswers.shift() ?? null;
  }
  async pickFile(title: string): Promise<string | null> {
    this.dialogs.push({ kind: 'file', title });
    return this.fileAnswers.shift() ?? null;
  }
  async pickSavePath(title: string, filters: FileFilter[]): Promise<string | null> {
    this.dialogs.push({ kind: 'save', title, filters });
    return this.saveAnswers.shift() ?? null;
  }
  async notify(title: string, body: string): Promise<void> {
    this.notifications.push({ title, body });
  }
  async setTitle(title: string): Promise<void> {
    this.titles.push(title);
  }
  async readStorage(key: string): Promise<string | null> {
    return this.storage.get(key) ?? null;
  }
  async writeStorage(key: string, value: string): Promise<void> {
    this.storage.set(key, value);
  }
  async windowSize(): Promise<WindowSize | null> {
    return this.size;
  }
  async setWindowSize(size: WindowSize): Promise<void> {
    this.sizesSet.push(size);
  }
  onWindowClose(handler: () => void): void {
    this.closeHandler = handler;
  }
  async exit(): Promise<void> {
    this.exited++;
  }
}
