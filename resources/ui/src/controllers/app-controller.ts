// The app's frame: which screen is shown (Launcher, Server, Client), the window title, the
// window size remembered between runs, and EXIT.
import type { NetcoreApi, ServerState } from '../../../../extensions/netcore/src/contract';
import { applyLanguage } from '../app/language';
import type { Shell } from '../app/shell';
import { catalog, t, type Language } from '../i18n/i18n';
import type { SettingsStore } from './settings-store';
import { Store } from './store';

export type Screen = 'launcher' | 'server' | 'client';

export interface AppState {
  screen: Screen;
  /** The server's state, so the launcher can say it is still sharing. */
  serverState: ServerState;
  /** The interface's language (the launcher switches it). */
  language: Language;
}

const TITLES: Record<Screen, 'title.launcher' | 'title.server' | 'title.client'> = {
  launcher: 'title.launcher',
  server: 'title.server',
  client: 'title.client',
};

export class AppController extends Store<AppState> {
  private readonly unsubscribe: () => void;
  private exiting = false;

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
    private readonly settings: SettingsStore,
  ) {
    super({ screen: 'launcher', serverState: 'stopped', language: catalog().lang });
    this.unsubscribe = api.on('server.status', (status) => this.set({ serverState: status.state }));
  }

  /** Restores the window size and title, learns the server's state, and handles closing. */
  async start(): Promise<void> {
    const { windowWidth, windowHeight } = this.settings.value;
    if (windowWidth !== null && windowHeight !== null) {
      await this.shell.setWindowSize({ width: windowWidth, height: windowHeight }).catch(() => undefined);
    }
    // Closing the window ends the app through the host; the size is remembered first.
    this.shell.onWindowClose(() => void this.rememberWindowSize());
    await this.shell.setTitle(t(TITLES[this.state.screen])).catch(() => undefined);
    try {
      const status = await this.api.request('server.status', {});
      this.set({ serverState: status.state });
    } catch {
      // The launcher works without knowing; the server screen asks again.
    }
  }

  show(screen: Screen): void {
    if (screen === this.state.screen) return;
    this.set({ screen });
    void this.shell.setTitle(t(TITLES[screen])).catch(() => undefined);
  }

  /** English / فارسی in the launcher: the whole interface switches and the choice is remembered. */
  async setLanguage(language: Language): Promise<void> {
    if (language === this.state.language) return;
    applyLanguage(language);
    this.set({ language });
    void this.shell.setTitle(t(TITLES[this.state.screen])).catch(() => undefined);
    await this.settings.update({ language });
  }

  /** EXIT: remembers the window size, then ends the app. */
  async exit(): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    await this.rememberWindowSize();
    this.unsubscribe();
    await this.shell.exit();
  }

  async rememberWindowSize(): Promise<void> {
    const size = await this.shell.windowSize().catch(() => null);
    if (size) await this.settings.update({ windowWidth: Math.round(size.width), windowHeight: Math.round(size.height) });
  }
}
