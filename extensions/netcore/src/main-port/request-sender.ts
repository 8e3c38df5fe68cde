// Answers one DOWNLOAD_FILES request (PROTOCOL.md §6): its files in order, each on its own
// or, for a client that takes them, whole small files in packs (§6.4); a file that cannot be
// sent gets its FILE_ERROR in its place, and DOWNLOAD_DONE ends the answer.
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { FILE_ERRORS_LOGGED_PER_REQUEST, FRAME_HEADER_BYTES, PACK_FILE_MAX_BYTES } from '../constants';
import { ErrorCode, type PssError } from '../errors';
import { LogCategory, type LogCategory as Category } from '../logs/log-entry';
import type { FileRequest } from '../protocol/messages';
import type { RequestList } from '../protocol/request-list';
import { type OpenedSmallFile, RequestReadAhead, sameVersion, type PreparedFile } from '../serving/read-ahead';
import type { SessionActivity } from '../serving/session-activity';
import type { ClientSession } from '../serving/sessions';
import type { FramedSocket } from '../transport/framed-socket';
import { chooseDigestSource, type DigestSource } from './digest-source';
import { FilePack } from './file-pack';
import type { ServerContext } from './server-context';

/** What the sender needs of its session. */
export interface SenderSession {
  conn: FramedSocket;
  ctx: ServerContext;
  activity: SessionActivity;
  /** For the administrator's pause (sessions.whenRunning). */
  session: ClientSession;
  /** Whether the client cancelled (or the session is ending). */
  cancelled(): boolean;
  log(category: Category, message: string): void;
}

export class RequestSender {
  /** Files of this request answered with FILE_ERROR. */
  private refusedFiles = 0;
  /** Files sent whole, and their bytes, for DOWNLOAD_DONE. */
  private filesSent = 0;
  private bytesSent = 0;

  constructor(private readonly s: SenderSession) {}

  /** Sends the request's files in order; whole small files go in packs when the client takes them (`packs`). */
  async send(files: RequestList, packs: boolean): Promise<void> {
    const pack = packs ? new FilePack() : undefined;
    // The next files are opened and read while one is sent (serving/read-ahead.ts); with
    // packs, small files are read on the spot instead, while reads stay quick.
    const ahead = new RequestReadAhead(this.s.ctx.share, files, packs);
    try {
      for (let i = 0; i < files.length; i++) {
        if (this.s.cancelled() || this.s.conn.closed) break;
        const req = files.at(i)!;
        // A run of small files goes straight into the pack, each read here and now.
        const small = pack && req.offset === 0 ? ahead.openSmall(i, PACK_FILE_MAX_BYTES) : undefined;
        if (small) {
          await this.packSmall(req, small, pack!, ahead);
          continue;
        }
        let next = ahead.take(i);
        if (pack) {
          const prepared = req.offset === 0 ? await next.catch(() => undefined) : undefined;
          if (prepared && (await this.packOne(req, prepared, pack))) continue;
          // Anything else (a resumed file, a larger one, a refusal) goes after the files packed before it.
          await this.sendPack(pack);
          if (prepared) next = Promise.resolve(prepared);
        }
        // A client that asks for thousands of files and reads none of the answers waits here.
        await this.s.conn.whenWritable();
        const sent = await this.sendOne(req, next);
        if (sent >= 0) {
          this.filesSent++;
          this.bytesSent += sent;
        }
      }
      if (pack) await this.sendPack(pack);
    } finally {
      ahead.close();
    }
    const unlogged = this.refusedFiles - FILE_ERRORS_LOGGED_PER_REQUEST;
    if (unlogged > 0) this.s.log(LogCategory.FILE_TRANSFER, `and ${unlogged} more files of this request were refused`);
    if (!this.s.conn.closed) this.s.conn.send({ type: 'DOWNLOAD_DONE', files: this.filesSent, bytes: this.bytesSent, cancelled: this.s.cancelled() });
  }

