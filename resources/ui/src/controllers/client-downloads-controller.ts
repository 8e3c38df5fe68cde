// The Client screen's downloads: Download Selected, which becomes Retry Download after a
// failure, Cancel, the progress the engine reports, the files that failed or were saved
// under another name, and how the last run went (with a desktop notification).
import type { DownloadSummary, FileOutcomeInfo, NetcoreApi, TransferProgress } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { ltr } from '../i18n/bidi';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import type { ScreenOutcome } from './screen-outcome';
import type { ClientConnectionController } from './client-connection-controller';
import type { ClientDestinationController } from './client-destination-controller';
import type { ClientFilesController } from './client-files-controller';
import { Store } from './store';

export interface DownloadsViewState {
  /** A download or retry request is running. */
  downloading: boolean;
  progress: TransferProgress | null;
  /** Files that failed in the last run, by path. */
  failures: readonly FileOutcomeInfo[];
  /** Files of the last run saved under another name ("saved as"). */
  renamed: readonly FileOutcomeInfo[];
  filesDone: number;
  summary: DownloadSummary | null;
}

/** The parts of the screen a download is made from. */
export interface DownloadSources {
  connection: ClientConnectionController;
  files: ClientFilesController;
  destination: ClientDestinationController;
}

const NO_RUN = { progress: null, failures: [], renamed: [], filesDone: 0, summary: null } as const;

/** How a finished run went, for the status line and the notification. */
export function summaryLine(summary: DownloadSummary): string {
  const failed = summary.files.filter((f) => f.status === 'failed').length;
  if (summary.cancelled) return t('client.status.cancelled');
  if (!summary.ok) return t('client.status.failed', { failed, total: summary.files.length });
  return t('client.status.done', { files: summary.files.length, destination: ltr(summary.destination) });
}

export class ClientDownloadsController extends Store<DownloadsViewState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
    private readonly outcome: ScreenOutcome,
    private readonly from: DownloadSources,
  ) {
    super({ downloading: false, ...NO_RUN });
    this.unsubscribers = [api.on('client.progress', (progress) => this.set({ progress })), api.on('client.file', (outcome) => this.fileDone(outcome))];
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  /** The last run's progress and results go (a new connect, Disconnect). */
  clear(): void {
    this.set(NO_RUN);
  }

  /** The big button: Retry Download after a failure, else Download Selected. */
  get retryMode(): boolean {
    return !this.state.downloading && (this.from.connection.state.connection?.canRetry ?? false);
  }

  /** Why the big button cannot be used now, or null. */
  downloadProblem(): string | null {
    if (this.state.downloading) return t('client.problem.busy');
    if (this.retryMode) return null;
    const tree = this.from.files.state.tree;
    if (this.from.connection.phase !== 'connected' || !tree) return t('client.problem.notConnected');
    if (tree.selectedPaths().files === 0) return t('client.problem.nothingSelected');
    return this.from.destination.problem();
  }

  /** ⬇️ Download Selected, or 🔄 Retry Download when the last one failed. */
  async download(): Promise<void> {
    if (this.retryMode) return this.retry();
    const problem = this.downloadProblem();
    if (problem !== null) return this.outcome.fail(problem);
    const request = { paths: this.from.files.state.tree!.selectedPaths().paths, ...this.from.destination.request() };
    await this.run(() => this.api.request('client.download', request));
  }

  async retry(): Promise<void> {
    await this.run(() => this.api.request('client.retry', {}));
  }

  async cancel(): Promise<void> {
    try {
      await this.api.request('client.cancel', {});
    } catch (err) {
      this.outcome.fail(errorText(err));
    }
  }

  private async run(command: () => Promise<DownloadSummary>): Promise<void> {
    if (this.state.downloading) return;
    this.set({ downloading: true, ...NO_RUN });
    this.outcome.clear();
    try {
      const summary = await command();
      this.set({ downloading: false, summary });
      if (!summary.cancelled) void this.shell.notify(t('app.name'), summaryLine(summary)).catch(() => undefined);
    } catch (err) {
      this.set({ downloading: false });
      this.outcome.fail(errorText(err));
    }
  }

  private fileDone(outcome: FileOutcomeInfo): void {
    if (outcome.status === 'failed') return this.set({ failures: [...this.state.failures, outcome] });
    const patch: Partial<DownloadsViewState> = { filesDone: this.state.filesDone + 1 };
    if (outcome.savedAs !== undefined) patch.renamed = [...this.state.renamed, outcome];
    this.set(patch);
  }
}
