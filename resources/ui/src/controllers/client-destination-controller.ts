// The Client screen's Save Destination: the base folder from the native folder dialog
// (remembered between runs) and the optional new sub-folder, checked when Create is
// pressed and made by the engine when the download starts.
import type { Shell } from '../app/shell';
import { ltr } from '../i18n/bidi';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import { folderNameProblem, joinDestination } from '../logic/folder-name';
import type { ScreenOutcome } from './screen-outcome';
import type { SettingsStore } from './settings-store';
import { Store } from './store';

export interface DestinationViewState {
  /** Base Save Destination. */
  destination: string;
  subfolderEnabled: boolean;
  subfolderDraft: string;
  /** The sub-folder confirmed with Create; downloads go there while the box is ticked. */
  subfolder: string | null;
}

export class ClientDestinationController extends Store<DestinationViewState> {
  constructor(
    private readonly shell: Shell,
    private readonly settings: SettingsStore,
    private readonly outcome: ScreenOutcome,
  ) {
    super({ destination: settings.value.downloadFolder, subfolderEnabled: false, subfolderDraft: '', subfolder: null });
  }

  /** 📁: the native folder dialog for the Base Save Destination. */
  async chooseDestination(): Promise<void> {
    try {
      const chosen = await this.shell.pickFolder(t('client.destination.dialogTitle'), this.state.destination || undefined);
      if (chosen === null) return;
      this.set({ destination: chosen });
      this.outcome.clearError();
      void this.settings.update({ downloadFolder: chosen });
    } catch (err) {
      this.outcome.fail(errorText(err));
    }
  }

  setSubfolderEnabled(subfolderEnabled: boolean): void {
    this.set({ subfolderEnabled });
    this.outcome.clearError();
  }

  setSubfolderDraft(subfolderDraft: string): void {
    this.set({ subfolderDraft });
  }

  /** Create: checks the name; the engine makes the folder when the download starts. */
  createSubfolder(): boolean {
    const name = this.state.subfolderDraft.trim();
    const problem = folderNameProblem(name);
    if (problem !== null) {
      this.set({ subfolder: null });
      this.outcome.fail(t(problem));
      return false;
    }
    this.set({ subfolder: name });
    this.outcome.succeed(t('client.subfolder.created', { path: ltr(joinDestination(this.state.destination, name)) }));
    return true;
  }

  /** Where files will land, with the sub-folder when it is ticked and created. */
  get effectiveDestination(): string {
    const s = this.state;
    return joinDestination(s.destination, s.subfolderEnabled ? s.subfolder : null);
  }

  /** Why no download can go here yet, or null. */
  problem(): string | null {
    const s = this.state;
    if (s.destination === '') return t('client.problem.noDestination');
    if (s.subfolderEnabled && s.subfolder === null) return t('client.problem.subfolder');
    return null;
  }

  /** The destination part of a `client.download` request. */
  request(): { destination: string; subfolder?: string } {
    const s = this.state;
    return { destination: s.destination, ...(s.subfolderEnabled && s.subfolder ? { subfolder: s.subfolder } : {}) };
  }
}
