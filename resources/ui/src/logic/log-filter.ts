// The Logs tab's filter, applied in the page to the entries it holds (the engine keeps the
// same rule for queries and exports): chosen categories, and a case-insensitive text found
// in the message, address, session id or category.
import type { LogCategory, LogEntry, LogQuery } from '../../../../extensions/netcore/src/contract';

export interface LogFilter {
  /** Categories to show; empty shows all. */
  categories: ReadonlySet<LogCategory>;
  text: string;
}

export const noLogFilter: LogFilter = { categories: new Set(), text: '' };

export function logMatches(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.categories.size > 0 && !filter.categories.has(entry.category)) return false;
  const needle = filter.text.trim().toLowerCase();
  if (needle === '') return true;
  return (
    entry.message.toLowerCase().includes(needle) ||
    (entry.address ?? '').toLowerCase().includes(needle) ||
    (entry.sessionId ?? '').toLowerCase().includes(needle) ||
    entry.category.toLowerCase().includes(needle)
  );
}

/** The same filter as an engine query, so an export holds what the table shows. */
export function toLogQuery(filter: LogFilter): LogQuery {
  const query: LogQuery = {};
  if (filter.categories.size > 0) query.categories = [...filter.categories];
  const text = filter.text.trim();
  if (text !== '') query.text = text;
  return query;
}
