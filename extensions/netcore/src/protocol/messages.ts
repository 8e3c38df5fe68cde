// Control messages (PROTOCOL.md §4) and their validation. Anything that does not match
// its schema is a BAD_MESSAGE; unknown types are errors, never ignored silently.
import { MAX_DISPLAY_NAME_CHARS, MAX_FILES_PER_REQUEST, MAX_PASSWORD_BYTES, PACK_FILE_MAX_BYTES, PACK_MAX_FILES, READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError, isErrorCode } from '../errors';
import { chatText } from './chat-messages';
import { isNotSharedReason, type NotSharedCounts } from './not-shared';
import { parseJsonBytes, type StreamedArray } from './json-bytes';
import { pathProblem } from './path-rules';
import { RequestList, RequestListBuilder, type FileRequest, type FrameSource } from './request-list';

export interface FileEntry {
  /** '/'-separated path relative to the share (§5). */
  path: string;
  size: number;
  mtimeMs: number;
}

export type { FileRequest } from './request-list';

export type ClientMessage =
  | { type: 'HELLO'; version: number; client: string; name: string }
  | { type: 'LOGIN'; password: string }
  | { type: 'LIST_FILES' }
  /** `packs`: the client takes small files in packs (FILES_PACKED, §6.4). */
  | { type: 'DOWNLOAD_FILES'; files: FileRequest[] | RequestList; packs?: boolean }
  | { type: 'CANCEL' }
  | { type: 'PING'; id: number }
  | { type: 'BYE' };

/** A whole small file in a pack (§6.4): FILE_BEGIN and FILE_END in one. */
export interface PackedFile {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

export type ShareKind = 'directory' | 'file';

/** What a client is told of the share: a folder or a single file, and its name. */
export interface ShareIdentity {
  kind: ShareKind;
  name: string;
}

export type ServerMessage =
  | { type: 'WELCOME'; version: number; server: string; auth: 'password' | 'none'; sessionId: string; token?: string; chatPort?: number; queue?: number }
  | { type: 'LOGIN_OK'; token: string }
  | { type: 'FILE_LIST'; share: ShareIdentity; entries: FileEntry[]; done: boolean; notShared?: NotSharedCounts }
  | { type: 'FILE_BEGIN'; path: string; size: number; mtimeMs: number; offset: number }
  | { type: 'FILE_END'; path: string; sha256: string }
  | { type: 'FILES_PACKED'; files: PackedFile[] }
  | { type: 'FILE_ERROR'; path: string; code: string; message: string }
  | { type: 'DOWNLOAD_DONE'; files: number; bytes: number; cancelled: boolean }
  | { type: 'ERROR'; code: string; message: string; retryAfterMs?: number }
  | { type: 'PONG'; id: number }
  | { type: 'WARN_S2C'; text: string; time: string };

type Obj = Record<string, unknown>;

function bad(what: string): never {
  throw new PssError(ErrorCode.BAD_MESSAGE, what);
}

function asObject(value: unknown): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('message is not an object');
  return value as Obj;
}

function str(o: Obj, key: string, maxChars: number, allowEmpty = true): string {
  const v = o[key];
  if (typeof v !== 'string') bad(`${key} must be a string`);
  if (v.length > maxChars) bad(`${key} is too long`);
  if (!allowEmpty && v.length === 0) bad(`${key} must not be empty`);
  return v;
}

function uint(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`${key} must be a non-negative integer`);
  return v;
}

