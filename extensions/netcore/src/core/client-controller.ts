// The desktop client's side of the core: one server connection at a time, the trust
// prompt, login, listing, downloads with retry, chat and warnings. It speaks in contract
// terms (commands in, events out) and knows nothing of the UI.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { shortFingerprint } from '../certs/certificate';
import type { KnownServers } from '../certs/known-servers';
import { ChatClient } from '../client/chat-client';
import { ServerConnection, whileBusy } from '../client/connection';
import { Download, type FileOutcome } from '../client/download';
import { selectEntries } from '../client/selection';
import { hostPortKey } from '../client/server-address';
import type { ChatMessage, ClientPhase, ClientState, DownloadRequest, DownloadSummary, EventSink, FileOutcomeInfo, ShareListing } from '../contract';
import { ErrorCode, PssError } from '../errors';
import { HOST_NAMES, segmentProblem } from '../protocol/path-rules';
import type { WorkerPool } from '../workers/pool';

function outcomeInfo(o: FileOutcome): FileOutcomeInfo {
  return {
    path: o.path,
    status: o.status,
    ...(o.savedAs !== undefined ? { savedAs: o.savedAs } : {}),
    ...(o.code ? { code: o.code } : {}),
    ...(o.message ? { message: o.message } : {}),
  };
}

export class ClientController {
  private phase: ClientPhase = 'disconnected';
  private server: { host: string; port: number; displayName: string } | undefined;
  private fingerprint: string | undefined;
  private connection: ServerConnection | undefined;
  private chat: ChatClient | undefined;
  private trustDecision: ((accept: boolean) => void) | undefined;
  /** Kept in memory only, so Retry can log in again after a lost connection. */
  private password: string | undefined;
  private listing: ShareListing | undefined;
  private download: Download | undefined;
  private lastRequest: DownloadRequest | undefined;
  private canRetry = false;
  /** Messages sent so far: their ids count down from -1 (the server's count up from 1). */
  private sent = 0;

  constructor(
    private readonly pins: KnownServers,
    private readonly pool: WorkerPool,
    private readonly emit: EventSink,
  ) {}

  state(): ClientState {
    return {
      phase: this.phase,
      server: this.server ? hostPortKey(this.server) : null,
      fingerprint: this.fingerprint ?? null,
      shortFingerprint: this.fingerprint ? shortFingerprint(this.fingerprint) : null,
      canRetry: this.canRetry,
      chatReady: this.chat !== undefined && !this.chat.closed,
    };
  }

  async connect(host: string, port: number, displayName = hostname()): Promise<ClientState> {
    if (this.phase !== 'disconnected') this.disconnect();
    this.server = { host, port, displayName };
    this.password = undefined;
    this.canRetry = false;
    // The worker that writes downloads starts while the connection is made, not at the first file.
    this.pool.warmUp();
    await this.open();
    return this.state();
  }

