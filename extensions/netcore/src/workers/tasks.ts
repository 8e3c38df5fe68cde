// Messages between the pool and its workers. Errors cross the thread boundary as
// { name, code, message } (STYLE: errors that cross a boundary are serialised).
import type { SerializedError } from '../errors';

export type WorkerTask = { kind: 'hash-file'; path: string; start: number; end?: number };

export type WorkerReply = { ok: true; value: string } | { ok: false; error: SerializedError };
