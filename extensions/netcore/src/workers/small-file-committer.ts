// Small files committed in a pool worker (PROTOCOL.md §6.2). The download's thread checks
// each file's SHA-256 and hands the files of one turn of its event loop over at once; the
// worker runs the whole batch pipeline (batch-commit.ts) on its own event loop: the
// writes, the whole-file-system flushes, the renames. It answers file by file: once a
// file's bytes have left memory (for the download's back-pressure) and once the file is
// durable under its final name, or failed.
//
// Before, the download's thread drove the pipeline one step at a time. That thread is busy
// decrypting and hashing, and a trace of a 10,000-file download showed the disk thread
// waiting 2-30 ms for it at every step: 25-30% of the disk thread's time, on the path that
// decides when the download ends.
import { ErrorCode, PssError, type SerializedError } from '../errors';
import { BatchCommitter, CheckingCommitter, type SmallFile } from './batch-commit';
import { runDiskStep, type SmallFileDisk } from './small-file-disk';

/**
 * A small file as handed to a worker: its digest was checked already; `id` names it in the
 * answers. `giveBack`: its buffer goes back once every file in it is written (a pack's).
 */
export type CommitFile = Omit<SmallFile, 'sha256'> & { id: number; giveBack?: true };

/** What a worker tells of the files it was handed, gathered over one turn of its event loop. */
export interface SmallFileNews {
  kind: 'small-news';
  /** Files whose bytes have left memory: written as `.part` files, or failed. */
  written: number[];
  /** Files done (durable under their final names) or failed, with the cause. */
  settled: Array<{ id: number; error?: SerializedError }>;
  /** Buffers of `giveBack` files, all written: they move back with this message. */
  givenBack: ArrayBuffer[];
}

/**
 * Hands files to a worker; one promise per file, as BatchCommitter.add() gives. `written(i)`
 * is called once file i's bytes have left memory; `finishing` passes finishing() on after them.
 */
export type SendSmallFiles = (files: SmallFile[], written: (index: number) => void, finishing: boolean) => Array<Promise<void>>;

interface Outgoing {
  file: SmallFile;
  resolve: () => void;
  reject: (err: PssError) => void;
}

/** The download's side: checks, gathers and hands over; keeps the back-pressure of BatchCommitter. */
export class PooledCommitter extends CheckingCommitter {
  private outgoing: Outgoing[] = [];
  private scheduled = false;
  /** finishing() was called: the next message says so, after its files. */
  private finish = false;

  constructor(private readonly send: SendSmallFiles) {
    super();
  }

  finishing(): void {
    this.finish = true;
    this.schedule();
  }

  protected accept(file: SmallFile): Promise<void> {
    this.finish = false;
    return new Promise<void>((resolve, reject) => {
      this.outgoing.push({ file, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.post());
  }

  private post(): void {
    this.scheduled = false;
    const out = this.outgoing;
    this.outgoing = [];
    const finishing = this.finish;
    this.finish = false;
    if (out.length === 0 && !finishing) return;
    // Kept now: a file's bytes move to the worker and read as empty here afterwards.
    const sizes = out.map((o) => o.file.bytes.length);
    const released = out.map(() => false);
    const release = (i: number) => {
      if (released[i]) return;
      released[i] = true;
      this.room.release(sizes[i]!);
    };
    let done: Array<Promise<void>>;
    try {
      done = this.send(
        out.map((o) => o.file),
        release,
        finishing,
      );
    } catch (err) {
      const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, `the disk work failed: ${String(err)}`);
      out.forEach((o, i) => {
        release(i);
        o.reject(e);
      });
      return;
    }
    out.forEach((o, i) => {
      done[i]!.then(
        () => {
          release(i);
          o.resolve();
        },
        (err: PssError) => {
          release(i);
          o.reject(err);
        },
      );
    });
  }
}

/** Each disk step after a turn of the event loop, so files handed over meanwhile join the queue and news goes out. */
const diskAfterATurn: SmallFileDisk = (step, files) =>
  new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(runDiskStep(step, files));
      } catch (err) {
        reject(err);
      }
    }),
  );

/** The worker's side: one committer for every download the worker serves. */
let committer: BatchCommitter | undefined;
const idOf = new WeakMap<SmallFile, number>();
/** For each buffer to give back, how many of its files are not written yet. */
const unwritten = new Map<ArrayBufferLike, number>();
let news: SmallFileNews | undefined;

function gather(post: (news: SmallFileNews, transfer: ArrayBuffer[]) => void): SmallFileNews {
  if (!news) {
    const fresh: SmallFileNews = { kind: 'small-news', written: [], settled: [], givenBack: [] };
    news = fresh;
    setImmediate(() => {
      news = undefined;
      post(fresh, fresh.givenBack);
    });
  }
  return news;
}

/** In a worker: takes files handed over and answers through `post`, a turn of the event loop at a time. */
export function commitInThisThread(files: CommitFile[], finishing: boolean, post: (news: SmallFileNews, transfer: ArrayBuffer[]) => void): void {
  committer ??= new BatchCommitter({
    disk: diskAfterATurn,
    onWritten: (written) => {
      const told = gather(post);
      for (const file of written) {
        told.written.push(idOf.get(file)!);
        const left = unwritten.get(file.bytes.buffer);
        if (left === undefined) continue;
        if (left > 1) unwritten.set(file.bytes.buffer, left - 1);
        else {
          unwritten.delete(file.bytes.buffer);
          told.givenBack.push(file.bytes.buffer as ArrayBuffer);
        }
      }
    },
  });
  for (const f of files) if (f.giveBack) unwritten.set(f.bytes.buffer, (unwritten.get(f.bytes.buffer) ?? 0) + 1);
  for (const f of files) {
    // Built field by field: a rest-and-spread copy of each file cost 6 µs a file.
    const file: SmallFile = { part: f.part, target: f.target, bytes: f.bytes, mtimeMs: f.mtimeMs };
    if (f.staleMeta !== undefined) file.staleMeta = f.staleMeta;
    const id = f.id;
    idOf.set(file, id);
    committer.add(file).then(
      () => gather(post).settled.push({ id }),
      (err: unknown) => {
        const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, String(err));
        gather(post).settled.push({ id, error: e.toJSON() });
      },
    );
  }
  if (finishing) committer.finishing();
}
