// One client on the main port: handshake, login, listing and downloads (PROTOCOL.md §3-§6).
import { createHash, randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  BUSY_RETRY_MS,
  FILE_ERRORS_LOGGED_PER_REQUEST,
  FRAME_BUDGET_MIN_BYTES,
  PING_MAX_PER_WINDOW,
  PING_WINDOW_MS,
  FRAME_HEADER_BYTES,
  LIST_PAGE_TARGET_BYTES,
  PACK_FILE_MAX_BYTES,
  PENDING_MAX_FRAME_BYTES,
  PRODUCT_VERSION,
  PROTOCOL_VERSION,
} from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogCategory as Category } from '../logs/log-entry';
import { RequestReadAhead, sameVersion, type PreparedFile } from '../serving/read-ahead';
import { processFrames } from '../serving/chunk-reader';
import { processSendPieces } from '../serving/send-pieces';
import type { AdmissionTicket, WaitingConnection } from '../serving/admission';
import { verdictEntry } from '../serving/auth';
import type { ChatLink, ClientSession } from '../serving/sessions';
import { SessionActivity, type ActivitySnapshot } from '../serving/session-activity';
import { parseClientMessage, parseLargeClientFrame, type ClientMessage, type FileEntry, type FileRequest, type ServerMessage } from '../protocol/messages';
import { RequestList } from '../protocol/request-list';
import { countReasons, describeNotShared, type NotSharedReason } from '../protocol/not-shared';
import { FramedSocket } from '../transport/framed-socket';
import { WindowCounter } from '../transport/window-counter';
import { chooseDigestSource, type DigestSource } from './digest-source';
import { FilePack } from './file-pack';
import type { ServerContext } from './server-context';

type Phase = 'hello' | 'login' | 'ready';

export class Session implements WaitingConnection, ClientSession {
  readonly id = randomBytes(6).toString('hex');
  readonly kind = 'desktop';
  readonly canChat = true;
  readonly address: string;
  readonly connectedAt = Date.now();
  name = '';
  private token: string | undefined;
  private readonly activity: SessionActivity;
  private phase: Phase = 'hello';
  private readonly conn: FramedSocket;
  private running = false;
  private cancelled = false;
  private loginInFlight = false;
  private failed = false;
  private readonly pings = new WindowCounter(PING_MAX_PER_WINDOW, PING_WINDOW_MS);
  /** Files of the running request answered with FILE_ERROR. */
  private refusedFiles = 0;
  private deadline: NodeJS.Timeout | undefined;
  /** Why the server ended this session, when it did. */
  private closeReason: string | undefined;
  /** Its place among the connections not yet admitted (serving/admission.ts). */
  ticket: AdmissionTicket | undefined;

