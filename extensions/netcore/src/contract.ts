// The one contract between the desktop UI and netcore (DESIGN §1). Types only: the UI
// imports it with `import type`, the core implements it, tests drive the core through it.
// Every command has a payload and a result; every event has a payload. Errors come back as
// { code, message } with codes from errors.ts.
import type { ErrorCode } from './errors';
import type { FileEntry, ShareIdentity, ShareKind } from './protocol/messages';
import type { NotSharedCounts, NotSharedReason } from './protocol/not-shared';

export type { ErrorCode, FileEntry, NotSharedCounts, NotSharedReason, ShareIdentity, ShareKind };

// ---- Logs ---------------------------------------------------------------------------------

/** A log entry's category: the original's, plus Web for browsers (logs/log-entry.ts lists them). */
export type LogCategory = 'Server Status' | 'Connection' | 'Authentication' | 'File Transfer' | 'Chat' | 'Security' | 'Security Alert' | 'Error' | 'Web';

/** One structured log entry. */
export interface LogEntry {
  /** ISO 8601 date-time. */
  time: string;
  category: LogCategory;
  sessionId?: string;
  address?: string;
  message: string;
}

// ---- Server side -------------------------------------------------------------------------

export interface ServerSettings {
  /** A folder (shared recursively) or a single file. */
  sharePath: string;
  /** Main port; chat is port + 1 and web is port + 2. 0 picks free ports. */
  port: number;
  maxClients: number;
  /** Set to require a password; it is hashed at once and never stored. */
  password?: string;
  /** Address to listen on; all interfaces by default. */
  bind?: string;
}

export type ServerState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping';

export interface ServerStatus {
  state: ServerState;
  mainPort: number | null;
  chatPort: number | null;
  webPort: number | null;
  /** Addresses a client on the LAN can use ("Server IP"). */
  addresses: string[];
  /** Certificate fingerprint, `AB:CD:…`, and its short grouped form. */
  fingerprint: string | null;
  shortFingerprint: string | null;
  share: { path: string; kind: ShareKind } | null;
  passwordRequired: boolean;
  maxClients: number;
  sessions: number;
  /**
   * Web access for browsers and phones, one entry per LAN address: the https URL and a QR
   * code of it (SVG markup) that also carries the certificate fingerprint. Empty when the
   * web port is not serving.
   */
  webAccess: WebAccessInfo[];
  /**
   * What the share leaves out (links, special and unreadable files, the data folder,
   * unsafe names), by reason, as of the latest full listing; empty when nothing is.
   */
  notShared: NotSharedCounts;
}

export interface WebAccessInfo {
  url: string;
  /** What the QR code encodes: the URL plus the fingerprint for the phone to compare. */
  qrText: string;
  qrSvg: string;
}

export type SessionStatus = 'authenticating' | 'idle' | 'downloading' | 'paused' | 'disconnected';

/** One connected client (its own id: two clients behind one address are two sessions). */
/** Where a session came from: the main port (the app or `pss`) or the web port (a browser). */
export type SessionKind = 'desktop' | 'web';

export interface SessionInfo {
  id: string;
  kind: SessionKind;
  address: string;
  /** The name the client sent (its host name), or its address. */
  name: string;
  connectedAt: string;
  status: SessionStatus;
  currentFile: string | null;
  /** 0–100 for the current file. */
  progress: number;
  /** Bytes sent in this session. */
  bytesSent: number;
  bytesPerSecond: number;
  /** Chat is open for this session (its chat connection is authorized). */
  chatReady: boolean;
  unread: number;
}

export interface ChatMessage {
  id: number;
  sessionId: string;
  /** Who wrote it. */
  from: 'server' | 'client';
  text: string;
  time: string;
}