  /**
   * Puts a whole small file, read ahead in one frame, into the pack (sending the pack first
   * when the file does not fit), or refuses it in its place, after the pack gathered before
   * it. False, having touched nothing, for a file that is not one for a pack: sendOne sends
   * it on its own.
   */
  private async packOne(req: FileRequest, prepared: PreparedFile, pack: FilePack): Promise<boolean> {
    const { handle, stat, absPath } = prepared.opened;
    if (!prepared.statAfterRead || stat.size > PACK_FILE_MAX_BYTES) return false;
    let frame: Buffer | undefined;
    try {
      let refusal: { code: ErrorCode; message: string } | undefined;
      try {
        frame = await prepared.reader.next();
        // The stat after the read: the bytes are of the version stat-ed before it.
        if (!sameVersion(stat, await prepared.statAfterRead)) refusal = { code: ErrorCode.FILE_CHANGED, message: 'the file changed while it was being sent' };
      } catch (err) {
        const e = err as PssError;
        refusal = { code: e.code === ErrorCode.FILE_CHANGED ? e.code : ErrorCode.READ_FAILED, message: `read failed: ${e.message}` };
      }
      if (refusal) {
        await this.sendPack(pack);
        if (!this.s.conn.closed) this.fileError(req.path, refusal.code, refusal.message);
        return true;
      }
      if (!pack.fits(req.path, stat.size)) await this.sendPack(pack);
      const bytes = frame ? frame.subarray(FRAME_HEADER_BYTES) : Buffer.alloc(0);
      pack.add({ path: req.path, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), sha256: this.digestOf(absPath, stat, bytes) }, bytes);
      this.s.log(LogCategory.FILE_TRANSFER, `sending ${req.path}`);
      return true;
    } finally {
      if (frame) prepared.reader.release(frame);
      prepared.reader.close();
      void handle.close().catch(() => undefined);
    }
  }

  /**
   * A small file opened by the read-ahead's openSmall(), read straight into the pack (which
   * is sent first when the file does not fit), or refused in its place after the pack
   * gathered before it.
   */
  private async packSmall(req: FileRequest, small: OpenedSmallFile, pack: FilePack, ahead: RequestReadAhead): Promise<void> {
    const { stat, absPath } = small;
    if (!pack.fits(req.path, stat.size)) {
      try {
        await this.sendPack(pack);
      } catch (err) {
        ahead.dropSmall(small);
        throw err;
      }
    }
    const bytes = pack.space(stat.size);
    const refusal = ahead.readSmall(small, bytes);
    if (refusal) {
      await this.sendPack(pack);
      if (!this.s.conn.closed) this.fileError(req.path, refusal.code, refusal.message);
      return;
    }
    pack.added({ path: req.path, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), sha256: this.digestOf(absPath, stat, bytes) });
    this.s.log(LogCategory.FILE_TRANSFER, `sending ${req.path}`);
  }

  /** A whole file's SHA-256, from the cache when this version was hashed before. */
  private digestOf(absPath: string, stat: Stats, bytes: Uint8Array): string {
    let sha256 = this.s.ctx.hashes.get(absPath, stat);
    if (sha256 === undefined) {
      sha256 = createHash('sha256').update(bytes).digest('hex');
      this.s.ctx.hashes.set(absPath, stat, sha256);
    }
    return sha256;
  }

  /** Sends what the pack holds, if anything: FILES_PACKED, then its DATA frame. */
  private async sendPack(pack: FilePack): Promise<void> {
    if (pack.empty) return;
    await this.running();
    if (!this.s.conn.closed) await this.s.conn.whenWritable();
    // Files not begun when the client cancelled (or left) are simply not sent (§6.3).
    if (this.s.conn.closed || this.s.cancelled()) {
      pack.clear();
      return;
    }
    const bytes = pack.bytes;
    await this.s.ctx.turns.take(bytes);
    const { message, frame } = pack.take();
    this.s.conn.send(message);
    await this.s.conn.sendFrame(frame);
    const last = message.files[message.files.length - 1]!;
    this.s.activity.sentPack(last.path, last.size, bytes);
    this.filesSent += message.files.length;
    this.bytesSent += bytes;
  }

  /**
   * The administrator's pause gate, passed before each piece sent; a client that leaves
   * while held there ends the request (and lets go of its share of the request budget)
   * instead of holding it until Resume.
   */
  private running(): Promise<void> {
    return Promise.race([this.s.ctx.sessions.whenRunning(this.s.session), this.s.conn.whenClosed()]);
  }

  /** FILE_ERROR for one file of the request; returns -1. */
  private fileError(path: string, code: ErrorCode, message: string): -1 {
    // The first few refusals of a request are logged one by one, the rest summed up.
    if (this.refusedFiles++ < FILE_ERRORS_LOGGED_PER_REQUEST) {
      this.s.log(code === ErrorCode.BAD_PATH ? LogCategory.SECURITY_ALERT : LogCategory.FILE_TRANSFER, `${path}: ${message}`);
    }
    this.s.conn.send({ type: 'FILE_ERROR', path, code, message });
    return -1;
  }

  private async sendOne(req: FileRequest, next: Promise<PreparedFile>): Promise<number> {
    const fileError = (code: ErrorCode, message: string): number => this.fileError(req.path, code, message);
    let prepared: PreparedFile;
    try {
      prepared = await next;
    } catch (err) {
      const e = err as PssError;
      return fileError(e.code ?? ErrorCode.NOT_FOUND, e.message);
    }
    const { handle, stat, absPath } = prepared.opened;
    const reader = prepared.reader;
    let source: DigestSource | undefined;
    try {
      const mtimeMs = Math.trunc(stat.mtimeMs);
      if (req.offset > 0 && (stat.size !== req.size || mtimeMs !== req.mtimeMs)) {
        return fileError(ErrorCode.FILE_CHANGED, 'the file changed since the partial download began');
      }
      if (req.offset > stat.size) return fileError(ErrorCode.FILE_CHANGED, 'the offset is past the end of the file');
      this.s.conn.send({ type: 'FILE_BEGIN', path: req.path, size: stat.size, mtimeMs, offset: req.offset });
      this.s.activity.beginFile(req.path, stat.size, req.offset);
      this.s.log(LogCategory.FILE_TRANSFER, req.offset > 0 ? `sending ${req.path} from byte ${req.offset}` : `sending ${req.path}`);
      source = chooseDigestSource({ hashes: this.s.ctx.hashes, pool: this.s.ctx.pool, absPath, stat, offset: req.offset, release: (f) => reader.release(f) });
      for (;;) {
        await this.running();
        if (this.s.conn.closed) return -1;
        // The client must learn the file ended early before DOWNLOAD_DONE closes the batch.
        if (this.s.cancelled()) return fileError(ErrorCode.CANCELLED, 'cancelled by the client');
        const frame = await reader.next();
        if (!frame) break;
        const payload = frame.length - FRAME_HEADER_BYTES;
        try {
          await this.s.ctx.turns.take(payload);
          await this.s.conn.sendFrame(frame);
        } catch (err) {
          // The connection went while the frame waited: it goes back to the pool here, since
          // the digest that would have given it back never gets it.
          reader.release(frame);
          throw err;
        }
        this.s.activity.sent(payload);
        const behind = source.take(frame);
        if (behind) await behind;
      }
      await source.drain();
      const after = await (prepared.statAfterRead ?? handle.stat());
      if (!sameVersion(stat, after)) {
        return fileError(ErrorCode.FILE_CHANGED, 'the file changed while it was being sent');
      }
      const sha256 = await source.result();
      this.s.ctx.hashes.set(absPath, stat, sha256);
      this.s.conn.send({ type: 'FILE_END', path: req.path, sha256 });
      return stat.size - req.offset;
    } catch (err) {
      if (this.s.conn.closed) return -1;
      const e = err as PssError;
      return fileError(e.code === ErrorCode.FILE_CHANGED ? e.code : ErrorCode.READ_FAILED, `read failed: ${e.message}`);
    } finally {
      reader.close();
      source?.close();
      void handle.close().catch(() => undefined);
    }
  }
}