  constructor(
    socket: TLSSocket,
    private readonly ctx: ServerContext,
    private readonly onClosed: (session: Session, reason: string) => void,
  ) {
    this.address = socket.remoteAddress ?? 'unknown';
    this.activity = new SessionActivity(() => ctx.sessions.touch(this));
    this.conn = new FramedSocket(
      socket,
      {
        control: (m) => this.onControl(m),
        data: () => this.fail(new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'clients do not send data frames')),
        failure: (err) => this.fail(err),
        closed: (err) => {
          clearTimeout(this.deadline);
          this.ticket?.leave();
          this.cancelled = true;
          this.activity.setStatus('disconnected');
          const reason = this.closeReason ?? (err ? err.message : 'disconnected');
          this.log(LogCategory.CONNECTION, `disconnected: ${reason}`);
          this.onClosed(this, reason);
        },
      },
      { pieces: processSendPieces },
    );
    this.conn.limitFrames(PENDING_MAX_FRAME_BYTES);
    // Big requests are assembled in the process's pooled frames.
    this.conn.shareFrameBudget(ctx.frames, FRAME_BUDGET_MIN_BYTES, processFrames, (body) => parseLargeClientFrame(body, processFrames));
    this.armDeadline(ctx.timeouts.helloMs, 'no HELLO in time');
    this.log(LogCategory.CONNECTION, 'connected');
  }

  /** A password check in flight: the server owes this connection an answer. */
  get working(): boolean {
    return this.loginInFlight;
  }

  /** Dropped to make room for newer connections before it was admitted. */
  evict(reason: string): void {
    this.log(LogCategory.SECURITY, `dropped before admission: ${reason}`);
    this.close(ErrorCode.BUSY, `${reason}; try again shortly`);
  }

  /** Ends the session with a reason the client shows (server full, shutting down, …). */
  close(code: ErrorCode, message: string, retryAfterMs?: number): void {
    this.cancelled = true;
    this.closeReason ??= message;
    const m: ServerMessage = { type: 'ERROR', code, message };
    if (retryAfterMs !== undefined) m.retryAfterMs = retryAfterMs;
    this.send(m);
    this.conn.end();
  }

  /** A request (a listing or a download) is running. */
  get busy(): boolean {
    return this.running;
  }

  /** Past HELLO and the login: the session holds a max-clients place. */
  get admitted(): boolean {
    return this.phase === 'ready';
  }

  /** What the client's chat connection presents (CHAT_HELLO), once it is logged in. */
  get chatToken(): string | undefined {
    return this.admitted ? this.token : undefined;
  }

  snapshot(paused: boolean): ActivitySnapshot {
    return this.activity.snapshot(paused);
  }

  /** The administrator's Disconnect (the registry has told the chat already). */
  disconnect(reason: string): void {
    this.log(LogCategory.CONNECTION, `disconnected by the administrator: ${reason}`);
    this.close(ErrorCode.DISCONNECTED, reason);
  }

  /** A warning the client shows prominently: over chat when it is open, else the main port. */
  warn(text: string, chat: ChatLink | undefined): void {
    const message = { type: 'WARN_S2C', text, time: new Date().toISOString() };
    if (chat) chat.send(message);
    else this.conn.send(message);
    this.log(LogCategory.SECURITY, `warning sent: ${text}`);
  }

  /**
   * The handshake and the login each get a fixed time, whatever the client sends meanwhile
   * (a socket timeout would restart on every byte).
   */
  private armDeadline(ms: number, why: string): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      this.log(LogCategory.SECURITY, `dropped: ${why}`);
      this.close(ErrorCode.TIMEOUT, why);
    }, ms);
    this.deadline.unref();
  }

  private send(message: ServerMessage): void {
    this.conn.send(message);
  }

  private log(category: Category, message: string): void {
    this.ctx.log(makeEntry(category, message, { sessionId: this.id, address: this.address }));
  }

  /** Fatal protocol error: say why, then close. Only the first is logged and answered. */
  private fail(err: PssError): void {
    if (this.failed) return;
    this.failed = true;
    const category = err.code === ErrorCode.BAD_PATH ? LogCategory.SECURITY_ALERT : LogCategory.SECURITY;
    this.log(category, `protocol error ${err.code}: ${err.message}`);
    this.cancelled = true;
    this.closeReason ??= `protocol error: ${err.message}`;
    this.send({ type: 'ERROR', code: err.code, message: err.message });
    this.conn.end();
  }

  private onControl(raw: unknown): void {
    // A large request's list, packed while its frame was parsed, goes back to the pool
    // unless a download takes it.
    const packed = (raw as { files?: unknown } | null)?.files;
    const list = packed instanceof RequestList ? packed : undefined;
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(raw);
    } catch (err) {
      list?.release();
      this.fail(err as PssError);
      return;
    }
    if (list && msg.type !== 'DOWNLOAD_FILES') list.release();
    switch (msg.type) {
      case 'HELLO':
        return this.onHello(msg);
      case 'LOGIN':
        return void this.onLogin(msg.password);
      case 'PING':
        // Before login a PING could hold a slot open forever; only sessions may keep alive.
        if (this.phase !== 'ready') return this.fail(new PssError(ErrorCode.AUTH_REQUIRED, 'log in first'));
        // PING keeps an idle session alive; a flood of them is not that.
        if (!this.pings.allow())
          return this.fail(new PssError(ErrorCode.UNEXPECTED_MESSAGE, `more than ${PING_MAX_PER_WINDOW} PINGs within ${PING_WINDOW_MS / 1000} s`));
        return this.send({ type: 'PONG', id: msg.id });
      case 'BYE':
        return this.conn.end();
      case 'CANCEL':
        this.cancelled = this.running;
        return;
      case 'LIST_FILES':
      case 'DOWNLOAD_FILES': {
        const refusal =
          this.phase !== 'ready'
            ? new PssError(ErrorCode.AUTH_REQUIRED, 'log in first')
            : this.running
              ? new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'a request is already running')
              : undefined;
        if (refusal) {
          list?.release();
          return this.fail(refusal);
        }
        if (msg.type === 'LIST_FILES') return void this.runExclusive(() => this.list());
        // Held outside V8's heap while it is served (protocol/request-list.ts).
        return this.startDownload(msg.files instanceof RequestList ? msg.files : RequestList.pack(msg.files), msg.packs === true);
      }
    }
  }

  private onHello(msg: Extract<ClientMessage, { type: 'HELLO' }>): void {
    if (this.phase !== 'hello') return this.fail(new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'HELLO was already sent'));
    if (msg.version !== PROTOCOL_VERSION) {
      return this.fail(new PssError(ErrorCode.UNSUPPORTED_VERSION, `this server speaks protocol version ${PROTOCOL_VERSION}`));
    }
    // A full server says so before the user types a password.
    if (!this.ctx.sessions.hasRoom()) return this.refuseFull();
    this.name = msg.name.trim() || this.address;
    const chatPort = this.ctx.chatPort();
    const base = {
      type: 'WELCOME',
      version: PROTOCOL_VERSION,
      server: `pss/${PRODUCT_VERSION}`,
      sessionId: this.id,
      ...(chatPort ? { chatPort } : {}),
    } as const;
    if (this.ctx.login) {
      this.phase = 'login';
      this.ctx.listed(this);
      this.armDeadline(this.ctx.timeouts.loginMs, 'no login in time');
      this.send({ ...base, auth: 'password' });
    } else {
      this.onAuthenticated();
      this.ctx.listed(this);
      this.send({ ...base, auth: 'none', token: this.token! });
    }
  }

  private refuseFull(): void {
    const max = this.ctx.sessions.maxClients;
    this.log(LogCategory.CONNECTION, `refused: server full (${max} clients)`);
    this.close(ErrorCode.SERVER_FULL, `the server is full (${max} clients at most)`);
  }

  /** From here on the session counts against max clients and may send large frames. */
  private onAuthenticated(): void {
    this.ticket?.leave();
    this.conn.limitFrames(undefined);
    this.phase = 'ready';
    this.activity.setStatus('idle');
    this.token = randomBytes(32).toString('base64url');
    clearTimeout(this.deadline);
    this.conn.socket.setTimeout(this.ctx.timeouts.idleMs);
  }

  private async onLogin(password: string): Promise<void> {
    if (this.phase !== 'login' || this.loginInFlight) {
      return this.fail(new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'LOGIN is not expected now'));
    }
    this.loginInFlight = true;
    // The verdict is final even if this connection closes meanwhile: the guard has
    // counted the attempt either way.
    const verdict = await this.ctx.login!.check(this.address, password);
    this.loginInFlight = false;
    const entry = verdictEntry(verdict, 'login');
    this.log(entry.category, entry.message);
    if (this.conn.closed) return;
    if (verdict.ok) {
      if (!this.ctx.sessions.hasRoom()) return this.refuseFull();
      this.onAuthenticated();
      this.send({ type: 'LOGIN_OK', token: this.token! });
      return;
    }
    this.close(verdict.code, verdict.message, verdict.retryAfterMs);
  }

  private async runExclusive(work: () => Promise<void>): Promise<void> {
    this.running = true;
    this.cancelled = false;
    try {
      await work();
      this.activity.setStatus('idle');
    } catch (err) {
      const e = err instanceof PssError ? err : new PssError(ErrorCode.INTERNAL, String((err as Error)?.message ?? err));
      if (!this.conn.closed) {
        this.log(LogCategory.ERROR, `request failed: ${e.message}`);
        this.close(e.code, e.message);
      }
    } finally {
      this.running = false;
    }
  }

  private async list(): Promise<void> {
    // The administrator hears of what is left out through the share's report (§5.1).
    const reasons: NotSharedReason[] = [];
    const entries = await this.ctx.share.list((_, reason) => reasons.push(reason));
    const share = this.ctx.share.identity;
    // Pages keep every control frame far below its cap, whatever the share holds.
    let page: FileEntry[] = [];
    let pageBytes = 0;
    for (const entry of entries) {
      page.push(entry);
      pageBytes += Buffer.byteLength(entry.path) + 64;
      if (pageBytes >= LIST_PAGE_TARGET_BYTES) {
        await this.conn.sendAwait({ type: 'FILE_LIST', share, entries: page, done: false });
        page = [];
        pageBytes = 0;
      }
    }
    const notShared = countReasons(reasons);
    this.send({ type: 'FILE_LIST', share, entries: page, done: true, ...(reasons.length > 0 ? { notShared } : {}) });
    this.log(LogCategory.FILE_TRANSFER, `listed ${entries.length} files` + (reasons.length > 0 ? `; ${describeNotShared(notShared)}` : ''));
  }

  /** A download holds its list's share of the request budget until it ends. */
  private startDownload(files: RequestList, packs: boolean): void {
    const lease = this.ctx.requests.take(files.cost);
    if (!lease) {
      files.release();
      this.log(LogCategory.SECURITY, `request of ${files.length} files refused: the server is busy with other requests`);
      return this.close(ErrorCode.BUSY, 'the server is busy with other requests; try again shortly', BUSY_RETRY_MS);
    }
    void this.runExclusive(() => this.download(files, packs ? new FilePack() : undefined)).finally(() => {
      files.release();
      lease.release();
    });
  }

  /** Sends a request's files in order; whole small files go in packs when the client takes them (`pack`). */
  private async download(files: RequestList, pack: FilePack | undefined): Promise<void> {
    let done = 0;
    let bytes = 0;
    const count = (sent: { files: number; bytes: number }) => {
      done += sent.files;
      bytes += sent.bytes;
    };
    this.refusedFiles = 0;
    // The next files are opened and read while one is sent (serving/read-ahead.ts).
    const ahead = new RequestReadAhead(this.ctx.share, files);
    try {
      for (let i = 0; i < files.length; i++) {
        if (this.cancelled || this.conn.closed) break;
        const req = files.at(i)!;
        let next = ahead.take(i);
        if (pack && req.offset === 0) {
          const prepared = await next.catch(() => undefined);
          if (prepared && (await this.packOne(req, prepared, pack, count)) !== false) continue;
          // Anything else, a refusal included, goes after the files packed before it.
          count(await this.sendPack(pack));
          if (prepared) next = Promise.resolve(prepared);
        }
        // A client that asks for thousands of files and reads none of the answers waits here.
        await this.conn.whenWritable();
        const sent = await this.sendOne(req, next);
        if (sent >= 0) count({ files: 1, bytes: sent });
      }
      if (pack) count(await this.sendPack(pack));
    } finally {
      ahead.close();
    }
    const unlogged = this.refusedFiles - FILE_ERRORS_LOGGED_PER_REQUEST;
    if (unlogged > 0) this.log(LogCategory.FILE_TRANSFER, `and ${unlogged} more files of this request were refused`);
    if (!this.conn.closed) this.send({ type: 'DOWNLOAD_DONE', files: done, bytes, cancelled: this.cancelled });
  }

  /**
   * Puts a whole small file, read ahead in one frame, into the pack (sending the pack first
   * when the file does not fit). Returns false, having touched nothing, for a file that is
   * not one for a pack (sendOne sends it on its own); -1 for a file refused.
   */
  private async packOne(
    req: FileRequest,
    prepared: PreparedFile,
    pack: FilePack,
    count: (sent: { files: number; bytes: number }) => void,
  ): Promise<boolean | -1> {
    const { handle, stat, absPath } = prepared.opened;
    if (!prepared.statAfterRead || stat.size > PACK_FILE_MAX_BYTES) return false;
    let frame: Buffer | undefined;
    try {
      frame = await prepared.reader.next();
      // The stat after the read: the bytes are of the version stat-ed before it.
      if (!sameVersion(stat, await prepared.statAfterRead)) {
        count(await this.sendPack(pack));
        return this.fileError(req.path, ErrorCode.FILE_CHANGED, 'the file changed while it was being sent');
      }
      if (!pack.fits(req.path, stat.size)) count(await this.sendPack(pack));
      const bytes = frame ? frame.subarray(FRAME_HEADER_BYTES) : Buffer.alloc(0);
      let sha256 = this.ctx.hashes.get(absPath, stat);
      if (sha256 === undefined) {
        sha256 = createHash('sha256').update(bytes).digest('hex');
        this.ctx.hashes.set(absPath, stat, sha256);
      }
      pack.add({ path: req.path, size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), sha256 }, bytes);
      this.log(LogCategory.FILE_TRANSFER, `sending ${req.path}`);
      return true;
    } catch (err) {
      if (this.conn.closed) return -1;
      count(await this.sendPack(pack));
      const e = err as PssError;
      return this.fileError(req.path, e.code === ErrorCode.FILE_CHANGED ? e.code : ErrorCode.READ_FAILED, `read failed: ${e.message}`);
    } finally {
      if (frame) prepared.reader.release(frame);
      prepared.reader.close();
      void handle.close().catch(() => undefined);
    }
  }

  /** Sends what the pack holds, if anything: FILES_PACKED, then its DATA frame. Returns what it counted as sent. */
  private async sendPack(pack: FilePack): Promise<{ files: number; bytes: number }> {
    if (pack.empty) return { files: 0, bytes: 0 };
    await this.ctx.sessions.whenRunning(this);
    await this.conn.whenWritable();
    // Files not begun when the client cancelled are simply not sent (§6.3).
    if (this.conn.closed || this.cancelled) {
      pack.clear();
      return { files: 0, bytes: 0 };
    }
    const bytes = pack.bytes;
    await this.ctx.turns.take(bytes);
    const { message, frame } = pack.take();
    this.send(message);
    await this.conn.sendFrame(frame);
    const last = message.files[message.files.length - 1]!;
    this.activity.sentPack(last.path, last.size, bytes);
    return { files: message.files.length, bytes };
  }

  /** Streams one file; returns the bytes sent, or -1 when the file was refused. */
  /** FILE_ERROR for one file of the request; returns -1. */
  private fileError(path: string, code: ErrorCode, message: string): -1 {
    // The first few refusals of a request are logged one by one, the rest summed up.
    if (this.refusedFiles++ < FILE_ERRORS_LOGGED_PER_REQUEST) {
      this.log(code === ErrorCode.BAD_PATH ? LogCategory.SECURITY_ALERT : LogCategory.FILE_TRANSFER, `${path}: ${message}`);
    }
    this.send({ type: 'FILE_ERROR', path, code, message });
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
      this.send({ type: 'FILE_BEGIN', path: req.path, size: stat.size, mtimeMs, offset: req.offset });
      this.activity.beginFile(req.path, stat.size, req.offset);
      this.log(LogCategory.FILE_TRANSFER, req.offset > 0 ? `sending ${req.path} from byte ${req.offset}` : `sending ${req.path}`);
      source = chooseDigestSource({ hashes: this.ctx.hashes, pool: this.ctx.pool, absPath, stat, offset: req.offset, release: (f) => reader.release(f) });
      for (;;) {
        await this.ctx.sessions.whenRunning(this);
        if (this.conn.closed) return -1;
        // The client must learn the file ended early before DOWNLOAD_DONE closes the batch.
        if (this.cancelled) return fileError(ErrorCode.CANCELLED, 'cancelled by the client');
        const frame = await reader.next();
        if (!frame) break;
        const payload = frame.length - FRAME_HEADER_BYTES;
        try {
          await this.ctx.turns.take(payload);
          await this.conn.sendFrame(frame);
        } catch (err) {
          // The connection went while the frame waited: it goes back to the pool here, since
          // the digest that would have given it back never gets it.
          reader.release(frame);
          throw err;
        }
        this.activity.sent(payload);
        const behind = source.take(frame);
        if (behind) await behind;
      }
      await source.drain();
      const after = await (prepared.statAfterRead ?? handle.stat());
      if (!sameVersion(stat, after)) {
        return fileError(ErrorCode.FILE_CHANGED, 'the file changed while it was being sent');
      }
      const sha256 = await source.result();
      this.ctx.hashes.set(absPath, stat, sha256);
      this.send({ type: 'FILE_END', path: req.path, sha256 });
      return stat.size - req.offset;
    } catch (err) {
      if (this.conn.closed) return -1;
      const e = err as PssError;
      return fileError(e.code === ErrorCode.FILE_CHANGED ? e.code : ErrorCode.READ_FAILED, `read failed: ${e.message}`);
    } finally {
      reader.close();
      source?.close();
      void handle.close().catch(() => undefined);
    }
  }
}
