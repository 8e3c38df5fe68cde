// The Client screen, put together from one controller per concern: the connection, the
// file list, the save destination, downloads, and the server's chat and warnings. This
// one wires them to each other and writes the status line, which speaks of all of them;
// the banners of the last action are a ScreenOutcome every part reports to.
import type { NetcoreApi } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { ltr } from '../i18n/bidi';
import { t } from '../i18n/i18n';
import { ClientChatController } from './client-chat-controller';
import { ClientConnectionController } from './client-connection-controller';
import { ClientDestinationController } from './client-destination-controller';
import { ClientDownloadsController, summaryLine } from './client-downloads-controller';
import { ClientFilesController } from './client-files-controller';
import { OutcomeStore } from './screen-outcome';
import type { SettingsStore } from './settings-store';

export class ClientController {
  /** The banners of the last action, whichever part it belonged to. */
  readonly outcome = new OutcomeStore();
  readonly connection: ClientConnectionController;
  readonly files: ClientFilesController;
  readonly destination: ClientDestinationController;
  readonly downloads: ClientDownloadsController;
  readonly chat: ClientChatController;

  constructor(api: NetcoreApi, shell: Shell, settings: SettingsStore) {
    const outcome = this.outcome;
    this.files = new ClientFilesController(api, outcome);
    this.destination = new ClientDestinationController(shell, settings, outcome);
    this.chat = new ClientChatController(api, shell, outcome);
    this.connection = new ClientConnectionController(api, settings, outcome, {
      starting: () => {
        this.files.clear();
        this.downloads.clear();
        this.chat.clear();
      },
      ready: () => this.files.list(),
      ended: () => {
        this.files.clear();
        this.downloads.clear();
        this.chat.closeChat();
      },
    });
    this.downloads = new ClientDownloadsController(api, shell, outcome, { connection: this.connection, files: this.files, destination: this.destination });
  }

  dispose(): void {
    this.connection.dispose();
    this.downloads.dispose();
    this.chat.dispose();
  }

  /** The status line: the connection's phase, or how the last download went. */
  statusLine(): string {
    const c = this.connection.state.connection;
    const run = this.downloads.state;
    const server = ltr(this.connection.server);
    if (run.downloading) {
      const p = run.progress;
      return p ? t('client.status.downloading', { done: p.filesDone, total: p.filesTotal }) : t('client.status.starting');
    }
    switch (this.connection.phase) {
      case 'connecting':
        return t('client.status.connecting', { server });
      case 'awaiting-trust':
        return t('client.status.awaitingTrust', { server });
      case 'awaiting-password':
        return t('client.status.awaitingPassword', { server });
      case 'downloading':
        return t('client.status.starting');
      case 'connected': {
        if (run.summary) return summaryLine(run.summary);
        const tree = this.files.state.tree;
        if (tree) return t('client.status.connectedFiles', { server, files: tree.tree.root.fileCount });
        return t('client.status.connected', { server });
      }
      case 'disconnected':
        if (c?.canRetry) return t('client.status.retryable');
        if (run.summary) return summaryLine(run.summary);
        return c === null ? t('client.status.idle') : t('client.status.disconnected');
    }
  }
}
