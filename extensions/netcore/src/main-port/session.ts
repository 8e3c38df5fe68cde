// One client on the main port: handshake, login, listing and downloads (PROTOCOL.md §3-§6);
// a download's answer is sent by request-sender.ts.
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  BUSY_RETRY_MS,
  FRAME_BUDGET_MIN_BYTES,
  PING_MAX_PER_WINDOW,
  PING_WINDOW_MS,
  LIST_PAGE_TARGET_BYTES,
  PENDING_MAX_FRAME_BYTES,
  PRODUCT_VERSION,
  PROTOCOL_VERSION,
} from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry, type LogCategory as Category } from '../logs/log-entry';
import { processFrames } from '../serving/chunk-reader';
import { processSendPieces } from '../serving/send-pieces';
import type { AdmissionTicket, WaitingConnection } from '../serving/admission';
import { verdictEntry } from '../serving/auth';
import type { ChatLink, ClientSession } from '../serving/sessions';
import { SessionActivity, type ActivitySnapshot } from '../serving/session-activity';
import { parseClientMessage, parseLargeClientFrame, type ClientMessage, type FileEntry, type ServerMessage } from '../protocol/messages';
import { RequestList } from '../protocol/request-list';
import { countReasons, describeNotShared, type NotSharedReason } from '../protocol/not-shared';
import { FramedSocket } from '../transport/framed-socket';
import { WindowCounter } from '../transport/window-counter';
import { RequestSender } from './request-sender';
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
  /**
   * A DOWNLOAD_FILES that came while a download ran (WELCOME `queue`, PROTOCOL.md §4): it
   * starts once that one has sent its DOWNLOAD_DONE, so the link does not stand idle
   * between two requests. `cancelled`: a CANCEL came while it waited.
   */
  private waiting: { files: RequestList; packs: boolean; cancelled: boolean } | undefined;
  /** The running request is a download (a second DOWNLOAD_FILES may wait behind it). */
  private downloading = false;
  private loginInFlight = false;
  private failed = false;
  private readonly pings = new WindowCounter(PING_MAX_PER_WINDOW, PING_WINDOW_MS);
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
          this.waiting?.files.release();
          this.waiting = undefined;
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
        if (this.waiting) this.waiting.cancelled = true;
        return;
      case 'LIST_FILES':
      case 'DOWNLOAD_FILES': {
        // One download may wait behind the one running (WELCOME `queue`); nothing else may.
        const mayWait = msg.type === 'DOWNLOAD_FILES' && this.downloading && !this.waiting;
        const refusal =
          this.phase !== 'ready'
            ? new PssError(ErrorCode.AUTH_REQUIRED, 'log in first')
            : this.running && !mayWait
              ? new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'a request is already running')
              : undefined;
        if (refusal) {
          list?.release();
          return this.fail(refusal);
        }
        if (msg.type === 'LIST_FILES') return void this.runExclusive(() => this.list());
        // Held outside V8's heap while it waits and while it is served (protocol/request-list.ts).
        const files = msg.files instanceof RequestList ? msg.files : RequestList.pack(msg.files);
        if (this.running) {
          this.waiting = { files, packs: msg.packs === true, cancelled: false };
          return;
        }
        return this.startDownload(files, msg.packs === true);
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
      queue: 1,
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
    const sender = new RequestSender({
      conn: this.conn,
      ctx: this.ctx,
      activity: this.activity,
      session: this,
      cancelled: () => this.cancelled,
      log: (category, message) => this.log(category, message),
    });
    this.downloading = true;
    void this.runExclusive(() => sender.send(files, packs)).finally(() => {
      this.downloading = false;
      files.release();
      lease.release();
      this.startWaiting();
    });
  }

  /** Starts the download that waited behind the one just ended; one cancelled while it waited only gets its DOWNLOAD_DONE. */
  private startWaiting(): void {
    const next = this.waiting;
    this.waiting = undefined;
    if (!next) return;
    if (this.conn.closed || this.failed || this.closeReason !== undefined) return next.files.release();
    if (next.cancelled) {
      next.files.release();
      return this.send({ type: 'DOWNLOAD_DONE', files: 0, bytes: 0, cancelled: true });
    }
    this.startDownload(next.files, next.packs);
  }
}
