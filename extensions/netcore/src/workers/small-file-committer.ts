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
import { BatchCommitter, CheckingCommitter, type SettledFile, type SmallFile } from './batch-commit';
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

/** Told of the files handed over together, by their place: once each file's bytes have left memory, and once it is done or failed. */
export interface SmallFilesTold {
  written(index: number): void;
  settled(index: number, err: PssError | undefined): void;
}

/** Hands files to a worker, which tells `told` of each; `finishing` passes finishing() on after them. */
export type SendSmallFiles = (files: SmallFile[], told: SmallFilesTold, finishing: boolean) => void;

interface Outgoing {
  file: SmallFile;
  settled: SettledFile;
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

  protected accept(file: SmallFile, settled: SettledFile): void {
    this.finish = false;
    this.outgoing.push({ file, settled });
    this.schedule();
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
    const released = new Uint8Array(out.length);
    const written = (i: number) => {
      if (released[i]) return;
      released[i] = 1;
      this.room.release(sizes[i]!);
    };
    const settled = (i: number, err: PssError | undefined) => {
      written(i);
      const o = out[i]!;
      o.settled(err, o.file);
    };
    try {
      this.send(
        out.map((o) => o.file),
        { written, settled },
        finishing,
      );
    } catch (err) {
      const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, `the disk work failed: ${String(err)}`);
      for (let i = 0; i < out.length; i++) settled(i, e);
    }
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
/** For each buffer to give back, how many of its files are not written yet. */
const unwritten = new Map<ArrayBufferLike, number>();
let news: SmallFileNews | undefined;
/** Where news goes: the same for every call (worker-main.ts). */
let postNews: (news: SmallFileNews, transfer: ArrayBuffer[]) => void = () => undefined;

function gather(): SmallFileNews {
  if (!news) {
    const fresh: SmallFileNews = { kind: 'small-news', written: [], settled: [], givenBack: [] };
    news = fresh;
    setImmediate(() => {
      news = undefined;
      postNews(fresh, fresh.givenBack);
    });
  }
  return news;
}

/** One function tells of every file: a file here is the CommitFile it was handed as. */
const settledHere: SettledFile = (err, file) => {
  const id = (file as CommitFile).id;
  gather().settled.push(err ? { id, error: err.toJSON() } : { id });
};

function writtenHere(written: readonly SmallFile[]): void {
  const told = gather();
  for (const file of written) {
    told.written.push((file as CommitFile).id);
    const left = unwritten.get(file.bytes.buffer);
    if (left === undefined) continue;
    if (left > 1) unwritten.set(file.bytes.buffer, left - 1);
    else {
      unwritten.delete(file.bytes.buffer);
      told.givenBack.push(file.bytes.buffer as ArrayBuffer);
    }
  }
}

/** In a worker: takes files handed over and answers through `post`, a turn of the event loop at a time. */
export function commitInThisThread(files: CommitFile[], finishing: boolean, post: (news: SmallFileNews, transfer: ArrayBuffer[]) => void): void {
  postNews = post;
  committer ??= new BatchCommitter({ disk: diskAfterATurn, onWritten: writtenHere });
  for (const f of files) if (f.giveBack) unwritten.set(f.bytes.buffer, (unwritten.get(f.bytes.buffer) ?? 0) + 1);
  // Each file is taken as it came: its id travels with it to the answers.
  for (const f of files) committer.commit(f, settledHere);
  if (finishing) committer.finishing();
}
