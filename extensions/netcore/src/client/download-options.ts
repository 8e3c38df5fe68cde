// What a download is given and what it gives back (client/download.ts).
import type { Writable } from 'node:stream';
import type { FileEntry } from '../protocol/messages';
import type { Storage } from '../protocol/storable-names';
import type { WorkerPool } from '../workers/pool';
import type { ServerConnection } from './connection';
import type { FileOutcome } from './download-plan';
import type { DownloadProgress } from './progress';

export interface DownloadResult {
  ok: boolean;
  files: FileOutcome[];
  bytes: number;
  durationMs: number;
  cancelled: boolean;
}

export interface DownloadOptions {
  connection: ServerConnection;
  entries: FileEntry[];
  /** Folder the files go into (a chosen sub-folder already included). Created if missing. */
  destination: string;
  /**
   * The server's whole listing. Names are mapped among their folder's names in it (§5.2),
   * so a file gets the same local name whatever else is selected. Defaults to `entries`.
   */
  listing?: readonly FileEntry[];
  /** What the destination can store; found out by a probe when not given. */
  storage?: Storage;
  pool: WorkerPool;
  onProgress?: (progress: DownloadProgress) => void;
  onFile?: (outcome: FileOutcome) => void;
  signal?: AbortSignal;
  /**
   * Sends the one selected file to this stream instead of the destination (no .part, no
   * resume); its size and SHA-256 are still checked.
   */
  output?: Writable;
  /**
   * Connects and logs in again. A server too busy for a request answers it BUSY and closes
   * the connection before sending anything of it; with this, the download waits the time the
   * server names, connects again and asks again, a few times, instead of failing. Whoever
   * passes it closes the connections it makes (the last one is `connection` after `run`).
   */
  reconnect?: () => Promise<ServerConnection>;
}
