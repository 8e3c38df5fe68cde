// Errors from netcore arrive as { code, message } (codes from errors.ts). The person reads
// a sentence from the catalog chosen by the code, with the engine's own words as detail.
import type { ErrorCode } from '../../../../extensions/netcore/src/contract';
import { t, type MessageKey } from '../i18n/i18n';
import { isolate } from '../i18n/bidi';

export interface UiError {
  code: ErrorCode | 'UNKNOWN';
  message: string;
}

const KNOWN: Partial<Record<ErrorCode, MessageKey>> = {
  AUTH_FAILED: 'error.AUTH_FAILED',
  AUTH_REQUIRED: 'error.AUTH_REQUIRED',
  LOCKED_OUT: 'error.LOCKED_OUT',
  SERVER_FULL: 'error.SERVER_FULL',
  BUSY: 'error.BUSY',
  TIMEOUT: 'error.TIMEOUT',
  NOT_FOUND: 'error.NOT_FOUND',
  CONNECTION_FAILED: 'error.CONNECTION_FAILED',
  CONNECTION_LOST: 'error.CONNECTION_LOST',
  PIN_UNKNOWN: 'error.PIN_UNKNOWN',
  PIN_MISMATCH: 'error.PIN_MISMATCH',
  DISK_FULL: 'error.DISK_FULL',
  WRITE_FAILED: 'error.WRITE_FAILED',
  SHARE_INVALID: 'error.SHARE_INVALID',
  PORT_IN_USE: 'error.PORT_IN_USE',
  CERT_FAILED: 'error.CERT_FAILED',
  CHAT_CLOSED: 'error.CHAT_CLOSED',
  SHUTTING_DOWN: 'error.SHUTTING_DOWN',
  DISCONNECTED: 'error.DISCONNECTED',
  INTEGRITY_FAILED: 'error.INTEGRITY_FAILED',
  FILE_CHANGED: 'error.FILE_CHANGED',
  BAD_ARGUMENT: 'error.BAD_ARGUMENT',
};

/** Reads `{ code, message }` from whatever a rejected request gave. */
function toUiError(err: unknown): UiError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(err);
    return { code: typeof e.code === 'string' ? (e.code as ErrorCode) : 'UNKNOWN', message };
  }
  return { code: 'UNKNOWN', message: String(err) };
}

/** One sentence for the person: what happened, then the engine's detail. */
export function errorText(err: unknown): string {
  const e = toUiError(err);
  const key = e.code === 'UNKNOWN' ? undefined : KNOWN[e.code];
  return key ? t(key, { detail: isolate(e.message) }) : t('error.generic', { detail: isolate(e.message) });
}

export function errorCode(err: unknown): ErrorCode | 'UNKNOWN' {
  return toUiError(err).code;
}
