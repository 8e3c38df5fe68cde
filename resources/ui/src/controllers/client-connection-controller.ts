// The Client screen's connection: the Server IP and Port boxes, Connect (a pasted
// `host:port` fills both), the first-contact fingerprint prompt, the changed-certificate
// alarm, Login and Disconnect. The engine's ClientState is kept as it arrives; the other
// parts of the screen are told when a connection starts, is ready for files, or ends.
import type { ClientState, NetcoreApi } from '../../../../extensions/netcore/src/contract';
import { isolate } from '../i18n/bidi';
import { t } from '../i18n/i18n';
import { errorCode, errorText } from '../logic/error-text';
import { isUsableHost, parsePort, splitHostPort } from '../logic/ip-auto-dot';
import type { ScreenOutcome } from './screen-outcome';
import type { SettingsStore } from './settings-store';
import { Store } from './store';

export interface ConnectionViewState {
  /** The Server IP box, as typed. */
  host: string;
  port: string;
  /** The engine's view of the connection; null before the first connect. */
  connection: ClientState | null;
  /** The changed-certificate warning (PIN_MISMATCH): shown loudly until dismissed. */
  pinAlert: string | null;
}

/** What the rest of the screen does when the connection changes. */
export interface ConnectionHooks {
  /** A new connect starts: what belonged to the last server goes. */
  starting(): void;
  /** Connected and logged in: the files can be listed. */
  ready(): Promise<void>;
  /** Disconnect was pressed and the engine let go. */
  ended(): void;
}

export class ClientConnectionController extends Store<ConnectionViewState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly settings: SettingsStore,
    private readonly outcome: ScreenOutcome,
    private readonly hooks: ConnectionHooks,
  ) {
    const s = settings.value;
    super({ host: s.lastServer, port: String(s.lastPort), connection: null, pinAlert: null });
    this.unsubscribers = [
      api.on('client.state', (connection) => this.set({ connection })),
      api.on('client.disconnected', ({ message }) => outcome.fail(t('client.endedByServer', { detail: isolate(message) }))),
    ];
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  get phase(): ClientState['phase'] {
    return this.state.connection?.phase ?? 'disconnected';
  }

  /** The server as the engine names it, or as typed before the first connect. */
  get server(): string {
    return this.state.connection?.server ?? this.state.host;
  }

  setHost(host: string): void {
    this.set({ host });
    this.outcome.clearError();
  }

  setPort(port: string): void {
    this.set({ port });
    this.outcome.clearError();
  }

  /** 🔗 Connect. A pasted `host:port` fills the Port box too. */
  async connect(): Promise<void> {
    const split = splitHostPort(this.state.host);
    const portText = split.port === null ? this.state.port : String(split.port);
    const port = parsePort(portText);
    if (!isUsableHost(split.host)) return this.outcome.fail(t('client.problem.host'));
    if (port === null) return this.outcome.fail(t('client.problem.port'));
    this.set({ host: split.host, port: String(port), pinAlert: null });
    this.outcome.clear();
    this.hooks.starting();
    void this.settings.update({ lastServer: split.host, lastPort: port });
    try {
      const connection = await this.api.request('client.connect', { host: split.host, port });
      this.set({ connection });
      if (connection.phase === 'connected') await this.hooks.ready();
    } catch (err) {
      if (errorCode(err) === 'PIN_MISMATCH') this.set({ pinAlert: errorText(err) });
      else this.outcome.fail(errorText(err));
    }
  }

  /** The answer to the first-contact prompt: trust this fingerprint, or not. */
  async trust(accept: boolean): Promise<void> {
    try {
      this.set({ connection: await this.api.request('client.trust', { accept }) });
    } catch (err) {
      this.outcome.fail(errorText(err));
    }
  }

  /** 🔑 Login. */
  async login(password: string): Promise<boolean> {
    if (password === '') {
      this.outcome.fail(t('client.problem.password'));
      return false;
    }
    this.outcome.clearError();
    try {
      const connection = await this.api.request('client.login', { password });
      this.set({ connection });
      if (connection.phase === 'connected') await this.hooks.ready();
      return true;
    } catch (err) {
      this.outcome.fail(errorText(err));
      return false;
    }
  }

  async disconnect(): Promise<void> {
    try {
      const connection = await this.api.request('client.disconnect', {});
      this.set({ connection });
      this.hooks.ended();
    } catch (err) {
      this.outcome.fail(errorText(err));
    }
  }

  dismissPinAlert(): void {
    this.set({ pinAlert: null });
  }
}
