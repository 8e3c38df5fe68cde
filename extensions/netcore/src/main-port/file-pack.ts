// A pack of whole small files (PROTOCOL.md §6.4), gathered by the sender: their names,
// sizes, times and digests for one FILES_PACKED message, their bytes one after another in
// one DATA frame. Per file that is one JSON entry instead of two control messages and a
// frame of its own.
import { FRAME_HEADER_BYTES, PACK_MAX_FILES, PACK_MAX_JSON_BYTES, READ_CHUNK_BYTES } from '../constants';
import { FrameType, writeHeader } from '../protocol/frames';
import type { PackedFile } from '../protocol/messages';

/** What a file's entry adds to the message besides its path: size, time, digest, keys. */
const ENTRY_JSON_BYTES = 128;

export class FilePack {
  private files: PackedFile[] = [];
  /** The DATA frame being filled: header, then the files' bytes; one per pack, reused. */
  private frame: Buffer | undefined;
  private fill = 0;
  private jsonBytes = 0;

  get empty(): boolean {
    return this.files.length === 0;
  }

  get bytes(): number {
    return this.fill;
  }

  /** Whether a file of `size` bytes at `path` still fits this pack. */
  fits(path: string, size: number): boolean {
    return this.files.length < PACK_MAX_FILES && this.fill + size <= READ_CHUNK_BYTES && this.jsonBytes + entryBytes(path) <= PACK_MAX_JSON_BYTES;
  }

  /** Adds a file that fits(); its bytes are copied, so the caller may reuse them. */
  add(file: PackedFile, bytes: Uint8Array): void {
    this.space(bytes.length).set(bytes);
    this.added(file);
  }

  /**
   * Where the next file's `size` bytes go, for a file that fits(): the caller reads them
   * straight in, then calls added(). Until then they are not part of the pack.
   */
  space(size: number): Buffer {
    this.frame ??= Buffer.allocUnsafeSlow(FRAME_HEADER_BYTES + READ_CHUNK_BYTES);
    const at = FRAME_HEADER_BYTES + this.fill;
    return this.frame.subarray(at, at + size);
  }

  /** The file whose bytes were put in space() is part of the pack from now on. */
  added(file: PackedFile): void {
    this.fill += file.size;
    this.jsonBytes += entryBytes(file.path);
    this.files.push(file);
  }

  /**
   * The pack's message and DATA frame; the pack is empty again afterwards. The frame is a
   * view of memory the next pack fills: it must have left before the next add().
   */
  take(): { message: { type: 'FILES_PACKED'; files: PackedFile[] }; frame: Buffer } {
    const frame = (this.frame ?? Buffer.allocUnsafeSlow(FRAME_HEADER_BYTES)).subarray(0, FRAME_HEADER_BYTES + this.fill);
    writeHeader(frame, FrameType.DATA, this.fill);
    const message = { type: 'FILES_PACKED' as const, files: this.files };
    this.clear();
    return { message, frame };
  }

  /** Forgets what was gathered (after take(), or for a cancelled request). */
  clear(): void {
    this.files = [];
    this.fill = 0;
    this.jsonBytes = 0;
  }
}

function entryBytes(path: string): number {
  return Buffer.byteLength(JSON.stringify(path)) + ENTRY_JSON_BYTES;
}
