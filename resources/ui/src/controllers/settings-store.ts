// Remembered settings, read once at start and written on each change through the shell's
// storage. The shape (logic/settings.ts) has no room for a password.
import type { Shell } from '../app/shell';
import { parseSettings, serializeSettings, SETTINGS_STORAGE_KEY, type AppSettings } from '../logic/settings';

export class SettingsStore {
  private current: AppSettings;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly shell: Shell,
    initial: AppSettings,
  ) {
    this.current = initial;
  }

  static async load(shell: Shell): Promise<SettingsStore> {
    let stored: string | null = null;
    try {
      stored = await shell.readStorage(SETTINGS_STORAGE_KEY);
    } catch {
      // Unreadable storage means first run: the defaults apply.
    }
    return new SettingsStore(shell, parseSettings(stored));
  }

  get value(): Readonly<AppSettings> {
    return this.current;
  }

  /** Changes some settings and writes them; writes happen in order and never reject. */
  update(patch: Partial<AppSettings>): Promise<void> {
    this.current = { ...this.current, ...patch };
    const text = serializeSettings(this.current);
    this.writing = this.writing.then(() => this.shell.writeStorage(SETTINGS_STORAGE_KEY, text)).catch(() => undefined);
    return this.writing;
  }
}
