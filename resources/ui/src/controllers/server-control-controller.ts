// The server's Control Panel: what to share, port and max clients, the password, Start /
// Stop, Pause / Resume, and the status with addresses, web access and fingerprint.
import type { NetcoreApi, ServerSettings, ServerStatus } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import { parsePort } from '../logic/ip-auto-dot';
import type { ShareMode } from '../logic/settings';
import type { SettingsStore } from './settings-store';
import { Store } from './store';

const MAX_CLIENTS_LIMIT = 1000;

export interface ServerControlState {
  shareMode: ShareMode;
  sharePath: string;
  /** As typed; checked when Start is pressed. */
  port: string;
  maxClients: string;
  requirePassword: boolean;
  password: string;
  confirm: string;
  /** Confirm Password was pressed with two equal passwords, and they have not changed since. */
  passwordConfirmed: boolean;
  status: ServerStatus;
  /** A command is on its way. */
  busy: boolean;
  error: string | null;
  notice: string | null;
}

export const stoppedStatus: ServerStatus = {
  state: 'stopped',
  mainPort: null,
  chatPort: null,
  webPort: null,
  addresses: [],
  fingerprint: null,
  shortFingerprint: null,
  share: null,
  passwordRequired: false,
  maxClients: 0,
  sessions: 0,
  webAccess: [],
  notShared: {},
};

export class ServerControlController extends Store<ServerControlState> {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
    private readonly settings: SettingsStore,
  ) {
    const s = settings.value;
    super({
      shareMode: s.shareMode,
      sharePath: s.sharePath,
      port: String(s.port),
      maxClients: String(s.maxClients),
      requirePassword: false,
      password: '',
      confirm: '',
      passwordConfirmed: false,
      status: stoppedStatus,
      busy: false,
      error: null,
      notice: null,
    });
    this.unsubscribe = api.on('server.status', (status) => this.set({ status }));
  }

  /** Learns the engine's state: the server may still be running from an earlier visit. */
  async start(): Promise<void> {
    try {
      this.set({ status: await this.api.request('server.status', {}) });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  dispose(): void {
    this.unsubscribe();
  }

  setShareMode(shareMode: ShareMode): void {
    if (shareMode === this.state.shareMode) return;
    // A folder path is no single file and the other way round: choose again.
    this.set({ shareMode, sharePath: '', error: null });
    void this.settings.update({ shareMode, sharePath: '' });
  }

  setSharePath(sharePath: string): void {
    this.set({ sharePath, error: null });
    void this.settings.update({ sharePath });
  }

  /** Browse…: the native folder or file dialog, by share mode. */
  async browse(): Promise<void> {
    const { shareMode, sharePath } = this.state;
    const title = shareMode === 'directory' ? t('server.browse.folderTitle') : t('server.browse.fileTitle');
    const defaultPath = sharePath === '' ? undefined : sharePath;
    try {
      const chosen = shareMode === 'directory' ? await this.shell.pickFolder(title, defaultPath) : await this.shell.pickFile(title, defaultPath);
      if (chosen !== null) this.setSharePath(chosen);
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  setPort(port: string): void {
    this.set({ port, error: null });
  }

  setMaxClients(maxClients: string): void {
    this.set({ maxClients, error: null });
  }

  setRequirePassword(requirePassword: boolean): void {
    this.set({ requirePassword, passwordConfirmed: false, notice: null, error: null });
  }

  setPassword(password: string): void {
    this.set({ password, passwordConfirmed: false, notice: null });
  }

  setConfirm(confirm: string): void {
    this.set({ confirm, passwordConfirmed: false, notice: null });
  }

  /** Confirm Password: the two boxes must hold the same, non-empty password. */
  confirmPassword(): boolean {
    const { password, confirm } = this.state;
    if (password === '') {
      this.set({ error: t('server.password.empty'), passwordConfirmed: false, notice: null });
      return false;
    }
    if (password !== confirm) {
      this.set({ error: t('server.password.mismatch'), passwordConfirmed: false, notice: null });
      return false;
    }
    this.set({ passwordConfirmed: true, error: null, notice: t('server.password.confirmed') });
    return true;
  }

  /** Why Start cannot go ahead yet, or null. */
  startProblem(): string | null {
    const s = this.state;
    if (s.sharePath.trim() === '') return s.shareMode === 'directory' ? t('server.problem.noFolder') : t('server.problem.noFile');
    if (parsePort(s.port, true) === null) return t('server.problem.port');
    const max = Number(s.maxClients.trim());
    if (!/^\d+$/.test(s.maxClients.trim()) || max < 1 || max > MAX_CLIENTS_LIMIT) return t('server.problem.maxClients', { max: MAX_CLIENTS_LIMIT });
    if (s.requirePassword && !s.passwordConfirmed) return t('server.problem.password');
    return null;
  }

  async startServer(): Promise<void> {
    const problem = this.startProblem();
    if (problem !== null) {
      this.set({ error: problem, notice: null });
      return;
    }
    const s = this.state;
    const settings: ServerSettings = { sharePath: s.sharePath.trim(), port: parsePort(s.port, true)!, maxClients: Number(s.maxClients.trim()) };
    if (s.requirePassword) settings.password = s.password;
    void this.settings.update({ shareMode: s.shareMode, sharePath: settings.sharePath, port: settings.port, maxClients: settings.maxClients });
    await this.run(
      () => this.api.request('server.start', settings),
      () => {
        // The engine keeps only a hash; the page forgets the password at once.
        this.set({ password: '', confirm: '', passwordConfirmed: false, notice: null });
      },
    );
  }

  stopServer(): Promise<void> {
    return this.run(() => this.api.request('server.stop', {}));
  }

  pause(): Promise<void> {
    return this.run(() => this.api.request('server.pause', {}));
  }

  resume(): Promise<void> {
    return this.run(() => this.api.request('server.resume', {}));
  }

  private async run(command: () => Promise<ServerStatus>, done?: () => void): Promise<void> {
    if (this.state.busy) return;
    this.set({ busy: true, error: null });
    try {
      const status = await command();
      this.set({ status, busy: false });
      done?.();
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }
}
