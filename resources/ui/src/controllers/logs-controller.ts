// The server's Logs tab: every entry the engine keeps, newest first, filtered by category
// and text in the page, live as entries arrive, and Export Logs… through a save dialog.
import type { LogCategory, LogEntry, LogExportFormat, NetcoreApi } from '../../../../extensions/netcore/src/contract';
import type { FileFilter, Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import { logMatches, noLogFilter, toLogQuery, type LogFilter } from '../logic/log-filter';
import { Store } from './store';
import { ltr } from '../i18n/bidi';

/** As many as the engine keeps in memory. */
const MAX_LOG_ROWS = 50_000;

export interface LogsState {
  /** Every entry held, newest first. */
  all: readonly LogEntry[];
  /** The ones the filter lets through, newest first: what the table shows. */
  visible: readonly LogEntry[];
  filter: LogFilter;
  exporting: boolean;
  error: string | null;
  notice: string | null;
}

function logKey(e: LogEntry): string {
  return `${e.time}\u0000${e.category}\u0000${e.sessionId ?? ''}\u0000${e.address ?? ''}\u0000${e.message}`;
}

const FORMATS: readonly LogExportFormat[] = ['xlsx', 'txt', 'csv'];

/** The export format a chosen file name asks for, and the name with its extension. */
export function exportTarget(path: string): { path: string; format: LogExportFormat } {
  const match = /\.([A-Za-z]+)$/.exec(path);
  const ext = match?.[1]?.toLowerCase();
  const known = FORMATS.find((f) => f === ext);
  return known ? { path, format: known } : { path: `${path}.xlsx`, format: 'xlsx' };
}

export class LogsController extends Store<LogsState> {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
  ) {
    super({ all: [], visible: [], filter: noLogFilter, exporting: false, error: null, notice: null });
    this.unsubscribe = api.on('log.entry', (entry) => this.arrived(entry));
  }

  async start(): Promise<void> {
    try {
      const listed = await this.api.request('logs.query', { limit: MAX_LOG_ROWS });
      // Entries that arrived while the query ran are newer than anything it returned.
      const seen = new Set(this.state.all.map(logKey));
      const all = [...this.state.all, ...listed.filter((e) => !seen.has(logKey(e)))].slice(0, MAX_LOG_ROWS);
      this.set({ all, visible: this.filtered(all, this.state.filter) });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  dispose(): void {
    this.unsubscribe();
  }

  setText(text: string): void {
    this.setFilter({ categories: this.state.filter.categories, text });
  }

  /** Shows or hides one category; with none chosen, all are shown. */
  toggleCategory(category: LogCategory): void {
    const categories = new Set(this.state.filter.categories);
    if (categories.has(category)) categories.delete(category);
    else categories.add(category);
    this.setFilter({ categories, text: this.state.filter.text });
  }

  showAllCategories(): void {
    this.setFilter({ categories: new Set(), text: this.state.filter.text });
  }

  /** Export Logs…: the native save dialog, then the engine writes what the filter shows. */
  async exportLogs(): Promise<void> {
    if (this.state.exporting) return;
    const filters: FileFilter[] = [
      { name: t('logs.export.xlsx'), extensions: ['xlsx'] },
      { name: t('logs.export.txt'), extensions: ['txt'] },
      { name: t('logs.export.csv'), extensions: ['csv'] },
    ];
    this.set({ exporting: true, error: null, notice: null });
    try {
      const chosen = await this.shell.pickSavePath(t('logs.export.title'), filters, t('logs.export.defaultName'));
      if (chosen === null) {
        this.set({ exporting: false });
        return;
      }
      const target = exportTarget(chosen);
      const query = toLogQuery(this.state.filter);
      const result = await this.api.request('logs.export', { format: target.format, filePath: target.path, query });
      const notice = t('logs.export.done', { rows: result.rows, path: ltr(result.path) });
      this.set({ exporting: false, notice });
      void this.shell.notify(t('app.name'), notice).catch(() => undefined);
    } catch (err) {
      this.set({ exporting: false, error: errorText(err) });
    }
  }

  private setFilter(filter: LogFilter): void {
    this.set({ filter, visible: this.filtered(this.state.all, filter), notice: null });
  }

  private filtered(all: readonly LogEntry[], filter: LogFilter): readonly LogEntry[] {
    return filter.categories.size === 0 && filter.text.trim() === '' ? all : all.filter((e) => logMatches(e, filter));
  }

  private arrived(entry: LogEntry): void {
    const all = [entry, ...this.state.all].slice(0, MAX_LOG_ROWS);
    const visible = logMatches(entry, this.state.filter) ? [entry, ...this.state.visible].slice(0, MAX_LOG_ROWS) : this.state.visible;
    this.set({ all, visible });
  }
}
