// Every error code the product uses, with one line each in PROTOCOL.md §8.
// Errors cross socket, thread and process boundaries, so callers match on `code`.

export const ErrorCode = {
  BAD_FRAME: 'BAD_FRAME',
  BAD_MESSAGE: 'BAD_MESSAGE',
  UNEXPECTED_MESSAGE: 'UNEXPECTED_MESSAGE',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  AUTH_FAILED: 'AUTH_FAILED',
  LOCKED_OUT: 'LOCKED_OUT',
  SERVER_FULL: 'SERVER_FULL',
  BUSY: 'BUSY',
  TIMEOUT: 'TIMEOUT',
  NOT_FOUND: 'NOT_FOUND',
  BAD_PATH: 'BAD_PATH',
  TOO_MANY_FILES: 'TOO_MANY_FILES',
  FILE_CHANGED: 'FILE_CHANGED',
  READ_FAILED: 'READ_FAILED',
  CANCELLED: 'CANCELLED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  DISCONNECTED: 'DISCONNECTED',
  CHAT_CLOSED: 'CHAT_CLOSED',
  INTERNAL: 'INTERNAL',
  // Client side.
  PIN_UNKNOWN: 'PIN_UNKNOWN',
  PIN_MISMATCH: 'PIN_MISMATCH',
  INTEGRITY_FAILED: 'INTEGRITY_FAILED',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  CONNECTION_LOST: 'CONNECTION_LOST',
  DISK_FULL: 'DISK_FULL',
  WRITE_FAILED: 'WRITE_FAILED',
  // Configuration and local input.
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  SHARE_INVALID: 'SHARE_INVALID',
  PORT_IN_USE: 'PORT_IN_USE',
  CERT_FAILED: 'CERT_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The form an error takes on the wire, between threads and towards the UI. */
export interface SerializedError {
  name: string;
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

export class PssError extends Error {
  override name = 'PssError';
  readonly code: ErrorCode;
  /** Set for LOCKED_OUT: when another attempt may succeed. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): SerializedError {
    const out: SerializedError = { name: this.name, code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    return out;
  }
}

/**
 * A PssError without a stack trace, for refusals a peer can cause thousands of times a
 * second (a file that is not shared): nobody reads their stacks, and capturing one costs
 * more memory than the rest of the error.
 */
export function refusal(code: ErrorCode, message: string): PssError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new PssError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** Rebuilds an error that crossed a boundary; unknown codes become INTERNAL. */
export function deserializeError(value: { code?: unknown; message?: unknown; retryAfterMs?: unknown }): PssError {
  const code = isErrorCode(value.code) ? value.code : ErrorCode.INTERNAL;
  const message = typeof value.message === 'string' ? value.message : 'unknown error';
  const retryAfterMs = typeof value.retryAfterMs === 'number' ? value.retryAfterMs : undefined;
  return new PssError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** Maps a Node file-system error to a product error with a readable message. */
export function fromFsError(err: unknown, action: string, fallback: ErrorCode): PssError {
  if (err instanceof PssError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    return new PssError(ErrorCode.DISK_FULL, `${action}: the disk is full`, { cause: err });
  }
  if (e?.code === 'ENOENT') return new PssError(ErrorCode.NOT_FOUND, `${action}: not found`, { cause: err });
  const detail = e?.code ? `${e.code}` : String((err as Error)?.message ?? err);
  return new PssError(fallback, `${action}: ${detail}`, { cause: err });
}