export interface LogQuery {
  categories?: LogCategory[];
  text?: string;
  /** ISO date-times, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
}

export type LogExportFormat = 'xlsx' | 'txt' | 'csv';

// ---- Client side -------------------------------------------------------------------------

export type ClientPhase =
  | 'disconnected'
  | 'connecting'
  /** First contact: the UI shows `fingerprint` and asks before anything is sent. */
  | 'awaiting-trust'
  | 'awaiting-password'
  | 'connected'
  | 'downloading';

export interface ClientState {
  phase: ClientPhase;
  server: string | null;
  fingerprint: string | null;
  shortFingerprint: string | null;
  /** Set while the last download ended with failures; Retry resumes them. */
  canRetry: boolean;
  chatReady: boolean;
}

/** What a server shares, and how many items it leaves out, by reason. */
export interface ShareListing {
  share: ShareIdentity;
  entries: FileEntry[];
  notShared: NotSharedCounts;
}

export interface DownloadRequest {
  /** Files or folders (a folder takes everything below it); empty means everything. */
  paths: string[];
  destination: string;
  /** A new sub-folder of `destination` to download into. */
  subfolder?: string;
}

export interface FileOutcomeInfo {
  path: string;
  status: 'done' | 'skipped' | 'failed';
  /** The path under the destination it is saved as, when this system could not store its name. */
  savedAs?: string;
  code?: ErrorCode;
  message?: string;
}

export interface DownloadSummary {
  ok: boolean;
  cancelled: boolean;
  files: FileOutcomeInfo[];
  bytes: number;
  durationMs: number;
  destination: string;
}

export interface TransferProgress {
  currentPath: string | null;
  fileBytes: number;
  fileSize: number;
  doneBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

// ---- Commands: name → payload and result ---------------------------------------------

export interface Commands {
  'server.start': { payload: ServerSettings; result: ServerStatus };
  'server.stop': { payload: Record<string, never>; result: ServerStatus };
  'server.pause': { payload: Record<string, never>; result: ServerStatus };
  'server.resume': { payload: Record<string, never>; result: ServerStatus };
  'server.status': { payload: Record<string, never>; result: ServerStatus };
  'server.sessions': { payload: Record<string, never>; result: SessionInfo[] };
  'session.disconnect': { payload: { sessionId: string; reason?: string }; result: void };
  'session.warn': { payload: { sessionId: string; text: string }; result: void };
  'chat.send': { payload: { sessionId: string; text: string }; result: ChatMessage };
  'chat.history': { payload: { sessionId: string }; result: ChatMessage[] };
  'chat.markRead': { payload: { sessionId: string }; result: { unread: number; totalUnread: number } };
  'logs.query': { payload: LogQuery; result: LogEntry[] };
  'logs.export': { payload: { format: LogExportFormat; filePath: string; query?: LogQuery }; result: { path: string; rows: number; bytes: number } };

  'client.connect': { payload: { host: string; port: number; displayName?: string }; result: ClientState };
  'client.trust': { payload: { accept: boolean }; result: ClientState };
  'client.login': { payload: { password: string }; result: ClientState };
  'client.list': { payload: Record<string, never>; result: ShareListing };
  'client.download': { payload: DownloadRequest; result: DownloadSummary };
  'client.cancel': { payload: Record<string, never>; result: void };
  'client.retry': { payload: Record<string, never>; result: DownloadSummary };
  'client.disconnect': { payload: Record<string, never>; result: ClientState };
  'client.chat.send': { payload: { text: string }; result: ChatMessage };
}

export type CommandName = keyof Commands;
export type CommandPayload<N extends CommandName> = Commands[N]['payload'];
export type CommandResult<N extends CommandName> = Commands[N]['result'];

// ---- Events: name → payload ------------------------------------------------------------

export interface Events {
  'server.status': ServerStatus;
  'session.added': SessionInfo;
  /** Coalesced: a few per second per session at most. */
  'session.changed': SessionInfo;
  'session.removed': { id: string; reason: string };
  /**
   * A transfer of this session reached the pause gate and waits for Resume: nothing more of
   * it is read or sent until then. Once per session and pause.
   */
  'session.held': { id: string };
  'chat.message': ChatMessage & { unread: number; totalUnread: number };
  'log.entry': LogEntry;

  'client.state': ClientState;
  'client.progress': TransferProgress;
  'client.file': FileOutcomeInfo;
  /** The server administrator's warning: shown prominently. */
  'client.warning': { text: string; time: string };
  /** The server's chat message; the interface keeps the conversation and counts what is unread. */
  'client.chat': ChatMessage;
  /** The server ended this client's session (disconnect, shutdown). */
  'client.disconnected': { code: ErrorCode; message: string };
}

export type EventName = keyof Events;

/** Where the engine's events go: the bridge to the UI, a test, or nowhere (the CLI). */
export type EventSink = <E extends EventName>(event: E, payload: Events[E]) => void;

/** What travels over the IPC: a request, its answer, or an event. */
export type Envelope =
  | { kind: 'request'; id: number; command: CommandName; payload: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: { code: ErrorCode; message: string } }
  | { kind: 'event'; event: EventName; payload: unknown };

/**
 * What the UI holds to talk to netcore, whatever carries the messages (Neutralino's
 * extension IPC in the app, a direct Core in tests). A failed command rejects with an
 * error carrying `code` (from errors.ts) and `message`.
 */
export interface NetcoreApi {
  request<N extends CommandName>(command: N, payload: CommandPayload<N>): Promise<CommandResult<N>>;
  /** Subscribes to one event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, handler: (payload: Events[E]) => void): () => void;
}
