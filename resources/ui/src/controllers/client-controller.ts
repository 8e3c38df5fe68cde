// The Client screen: server address and port, Connect, the first-contact fingerprint
// prompt and the changed-certificate warning, Login, the file tree, destination and
// sub-folder, Download Selected / Retry Download with progress, chat with the server,
// the server's warnings and the status line.
import type {
  ChatMessage,
  ClientState,
  DownloadSummary,
  FileOutcomeInfo,
  NetcoreApi,
  NotSharedCounts,
  ShareKind,
  TransferProgress,
} from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorCode, errorText } from '../logic/error-text';
import { FileTree, TreeSelection } from '../logic/file-tree';
import { folderNameProblem, joinDestination } from '../logic/folder-name';
import { isUsableHost, parsePort, splitHostPort } from '../logic/ip-auto-dot';
import type { SettingsStore } from './settings-store';
import { Store } from './store';
import { isolate, ltr } from '../i18n/bidi';

export interface ServerWarning {
  text: string;
  time: string;
}

export interface ClientViewState {
  /** The Server IP box, as typed. */
  host: string;
  port: string;
  /** The engine's view of the connection; null before the first connect. */
  connection: ClientState | null;
  /** The changed-certificate warning (PIN_MISMATCH): shown loudly until dismissed. */
  pinAlert: string | null;
  error: string | null;
  notice: string | null;
  share: { kind: ShareKind; name: string } | null;
  /** What the server leaves out of its share, by reason (the "not offered" note). */
  notShared: NotSharedCounts;
  /** The tree's selection; mutable, so `treeVersion` changes with every change to it. */
  tree: TreeSelection | null;
  treeVersion: number;
  loadingList: boolean;
  /** Base Save Destination. */
  destination: string;
  subfolderEnabled: boolean;
  subfolderDraft: string;
  /** The sub-folder confirmed with Create; downloads go there while the box is ticked. */
  subfolder: string | null;
  /** A download or retry request is running. */
  downloading: boolean;
  progress: TransferProgress | null;
  /** Files that failed in the last run, by path. */
  failures: readonly FileOutcomeInfo[];
  /** Files of the last run saved under another name ("saved as"). */
  renamed: readonly FileOutcomeInfo[];
  filesDone: number;
  summary: DownloadSummary | null;
  chatOpen: boolean;
  chat: readonly ChatMessage[];
  unread: number;
  warnings: readonly ServerWarning[];
}