function time(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${key} must be a number`);
  return v;
}

function wirePath(o: Obj, key: string): string {
  const v = o[key];
  const problem = pathProblem(v);
  if (problem) throw new PssError(ErrorCode.BAD_PATH, `${key}: ${problem}`);
  return v as string;
}

/**
 * Names an unknown `type` for the error message. String() is not safe here: a parsed
 * object may carry a non-callable `toString`, and converting it would throw a TypeError
 * instead of the BAD_MESSAGE the peer is owed.
 */
function describeType(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') bad(`${key} must be a boolean`);
  return v;
}

function sha256Hex(o: Obj, key: string): string {
  const v = str(o, key, 64);
  if (!/^[0-9a-f]{64}$/.test(v)) bad(`${key} must be 64 lowercase hex digits`);
  return v;
}

/** One file of a FILES_PACKED message: small enough for a pack (§6.4). */
function packedFile(value: unknown): PackedFile {
  const f = asObject(value);
  const size = uint(f, 'size');
  if (size > PACK_FILE_MAX_BYTES) bad(`a packed file has at most ${PACK_FILE_MAX_BYTES} bytes`);
  return { path: wirePath(f, 'path'), size, mtimeMs: time(f, 'mtimeMs'), sha256: sha256Hex(f, 'sha256') };
}

function optional<T>(o: Obj, key: string, read: (o: Obj, key: string) => T): T | undefined {
  return o[key] === undefined ? undefined : read(o, key);
}

/** Checks a message a client sent; the server calls this on every control frame. */
export function parseClientMessage(value: unknown): ClientMessage {
  const o = asObject(value);
  switch (o.type) {
    case 'HELLO':
      return {
        type: 'HELLO',
        version: uint(o, 'version'),
        client: str(o, 'client', 100),
        name: str(o, 'name', MAX_DISPLAY_NAME_CHARS),
      };
    case 'LOGIN': {
      const password = str(o, 'password', MAX_PASSWORD_BYTES);
      if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) bad('password is too long');
      return { type: 'LOGIN', password };
    }
    case 'LIST_FILES':
      return { type: 'LIST_FILES' };
    case 'DOWNLOAD_FILES': {
      const files = o.files;
      // Already checked file by file while its frame was parsed (streamedFileList).
      const packs = optional(o, 'packs', bool) === true ? { packs: true } : {};
      if (files instanceof RequestList) {
        if (files.length === 0) bad('files must not be empty');
        return { type: 'DOWNLOAD_FILES', files, ...packs };
      }
      if (!Array.isArray(files)) bad('files must be an array');
      if (files.length === 0) bad('files must not be empty');
      if (files.length > MAX_FILES_PER_REQUEST) tooManyFiles();
      return { type: 'DOWNLOAD_FILES', files: files.map(fileRequest), ...packs };
    }
    case 'CANCEL':
      return { type: 'CANCEL' };
    case 'PING':
      return { type: 'PING', id: uint(o, 'id') };
    case 'BYE':
      return { type: 'BYE' };
    default:
      return bad(`unknown message type ${describeType(o.type)}`);
  }
}

/** One file of a DOWNLOAD_FILES list, checked. */
function fileRequest(value: unknown): FileRequest {
  const r = asObject(value);
  const req: FileRequest = { path: wirePath(r, 'path'), offset: uint(r, 'offset') };
  const size = optional(r, 'size', uint);
  const mtimeMs = optional(r, 'mtimeMs', time);
  if (size !== undefined) req.size = size;
  if (mtimeMs !== undefined) req.mtimeMs = mtimeMs;
  if (req.offset > 0 && (size === undefined || mtimeMs === undefined)) {
    bad('a resume (offset > 0) must name the size and mtimeMs it expects');
  }
  return req;
}

function tooManyFiles(): never {
  throw new PssError(ErrorCode.TOO_MANY_FILES, `at most ${MAX_FILES_PER_REQUEST} files per request`);
}

/**
 * For parseJsonBytes: the `files` of a large client frame, checked as parseClientMessage
 * checks them and packed into a RequestList one file at a time, so the files are never
 * all strings at once. The list reaches parseClientMessage in their place. discard() gives
 * back a list that will not be used (the frame failed, or was not a DOWNLOAD_FILES).
 */
function streamedFileList(pool?: FrameSource): StreamedArray & { discard(): void } {
  let builder: RequestListBuilder | undefined;
  /** The list the parsed object holds: a second `files` key replaces the first, as in JSON.parse. */
  let current: RequestList | undefined;
  return {
    key: 'files',
    begin() {
      builder?.discard();
      builder = new RequestListBuilder(pool);
    },
    item(value) {
      if (builder!.length === MAX_FILES_PER_REQUEST) tooManyFiles();
      builder!.add(fileRequest(value));
    },
    end() {
      current?.release();
      current = builder!.finish();
      builder = undefined;
      return current;
    },
    discard() {
      builder?.discard();
      current?.release();
    },
  };
}

/**
 * A client's control frame too large for JSON.parse to take as one string (the server's
 * budgeted frames), parsed from its bytes; a DOWNLOAD_FILES list in it is checked and
 * packed file by file, into a frame of `pool` when it is long (streamedFileList).
 */
export function parseLargeClientFrame(body: Buffer, pool?: FrameSource): unknown {
  const files = streamedFileList(pool);
  try {
    return parseJsonBytes(body, files);
  } catch (err) {
    files.discard();
    throw err;
  }
}

function entry(value: unknown): FileEntry {
  const e = asObject(value);
  return { path: wirePath(e, 'path'), size: uint(e, 'size'), mtimeMs: time(e, 'mtimeMs') };
}

/** §4.2: counts by reason; a reason this client does not know counts as `other` (§7). */
function notSharedCounts(value: unknown): NotSharedCounts {
  const o = asObject(value);
  const keys = Object.keys(o);
  if (keys.length > 32) bad('notShared has too many reasons');
  const out: NotSharedCounts = {};
  for (const key of keys) {
    const n = uint(o, key);
    const reason = isNotSharedReason(key) ? key : 'other';
    out[reason] = (out[reason] ?? 0) + n;
  }
  return out;
}

function code(o: Obj): string {
  const c = str(o, 'code', 64);
  return isErrorCode(c) ? c : ErrorCode.INTERNAL;
}

/**
 * Checks a message a server sent. The client trusts nothing: every path is held to the
 * same rule the server applies to requests (§5).
 */
export function parseServerMessage(value: unknown): ServerMessage {
  const o = asObject(value);
  switch (o.type) {
    case 'WELCOME': {
      const auth = o.auth;
      if (auth !== 'password' && auth !== 'none') bad('auth must be "password" or "none"');
      const msg: ServerMessage = {
        type: 'WELCOME',
        version: uint(o, 'version'),
        server: str(o, 'server', 100),
        auth,
        sessionId: str(o, 'sessionId', 64),
      };
      const token = optional(o, 'token', (x, k) => str(x, k, 256));
      if (token !== undefined) msg.token = token;
      const chatPort = optional(o, 'chatPort', uint);
      if (chatPort !== undefined) {
        if (chatPort < 1 || chatPort > 65535) bad('chatPort is not a port');
        msg.chatPort = chatPort;
      }
      const queue = optional(o, 'queue', uint);
      if (queue !== undefined) msg.queue = queue;
      return msg;
    }
    case 'LOGIN_OK':
      return { type: 'LOGIN_OK', token: str(o, 'token', 256) };
    case 'FILE_LIST': {
      const share = asObject(o.share);
      const kind = share.kind;
      if (kind !== 'directory' && kind !== 'file') bad('share.kind is unknown');
      if (!Array.isArray(o.entries)) bad('entries must be an array');
      if (typeof o.done !== 'boolean') bad('done must be a boolean');
      const msg: ServerMessage = {
        type: 'FILE_LIST',
        share: { kind, name: str(share, 'name', 1024) },
        entries: o.entries.map(entry),
        done: o.done,
      };
      if (o.notShared !== undefined) msg.notShared = notSharedCounts(o.notShared);
      return msg;
    }
    case 'FILE_BEGIN':
      return {
        type: 'FILE_BEGIN',
        path: wirePath(o, 'path'),
        size: uint(o, 'size'),
        mtimeMs: time(o, 'mtimeMs'),
        offset: uint(o, 'offset'),
      };
    case 'FILE_END':
      return { type: 'FILE_END', path: wirePath(o, 'path'), sha256: sha256Hex(o, 'sha256') };
    case 'FILES_PACKED': {
      if (!Array.isArray(o.files)) bad('files must be an array');
      if (o.files.length === 0 || o.files.length > PACK_MAX_FILES) bad(`a pack has 1 to ${PACK_MAX_FILES} files`);
      const files = o.files.map(packedFile);
      if (files.reduce((sum, f) => sum + f.size, 0) > READ_CHUNK_BYTES) bad(`a pack's files have at most ${READ_CHUNK_BYTES} bytes in all`);
      return { type: 'FILES_PACKED', files };
    }
    case 'FILE_ERROR':
      return { type: 'FILE_ERROR', path: str(o, 'path', 8192), code: code(o), message: str(o, 'message', 1000) };
    case 'DOWNLOAD_DONE': {
      if (typeof o.cancelled !== 'boolean') bad('cancelled must be a boolean');
      return { type: 'DOWNLOAD_DONE', files: uint(o, 'files'), bytes: uint(o, 'bytes'), cancelled: o.cancelled };
    }
    case 'ERROR': {
      const msg: ServerMessage = { type: 'ERROR', code: code(o), message: str(o, 'message', 1000) };
      const retry = optional(o, 'retryAfterMs', uint);
      if (retry !== undefined) msg.retryAfterMs = retry;
      return msg;
    }
    case 'PONG':
      return { type: 'PONG', id: uint(o, 'id') };
    case 'WARN_S2C': {
      const time = str(o, 'time', 64);
      if (Number.isNaN(Date.parse(time))) bad('time must be an ISO date-time');
      return { type: 'WARN_S2C', text: chatText(o.text), time };
    }
    default:
      return bad(`unknown message type ${describeType(o.type)}`);
  }
}
