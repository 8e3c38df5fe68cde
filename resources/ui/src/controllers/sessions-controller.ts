// The server's Client Management tab: a live table of desktop and web sessions, Disconnect
// Selected and Send Warning.
import type { NetcoreApi, SessionInfo } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import { Store } from './store';
import { isolate } from '../i18n/bidi';

export interface SessionsState {
  /** In the order they connected. */
  sessions: readonly SessionInfo[];
  selectedId: string | null;
  busy: boolean;
  error: string | null;
  notice: string | null;
}

function byConnectTime(a: SessionInfo, b: SessionInfo): number {
  return a.connectedAt < b.connectedAt ? -1 : a.connectedAt > b.connectedAt ? 1 : a.id < b.id ? -1 : 1;
}

export class SessionsController extends Store<SessionsState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
  ) {
    super({ sessions: [], selectedId: null, busy: false, error: null, notice: null });
    this.unsubscribers = [
      api.on('session.added', (s) => this.upsert(s)),
      api.on('session.changed', (s) => this.upsert(s)),
      api.on('session.removed', ({ id }) => this.remove(id)),
      api.on('server.status', (status) => {
        if (status.state === 'stopped') this.set({ sessions: [], selectedId: null });
      }),
    ];
  }

  async start(): Promise<void> {
    try {
      const listed = await this.api.request('server.sessions', {});
      // Events that arrived meanwhile are newer than the list.
      const known = new Map(this.state.sessions.map((s) => [s.id, s]));
      for (const s of listed) if (!known.has(s.id)) known.set(s.id, s);
      this.set({ sessions: [...known.values()].sort(byConnectTime) });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  select(id: string | null): void {
    this.set({ selectedId: id, notice: null, error: null });
  }

  get selected(): SessionInfo | null {
    const id = this.state.selectedId;
    return this.state.sessions.find((s) => s.id === id) ?? null;
  }

  async disconnectSelected(): Promise<void> {
    const session = this.selected;
    if (!session || this.state.busy) return;
    this.set({ busy: true, error: null, notice: null });
    try {
      await this.api.request('session.disconnect', { sessionId: session.id, reason: t('sessions.disconnectReason') });
      this.set({ busy: false, notice: t('sessions.disconnected', { name: isolate(session.name) }) });
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }

  /** Send Warning, with the text the administrator typed. */
  async sendWarning(text: string): Promise<void> {
    const session = this.selected;
    const body = text.trim();
    if (!session || body === '' || this.state.busy) return;
    this.set({ busy: true, error: null, notice: null });
    try {
      await this.api.request('session.warn', { sessionId: session.id, text: body });
      this.set({ busy: false, notice: t('sessions.warned', { name: isolate(session.name) }) });
      void this.shell.notify(t('app.name'), t('sessions.warned', { name: isolate(session.name) })).catch(() => undefined);
    } catch (err) {
      this.set({ busy: false, error: errorText(err) });
    }
  }

  private upsert(session: SessionInfo): void {
    const known = this.state.sessions.some((s) => s.id === session.id);
    const sessions = known ? this.state.sessions.map((s) => (s.id === session.id ? session : s)) : [...this.state.sessions, session].sort(byConnectTime);
    this.set({ sessions });
  }

  private remove(id: string): void {
    const sessions = this.state.sessions.filter((s) => s.id !== id);
    if (sessions.length === this.state.sessions.length) return;
    this.set({ sessions, selectedId: this.state.selectedId === id ? null : this.state.selectedId });
  }
}
