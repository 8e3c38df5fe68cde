// Limits and defaults of the server log and its exports. Units are in the names.

/** Entries kept in memory; the oldest are dropped first. */
export const LOG_MEMORY_MAX_ENTRIES = 50_000;
/** The entries kept in memory take at most about this much (counted as UTF-16 text). */
export const LOG_MEMORY_MAX_BYTES = 8 * 1024 * 1024;
/** The longest message an entry keeps, in UTF-8 bytes; longer ones end in "…". */
export const LOG_MESSAGE_MAX_BYTES = 1024;
/** The longest address or session id an entry keeps, in UTF-8 bytes. */
export const LOG_FIELD_MAX_BYTES = 64;
/** Entries one peer address may add per window; the rest are counted and summed up. */
export const LOG_PEER_MAX_ENTRIES = 500;
export const LOG_PEER_WINDOW_MS = 10_000;

/** Folder inside the data directory that holds the log files (DESIGN §4). */
export const LOG_DIR_NAME = 'logs';
export const LOG_FILE_NAME = 'server.log';
/** The log file is rotated once it has reached this size. */
export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024;
/** Rotated files kept beside the current one: server.log.1 (newest) … server.log.5. */
export const LOG_FILE_KEEP = 5;
/** One write to the log file carries at most about this much; larger backlogs take several. */
export const LOG_WRITE_BATCH_BYTES = 256 * 1024;
export const LOG_DIR_MODE = 0o700;
export const LOG_FILE_MODE = 0o600;

/** Exports hold addresses and session ids, so they are private to the user, like the log. */
export const LOG_EXPORT_FILE_MODE = 0o600;
/** Rows formatted between two yields to the event loop while an export is built. */
export const LOG_EXPORT_CHUNK_ROWS = 2_000;
/** Excel refuses a cell holding more text than this. */
export const XLSX_MAX_CELL_CHARS = 32_767;
/** Widest column in an .xlsx export, in characters. */
export const XLSX_MAX_COLUMN_CHARS = 100;
