// Prepares the next files of a download request while the current one is sent, so the
// wire does not wait for each small file's path checks, open, stat and read in turn. A
// file is opened (with every check of Share.openFile), its first frame read when the file
// is small, and — when that frame is the whole rest of the file — the file is stat-ed
// again after the read, which is the check that it did not change while it was read.
// Memory and descriptors stay bounded: at most READ_AHEAD_FILES files, and the window
// stops behind a file too large to read ahead until that file's turn comes.
import type { Stats } from 'node:fs';
import type { FileRequest } from '../protocol/messages';
import { ChunkReader, SMALL_READ_BYTES } from './chunk-reader';
import type { OpenedFile, Share } from './share';

/** Files opened ahead of the one being sent. */
export const READ_AHEAD_FILES = 16;

export interface PreparedFile {
  opened: OpenedFile;
  reader: ChunkReader;
  /**
   * The file's stat taken after its only frame was read, when one frame is the whole
   * rest of it; otherwise the sender stats the file after its last frame itself.
   */
  statAfterRead?: Promise<Stats>;
}

export class RequestReadAhead {
  private readonly slots = new Map<number, Promise<PreparedFile>>();
  /** The next index not started yet. */
  private nextIndex = 0;
  /** Set while a file started ahead turned out too large to read ahead. */
  private blockedAt: number | undefined;
  private closed = false;

  constructor(
    private readonly share: Share,
    private readonly files: readonly FileRequest[],
  ) {}

  /**
   * The file at `index`, opened and checked, its reader positioned at the request's
   * offset; rejects as Share.openFile does. The files after it start meanwhile.
   */
  take(index: number): Promise<PreparedFile> {
    let prepared = this.slots.get(index);
    this.slots.delete(index);
    if (!prepared) {
      this.nextIndex = Math.max(this.nextIndex, index + 1);
      prepared = this.start(index);
    }
    if (this.blockedAt !== undefined && this.blockedAt <= index) this.blockedAt = undefined;
    this.fill();
    return prepared;
  }

  /** The request ended early: what was prepared is closed. */
  close(): void {
    this.closed = true;
    for (const prepared of this.slots.values()) void prepared.then(release, () => undefined);
    this.slots.clear();
  }

  private fill(): void {
    while (!this.closed && this.blockedAt === undefined && this.slots.size < READ_AHEAD_FILES && this.nextIndex < this.files.length) {
      const index = this.nextIndex++;
      const prepared = this.start(index);
      prepared.catch(() => undefined);
      this.slots.set(index, prepared);
    }
  }

  private async start(index: number): Promise<PreparedFile> {
    const req = this.files[index]!;
    const opened = await this.share.openFile(req.path);
    const size = opened.stat.size;
    const reader = new ChunkReader(opened.handle, Math.min(req.offset, size), size);
    const prepared: PreparedFile = { opened, reader };
    if (this.closed) {
      release(prepared);
      return prepared;
    }
    if (size - req.offset > SMALL_READ_BYTES) {
      // Not read ahead: the window waits here until this file is being sent.
      if (this.slots.has(index)) this.blockedAt = index;
      return prepared;
    }
    const read = reader.prime();
    if (req.offset <= size) {
      prepared.statAfterRead = read.then(() => opened.handle.stat());
      prepared.statAfterRead.catch(() => undefined);
    }
    return prepared;
  }
}

function release(prepared: PreparedFile): void {
  prepared.reader.close();
  void prepared.opened.handle.close().catch(() => undefined);
}
