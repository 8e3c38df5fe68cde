// A pack of whole small files as it arrives (PROTOCOL.md §6.4): FILES_PACKED names them,
// then one DATA frame carries their bytes one after another. The bytes gather in one buffer
// the pool lends (WorkerPool.packBuffer); each file is then a view of it, and the whole
// buffer moves to the disk thread at once and comes back once written
// (workers/small-file-committer.ts).
import { ErrorCode, PssError } from '../errors';
import type { PackedFile } from '../protocol/messages';

export class IncomingPack {
  readonly total: number;
  private readonly buffer: Buffer;
  private fill = 0;
  /** Where each file starts in the buffer. */
  private readonly starts: number[];

  /** `allocate` gives memory for the pack's bytes (WorkerPool.packBuffer). */
  constructor(
    readonly files: readonly PackedFile[],
    allocate: (size: number) => Buffer,
  ) {
    let at = 0;
    this.starts = files.map((f) => {
      const start = at;
      at += f.size;
      return start;
    });
    this.total = at;
    this.buffer = allocate(at);
  }

  get received(): number {
    return this.fill;
  }

  get complete(): boolean {
    return this.fill === this.total;
  }

  /** The file whose bytes are arriving now (the last one once all have). */
  get currentFile(): PackedFile {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > this.fill) i--;
    return this.files[i]!;
  }

  /** Takes the next bytes of the DATA frame; more than the files add up to is an error. */
  write(bytes: Buffer): void {
    if (this.fill + bytes.length > this.total) {
      throw new PssError(ErrorCode.INTEGRITY_FAILED, 'the server sent more bytes than the packed files have');
    }
    this.fill += bytes.copy(this.buffer, this.fill);
  }

  /** File i's bytes: a view of the pack's buffer. */
  bytesOf(i: number): Buffer {
    const start = this.starts[i]!;
    return this.buffer.subarray(start, start + this.files[i]!.size);
  }
}