export class ClientController extends Store<ClientViewState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
    private readonly settings: SettingsStore,
  ) {
    const s = settings.value;
    super({
      host: s.lastServer,
      port: String(s.lastPort),
      connection: null,
      pinAlert: null,
      error: null,
      notice: null,
      share: null,
      notShared: {},
      tree: null,
      treeVersion: 0,
      loadingList: false,
      destination: s.downloadFolder,
      subfolderEnabled: false,
      subfolderDraft: '',
      subfolder: null,
      downloading: false,
      progress: null,
      failures: [],
      renamed: [],
      filesDone: 0,
      summary: null,
      chatOpen: false,
      chat: [],
      unread: 0,
      warnings: [],
    });
    this.unsubscribers = [
      api.on('client.state', (connection) => this.stateArrived(connection)),
      api.on('client.progress', (progress) => this.set({ progress })),
      api.on('client.file', (outcome) => this.fileDone(outcome)),
      api.on('client.warning', (warning) => this.warned(warning)),
      api.on('client.chat', (message) => this.chatArrived(message)),
      api.on('client.disconnected', ({ message }) => this.set({ error: t('client.endedByServer', { detail: isolate(message) }) })),
    ];
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  get phase(): ClientState['phase'] {
    return this.state.connection?.phase ?? 'disconnected';
  }

  // ---- Connecting ----------------------------------------------------------------------

  setHost(host: string): void {
    this.set({ host, error: null });
  }

  setPort(port: string): void {
    this.set({ port, error: null });
  }

  /** 🔗 Connect. A pasted `host:port` fills the Port box too. */
  async connect(): Promise<void> {
    const split = splitHostPort(this.state.host);
    const portText = split.port === null ? this.state.port : String(split.port);
    const port = parsePort(portText);
    if (!isUsableHost(split.host)) {
      this.set({ error: t('client.problem.host') });
      return;
    }
    if (port === null) {
      this.set({ error: t('client.problem.port') });
      return;
    }
    this.set({
      host: split.host,
      port: String(port),
      error: null,
      notice: null,
      pinAlert: null,
      share: null,
      notShared: {},
      tree: null,
      summary: null,
      progress: null,
      failures: [],
      chat: [],
      unread: 0,
      chatOpen: false,
    });
    void this.settings.update({ lastServer: split.host, lastPort: port });
    try {
      const connection = await this.api.request('client.connect', { host: split.host, port });
      this.set({ connection });
      if (connection.phase === 'connected') await this.list();
    } catch (err) {
      this.connectFailed(err);
    }
  }

  /** The answer to the first-contact prompt: trust this fingerprint, or not. */
  async trust(accept: boolean): Promise<void> {
    try {
      this.set({ connection: await this.api.request('client.trust', { accept }) });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  /** 🔑 Login. */
  async login(password: string): Promise<boolean> {
    if (password === '') {
      this.set({ error: t('client.problem.password') });
      return false;
    }
    this.set({ error: null });
    try {
      const connection = await this.api.request('client.login', { password });
      this.set({ connection });
      if (connection.phase === 'connected') await this.list();
      return true;
    } catch (err) {
      this.set({ error: errorText(err) });
      return false;
    }
  }

  async disconnect(): Promise<void> {
    try {
      const connection = await this.api.request('client.disconnect', {});
      this.set({ connection, tree: null, share: null, notShared: {}, chatOpen: false, progress: null, summary: null, failures: [], renamed: [] });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  dismissPinAlert(): void {
    this.set({ pinAlert: null });
  }

  // ---- Files -----------------------------------------------------------------------------

  async list(): Promise<void> {
    this.set({ loadingList: true });
    try {
      const { share, entries, notShared } = await this.api.request('client.list', {});
      this.set({ share, notShared, tree: new TreeSelection(FileTree.fromEntries(entries)), treeVersion: this.state.treeVersion + 1, loadingList: false });
    } catch (err) {
      this.set({ loadingList: false, error: errorText(err) });
    }
  }

  setFilter(text: string): void {
    this.changeTree((tree) => tree.setFilter(text));
  }

  toggle(index: number): void {
    this.changeTree((tree) => tree.toggle(index));
  }

  toggleAll(): void {
    this.changeTree((tree) => tree.toggleAll());
  }

  setExpanded(index: number, open: boolean): void {
    this.changeTree((tree) => tree.setExpanded(index, open));
  }

  // ---- Destination -----------------------------------------------------------------------

  /** 📁: the native folder dialog for the Base Save Destination. */
  async chooseDestination(): Promise<void> {
    try {
      const chosen = await this.shell.pickFolder(t('client.destination.dialogTitle'), this.state.destination || undefined);
      if (chosen === null) return;
      this.set({ destination: chosen, error: null });
      void this.settings.update({ downloadFolder: chosen });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  setSubfolderEnabled(subfolderEnabled: boolean): void {
    this.set({ subfolderEnabled, error: null });
  }

  setSubfolderDraft(subfolderDraft: string): void {
    this.set({ subfolderDraft });
  }

  /** Create: checks the name; the engine makes the folder when the download starts. */
  createSubfolder(): boolean {
    const name = this.state.subfolderDraft.trim();
    const problem = folderNameProblem(name);
    if (problem !== null) {
      this.set({ error: t(problem), subfolder: null });
      return false;
    }
    this.set({ subfolder: name, error: null, notice: t('client.subfolder.created', { path: ltr(joinDestination(this.state.destination, name)) }) });
    return true;
  }

  /** Where files will land, with the sub-folder when it is ticked and created. */
  get effectiveDestination(): string {
    const s = this.state;
    return joinDestination(s.destination, s.subfolderEnabled ? s.subfolder : null);
  }

  // ---- Downloading -----------------------------------------------------------------------

  /** The big button: Retry Download after a failure, else Download Selected. */
  get retryMode(): boolean {
    return !this.state.downloading && (this.state.connection?.canRetry ?? false);
  }

  /** Why the big button cannot be used now, or null. */
  downloadProblem(): string | null {
    const s = this.state;
    if (s.downloading) return t('client.problem.busy');
    if (this.retryMode) return null;
    if (this.phase !== 'connected' || !s.tree) return t('client.problem.notConnected');
    if (s.tree.selectedPaths().files === 0) return t('client.problem.nothingSelected');
    if (s.destination === '') return t('client.problem.noDestination');
    if (s.subfolderEnabled && s.subfolder === null) return t('client.problem.subfolder');
    return null;
  }

  /** ⬇️ Download Selected, or 🔄 Retry Download when the last one failed. */
  async download(): Promise<void> {
    if (this.retryMode) return this.retry();
    const problem = this.downloadProblem();
    if (problem !== null) {
      this.set({ error: problem });
      return;
    }
    const s = this.state;
    const selection = s.tree!.selectedPaths();
    const request = { paths: selection.paths, destination: s.destination, ...(s.subfolderEnabled && s.subfolder ? { subfolder: s.subfolder } : {}) };
    await this.runDownload(() => this.api.request('client.download', request));
  }

  async retry(): Promise<void> {
    await this.runDownload(() => this.api.request('client.retry', {}));
  }

  async cancel(): Promise<void> {
    try {
      await this.api.request('client.cancel', {});
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  // ---- Chat and warnings -----------------------------------------------------------------

  async openChat(): Promise<void> {
    this.set({ chatOpen: true, unread: 0 });
    try {
      await this.api.request('client.chat.markRead', {});
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  closeChat(): void {
    this.set({ chatOpen: false });
  }

  async sendChat(text: string): Promise<boolean> {
    const body = text.trim();
    if (body === '') return false;
    try {
      const message = await this.api.request('client.chat.send', { text: body });
      this.set({ chat: [...this.state.chat, message] });
      return true;
    } catch (err) {
      this.set({ error: errorText(err) });
      return false;
    }
  }

  dismissWarning(index: number): void {
    this.set({ warnings: this.state.warnings.filter((_, i) => i !== index) });
  }

  /** The status line: the connection's phase, or how the last download went. */
  statusLine(): string {
    const s = this.state;
    const c = s.connection;
    const server = c?.server ?? s.host;
    if (s.downloading) {
      const p = s.progress;
      return p ? t('client.status.downloading', { done: p.filesDone, total: p.filesTotal }) : t('client.status.starting');
    }
    switch (c?.phase ?? 'disconnected') {
      case 'connecting':
        return t('client.status.connecting', { server: ltr(server) });
      case 'awaiting-trust':
        return t('client.status.awaitingTrust', { server: ltr(server) });
      case 'awaiting-password':
        return t('client.status.awaitingPassword', { server: ltr(server) });
      case 'downloading':
        return t('client.status.starting');
      case 'connected':
        if (s.summary) return this.summaryLine(s.summary);
        if (s.tree) return t('client.status.connectedFiles', { server: ltr(server), files: s.tree.tree.root.fileCount });
        return t('client.status.connected', { server: ltr(server) });
      case 'disconnected':
        if (c?.canRetry) return t('client.status.retryable');
        if (s.summary) return this.summaryLine(s.summary);
        return c === null ? t('client.status.idle') : t('client.status.disconnected');
    }
  }

  private summaryLine(summary: DownloadSummary): string {
    const failed = summary.files.filter((f) => f.status === 'failed').length;
    if (summary.cancelled) return t('client.status.cancelled');
    if (!summary.ok) return t('client.status.failed', { failed, total: summary.files.length });
    return t('client.status.done', { files: summary.files.length, destination: ltr(summary.destination) });
  }

  private async runDownload(command: () => Promise<DownloadSummary>): Promise<void> {
    if (this.state.downloading) return;
    this.set({ downloading: true, error: null, notice: null, progress: null, failures: [], renamed: [], filesDone: 0, summary: null });
    try {
      const summary = await command();
      this.set({ downloading: false, summary });
      const line = this.summaryLine(summary);
      if (!summary.cancelled) void this.shell.notify(t('app.name'), line).catch(() => undefined);
    } catch (err) {
      this.set({ downloading: false, error: errorText(err) });
    }
  }

  private fileDone(outcome: FileOutcomeInfo): void {
    if (outcome.status === 'failed') return this.set({ failures: [...this.state.failures, outcome] });
    const patch: Partial<ClientViewState> = { filesDone: this.state.filesDone + 1 };
    if (outcome.savedAs !== undefined) patch.renamed = [...this.state.renamed, outcome];
    this.set(patch);
  }

  private stateArrived(connection: ClientState): void {
    const patch: Partial<ClientViewState> = { connection };
    // The chat's own count is the engine's; an open chat window has read everything.
    if (!this.state.chatOpen) patch.unread = connection.unread;
    if (connection.phase === 'disconnected' && !connection.canRetry) patch.chatOpen = false;
    this.set(patch);
  }

  private connectFailed(err: unknown): void {
    if (errorCode(err) === 'PIN_MISMATCH') {
      this.set({ pinAlert: errorText(err) });
    } else {
      this.set({ error: errorText(err) });
    }
  }

  private warned(warning: ServerWarning): void {
    this.set({ warnings: [...this.state.warnings, warning] });
    void this.shell.notify(t('client.warning.title'), warning.text).catch(() => undefined);
  }

  private chatArrived(m: ChatMessage & { unread: number }): void {
    const message: ChatMessage = { id: m.id, sessionId: m.sessionId, from: m.from, text: m.text, time: m.time };
    const chat = [...this.state.chat, message];
    if (this.state.chatOpen) {
      this.set({ chat, unread: 0 });
      void this.api.request('client.chat.markRead', {}).catch(() => undefined);
    } else {
      this.set({ chat, unread: m.unread });
      void this.shell.notify(t('client.chat.notifyTitle'), message.text).catch(() => undefined);
    }
  }

  private changeTree(change: (tree: TreeSelection) => void): void {
    const tree = this.state.tree;
    if (!tree) return;
    change(tree);
    this.set({ treeVersion: this.state.treeVersion + 1 });
  }
}