  trust(accept: boolean): ClientState {
    const decide = this.trustDecision;
    if (!decide) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'no certificate is waiting for a decision');
    this.trustDecision = undefined;
    decide(accept);
    return this.state();
  }

  async login(password: string): Promise<ClientState> {
    let conn = this.requireConnection('awaiting-password');
    try {
      // A server with too many passwords to check answers BUSY and closes: connect again
      // and send the password again after the wait it names, a few times.
      await whileBusy(async () => {
        if (conn.closed) {
          await this.open();
          conn = this.requireConnection('awaiting-password');
        }
        await conn.login(password);
      });
    } catch (err) {
      const e = err as PssError;
      if (e.code === ErrorCode.AUTH_FAILED) {
        // The server closes after a wrong password; reconnect so the user can try again.
        await this.open();
        this.update(this.phase);
      }
      throw e;
    }
    this.password = password;
    this.connected();
    return this.state();
  }

  async list(): Promise<ShareListing> {
    const conn = this.requireConnection('connected');
    this.listing = await conn.list();
    this.update('connected');
    return this.listing;
  }

  async startDownload(request: DownloadRequest): Promise<DownloadSummary> {
    let destination = request.destination;
    if (request.subfolder !== undefined && request.subfolder !== '') {
      const problem = segmentProblem(request.subfolder, HOST_NAMES);
      if (problem) throw new PssError(ErrorCode.BAD_ARGUMENT, `the sub-folder name is not usable (${problem})`);
      destination = join(destination, request.subfolder);
    }
    const conn = this.requireConnection('connected');
    this.lastRequest = request;
    this.listing ??= await conn.list();
    const entries = selectEntries(this.listing.entries, request.paths, request.paths.length === 0);
    this.update('downloading');
    const download = new Download({
      connection: conn,
      entries,
      listing: this.listing.entries,
      destination,
      pool: this.pool,
      onProgress: (p) => this.emit('client.progress', p),
      onFile: (o) => this.emit('client.file', outcomeInfo(o)),
      // A server too busy for the request says so and closes; connect again and carry on.
      reconnect: async () => {
        const again = await this.reopen();
        this.update('downloading');
        return again;
      },
    });
    this.download = download;
    try {
      const result = await download.run();
      this.canRetry = !result.ok;
      const phase = this.connection && !this.connection.closed ? 'connected' : 'disconnected';
      this.update(phase);
      return {
        ok: result.ok,
        cancelled: result.cancelled,
        files: result.files.map(outcomeInfo),
        bytes: result.bytes,
        durationMs: result.durationMs,
        destination,
      };
    } finally {
      this.download = undefined;
    }
  }

  cancel(): void {
    this.download?.cancel();
  }

  /** Runs the last download again, reconnecting first when the connection was lost. */
  async retry(): Promise<DownloadSummary> {
    if (!this.lastRequest || !this.server) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, 'there is no download to retry');
    if (!this.connection || this.connection.closed) await this.reopen();
    this.listing = undefined;
    return this.startDownload(this.lastRequest);
  }

  sendChat(text: string): ChatMessage {
    if (!this.chat || this.chat.closed) throw new PssError(ErrorCode.CHAT_CLOSED, 'the chat is not connected');
    this.chat.send(text);
    this.sent++;
    return { id: -this.sent, sessionId: this.connection?.sessionId ?? '', from: 'client', text, time: new Date().toISOString() };
  }

  disconnect(): ClientState {
    this.trustDecision?.(false);
    this.trustDecision = undefined;
    this.download?.cancel();
    this.chat?.close();
    this.chat = undefined;
    this.connection?.close();
    this.connection = undefined;
    this.listing = undefined;
    this.update('disconnected');
    return this.state();
  }

  private async open(): Promise<void> {
    const server = this.server!;
    this.chat?.close();
    this.chat = undefined;
    this.update('connecting');
    try {
      const conn = await ServerConnection.open({
        address: { host: server.host, port: server.port },
        pins: this.pins,
        displayName: server.displayName,
        trustNew: (decision) =>
          new Promise<boolean>((resolve) => {
            this.fingerprint = decision.fingerprint256;
            this.trustDecision = resolve;
            this.update('awaiting-trust');
          }),
      });
      this.connection = conn;
      this.fingerprint = conn.fingerprint256;
      conn.onWarning = (w) => this.emit('client.warning', w);
      conn.onClosed = (err) => this.lost(conn, err);
      if (conn.auth === 'password') this.update('awaiting-password');
      else this.connected();
    } catch (err) {
      this.update('disconnected');
      throw err;
    }
  }

  /** Connects again and logs in with the password that worked before. */
  private async reopen(): Promise<ServerConnection> {
    await this.open();
    if (this.phase === 'awaiting-password') {
      if (this.password === undefined) throw new PssError(ErrorCode.AUTH_REQUIRED, 'log in again to retry');
      await this.login(this.password);
    }
    return this.requireConnection('connected');
  }

  private connected(): void {
    this.update('connected');
    void this.openChat();
  }

  private async openChat(): Promise<void> {
    const conn = this.connection;
    if (!conn) return;
    let chat: ChatClient | undefined;
    try {
      chat = await ChatClient.open(conn, {
        // The interface keeps the conversation and its unread count; the engine passes
        // each message on and keeps none.
        message: (m) => this.emit('client.chat', { ...m, sessionId: conn.sessionId, from: 'server' }),
        warning: (w) => this.emit('client.warning', w),
        closed: () => {
          // May fire while ChatClient.open is still running, before `chat` is set.
          if (chat && this.chat === chat) this.emit('client.state', this.state());
        },
      });
      if (this.connection !== conn || conn.closed) return chat.close();
      this.chat = chat;
      this.emit('client.state', this.state());
    } catch {
      // Downloads work without chat; the state shows it as unavailable.
    }
  }

  private lost(conn: ServerConnection, err: PssError): void {
    if (this.connection !== conn) return;
    this.chat?.close();
    this.chat = undefined;
    if (err.code === ErrorCode.DISCONNECTED || err.code === ErrorCode.SHUTTING_DOWN) {
      this.emit('client.disconnected', { code: err.code, message: err.message });
    }
    if (this.download) this.canRetry = true;
    this.update('disconnected');
  }

  private requireConnection(phase: ClientPhase): ServerConnection {
    if (!this.connection || this.connection.closed) throw new PssError(ErrorCode.CONNECTION_LOST, 'not connected to a server');
    if (this.phase !== phase) throw new PssError(ErrorCode.UNEXPECTED_MESSAGE, `not possible while ${this.phase}`);
    return this.connection;
  }

  private update(phase: ClientPhase): void {
    this.phase = phase;
    this.emit('client.state', this.state());
  }
}
