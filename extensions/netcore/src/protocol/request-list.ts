// A download request's files as the server holds them while it serves the request.
//
// A request names up to MAX_FILES_PER_REQUEST paths and is served for as long as its
// files take; kept as JavaScript strings, its paths outlived the young generation's
// collections and filled V8's old generation, request after request, when a peer sent
// long lists back to back. Here the paths are one buffer of UTF-8 outside V8's heap and
// each file's request is made again, briefly, when its turn comes. A large request's list
// is built while its frame is parsed, one file at a time (messages.ts, streamedFileList),
// so its files never exist as strings all at once either. A long list is kept in a pooled
// frame, given back by release(): a buffer of its own would come from the C library's
// heap, which keeps what was freed (transport/slab-pool.ts says why).

export interface FileRequest {
  path: string;
  /** Bytes the client already has; the server sends from here. */
  offset: number;
  /** With offset > 0: the size and mtime the partial copy was started against. */
  size?: number;
  mtimeMs?: number;
}

/** Files by index; an array of FileRequest is one too. */
export interface FileRequests {
  readonly length: number;
  at(index: number): FileRequest | undefined;
}

/** Where long lists are kept: a pool of fixed-size frames (the server's 1 MiB frames). */
export interface FrameSource {
  take(): Buffer;
  give(view: Uint8Array): void;
}

/** Lists of paths longer than this (UTF-8 bytes) move to a pooled frame when a pool is given. */
export const POOLED_LIST_MIN_BYTES = 64 * 1024;

export class RequestList implements FileRequests {
  private released = false;

  /** Use RequestList.pack or a RequestListBuilder. */
  constructor(
    private readonly paths: Buffer,
    /** Where each path ends in `paths`; path i starts where path i - 1 ends. */
    private readonly ends: Uint32Array,
    /** offset, size and mtimeMs of each file, NaN where absent. */
    private readonly numbers: Float64Array,
    private readonly pool: FrameSource | undefined,
    /** What the list is counted at against the server's request budget. */
    readonly cost: number,
  ) {}

  static pack(files: readonly FileRequest[], pool?: FrameSource): RequestList {
    const builder = new RequestListBuilder(pool);
    for (const f of files) builder.add(f);
    return builder.finish();
  }

  get length(): number {
    return this.ends.length;
  }

  at(index: number): FileRequest | undefined {
    if (this.released) throw new Error('the request list was released');
    if (!Number.isInteger(index) || index < 0 || index >= this.ends.length) return undefined;
    const start = index === 0 ? 0 : this.ends[index - 1]!;
    const req: FileRequest = { path: this.paths.toString('utf8', start, this.ends[index]), offset: this.numbers[3 * index]! };
    const size = this.numbers[3 * index + 1]!;
    const mtimeMs = this.numbers[3 * index + 2]!;
    if (!Number.isNaN(size)) req.size = size;
    if (!Number.isNaN(mtimeMs)) req.mtimeMs = mtimeMs;
    return req;
  }

  /** Idempotent: gives the pooled frame back. The list must not be read afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool?.give(this.paths);
  }
}

/** What a list is counted at: about 2 bytes a path character and 96 a file (PROTOCOL.md §11). */
function listCost(path: string): number {
  return 2 * path.length + 96;
}

/** Builds a RequestList one file at a time; finish() or discard() ends it. */
export class RequestListBuilder {
  private paths: Buffer = Buffer.allocUnsafeSlow(4096);
  /** Set once the paths are in a frame of the pool. */
  private pooled = false;
  private used = 0;
  private ends = new Uint32Array(64);
  private numbers = new Float64Array(64 * 3);
  private count = 0;
  private cost = 0;
  private done = false;

  constructor(private readonly pool?: FrameSource) {}

  /** Files added so far. */
  get length(): number {
    return this.count;
  }

  add(f: FileRequest): void {
    if (this.done) throw new Error('the list is finished');
    const bytes = Buffer.byteLength(f.path);
    this.room(bytes);
    this.used += this.paths.write(f.path, this.used);
    if (this.count === this.ends.length) {
      this.ends = grown(this.ends, this.ends.length * 2);
      this.numbers = grown(this.numbers, this.numbers.length * 2);
    }
    const i = this.count++;
    this.ends[i] = this.used;
    this.numbers[3 * i] = f.offset;
    this.numbers[3 * i + 1] = f.size ?? Number.NaN;
    this.numbers[3 * i + 2] = f.mtimeMs ?? Number.NaN;
    this.cost += listCost(f.path);
  }

  finish(): RequestList {
    this.done = true;
    const ends = this.ends.slice(0, this.count);
    const numbers = this.numbers.slice(0, 3 * this.count);
    const paths = this.pooled ? this.paths.subarray(0, this.used) : Buffer.from(this.paths.subarray(0, this.used));
    return new RequestList(paths, ends, numbers, this.pooled ? this.pool : undefined, this.cost);
  }

  /** The list will not be finished (its frame was refused): gives the pooled frame back. */
  discard(): void {
    if (this.done) return;
    this.done = true;
    if (this.pooled) this.pool!.give(this.paths);
  }

  /** Makes room for `bytes` more: into a pooled frame once the list is long, else a bigger buffer. */
  private room(bytes: number): void {
    const need = this.used + bytes;
    if (need <= this.paths.length) return;
    let next: Buffer | undefined;
    if (this.pool && !this.pooled && need > POOLED_LIST_MIN_BYTES) {
      next = this.pool.take();
      if (next.length < need) {
        this.pool.give(next);
        next = undefined;
      }
    }
    const pooled = next !== undefined;
    next ??= Buffer.allocUnsafeSlow(Math.max(need, 2 * this.paths.length));
    this.paths.copy(next, 0, 0, this.used);
    if (this.pooled) this.pool!.give(this.paths);
    this.paths = next;
    this.pooled = pooled;
  }
}

function grown<T extends Uint32Array | Float64Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
