// Messages between the pool and its workers. Every task carries an id and every reply
// names it, because a worker interleaves tasks (a file hash waits on reads while stream
// blocks keep arriving; a block's write, though, holds the worker until the disk takes
// it). Errors cross the thread boundary as { name, code, message }.
import type { SerializedError } from '../errors';
import type { CommitFile, SmallFileNews } from './small-file-committer';

/** Where a block goes on disk: an open descriptor (any thread may use it) and a position. */
export interface BlockTarget {
  fd: number;
  position: number;
  /** For error messages only. */
  path: string;
}

export type WorkerTask =
  | { kind: 'hash-file'; id: number; path: string; start: number; end?: number }
  /**
   * Adds a block to stream `stream`'s digest, after writing it to `write` when given; the
   * block is transferred and sent back.
   */
  | { kind: 'stream-update'; id: number; stream: number; data: Uint8Array; write?: BlockTarget }
  | { kind: 'stream-digest'; id: number; stream: number }
  | { kind: 'stream-drop'; id: number; stream: number }
  /** Builds a log export's .xlsx file from JSON rows (logs/xlsx-workbook.ts); bytes are transferred both ways. */
  | { kind: 'build-log-workbook'; id: number; rows: Uint8Array }
  /**
   * Small files for the worker's committer (small-file-committer.ts); their bytes are handed
   * over. Answered file by file in SmallFileNews, never by `id`.
   */
  | { kind: 'small-commit'; id: number; files: CommitFile[]; finishing?: true };

export type WorkerValue = string | Uint8Array | null;

export type WorkerReply = { id: number; ok: true; value: WorkerValue } | { id: number; ok: false; error: SerializedError } | SmallFileNews;

/** A SHA-256 fed block by block, in this thread or in a pool worker. */
export interface BlockDigest {
  /** Adds the view's bytes; resolves with a view of the same bytes, free to reuse. */
  update(view: Uint8Array): Promise<Uint8Array>;
  /**
   * Present when the digest runs in a worker: writes the view to `target` there, then adds
   * it, so a file's blocks reach the disk without a round trip through the event loop.
   */
  writeThenUpdate?(target: BlockTarget, view: Uint8Array): Promise<Uint8Array>;
  digest(): Promise<string>;
  /** Forgets it (an aborted transfer). */
  drop(): void;
}
