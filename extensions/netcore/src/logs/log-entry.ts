// One structured log entry (its shape is in contract.ts). The categories are the
// original's, plus Web for browsers.
import type { LogCategory as LogCategoryName, LogEntry } from '../contract';

export type { LogEntry };

export const LogCategory = {
  SERVER_STATUS: 'Server Status',
  CONNECTION: 'Connection',
  AUTHENTICATION: 'Authentication',
  FILE_TRANSFER: 'File Transfer',
  CHAT: 'Chat',
  SECURITY: 'Security',
  SECURITY_ALERT: 'Security Alert',
  ERROR: 'Error',
  WEB: 'Web',
} as const satisfies Record<string, LogCategoryName>;
export type LogCategory = LogCategoryName;

/** Every category, in the order a filter list shows them. */
export const LOG_CATEGORIES: readonly LogCategory[] = Object.freeze(Object.values(LogCategory));

const KNOWN_CATEGORIES = new Set<string>(LOG_CATEGORIES);

export function isLogCategory(value: unknown): value is LogCategory {
  return typeof value === 'string' && KNOWN_CATEGORIES.has(value);
}

export type LogSink = (entry: LogEntry) => void;

export function makeEntry(category: LogCategory, message: string, who: { sessionId?: string | undefined; address?: string | undefined } = {}): LogEntry {
  const entry: LogEntry = { time: new Date().toISOString(), category, message };
  if (who.sessionId !== undefined) entry.sessionId = who.sessionId;
  if (who.address !== undefined) entry.address = who.address;
  return entry;
}
