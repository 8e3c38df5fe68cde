// How contract envelopes travel over Neutralino's extension IPC, shared by netcore's bridge
// and the UI. No Node imports: the UI bundles this file.
//
// The UI sends with `Neutralino.extensions.dispatch(NETCORE_EXTENSION_ID, event, data)`;
// netcore answers with `app.broadcast`, which reaches every page of the app. One envelope
// is one message unless its JSON is larger than IPC_MESSAGE_MAX_BYTES: then it travels as
// `netcore:chunk` messages that the receiver puts back together (ChunkAssembler).
import type { Envelope } from './contract';

/** The extension's id in neutralino.config.json. */
export const NETCORE_EXTENSION_ID = 'app.prosecuresuite.netcore';

/** Event names on the IPC. Requests go to netcore; responses and events come from it. */
export const IpcEvent = {
  /** UI → netcore: `{ kind: 'request', id, command, payload }`. */
  request: 'netcore:request',
  /** netcore → UI: `{ kind: 'response', id, ok, result | error }`. */
  response: 'netcore:response',
  /** netcore → UI: `{ kind: 'event', event, payload }`. */
  event: 'netcore:event',
  /** Either way: one piece of an envelope too large for one message (IpcChunk). */
  chunk: 'netcore:chunk',
} as const;

export type IpcEventName = (typeof IpcEvent)[keyof typeof IpcEvent];

/**
 * The largest `data` one IPC message carries, as UTF-8 JSON. Neutralino's WebSocket server
 * closes a connection on any message over 32,000,000 bytes, and every message is parsed and
 * re-serialised on the way, so pieces stay far below that.
 */
export const IPC_MESSAGE_MAX_BYTES = 512 * 1024;
/** A chunked envelope may not grow past this many characters of JSON when reassembled. */
const IPC_REASSEMBLED_MAX_CHARS = 256 * 1024 * 1024;
/** Envelopes being reassembled at once; beyond this the oldest is dropped. */
const IPC_MAX_PENDING_CHUNKED = 16;
/** A chunked envelope whose next piece has not come for this long is dropped. */
const IPC_CHUNK_STALE_MS = 60_000;

/** One piece of an envelope's JSON text. */
export interface IpcChunk {
  /** Unique per sender for each chunked envelope. */
  chunkId: string;
  index: number;
  count: number;
  text: string;
}

/** What goes out as one IPC message: its event name and its data. */
export interface IpcMessage {
  event: IpcEventName;
  data: unknown;
}

/** Room left for the chunk's other fields and the message around it. */
const CHUNK_OVERHEAD_BYTES = 512;

/**
 * The messages that carry `envelope`: one when its JSON fits in `maxBytes`, else chunks
 * named by `chunkId`, each at most `maxBytes` as UTF-8 JSON.
 */
export function toIpcMessages(envelope: Envelope, chunkId: () => string, maxBytes = IPC_MESSAGE_MAX_BYTES): IpcMessage[] {
  const text = JSON.stringify(envelope);
  if (utf8Bytes(text) + CHUNK_OVERHEAD_BYTES <= maxBytes) return [{ event: eventOf(envelope), data: envelope }];
  const id = chunkId();
  const parts = splitJsonText(text, maxBytes - CHUNK_OVERHEAD_BYTES);
  return parts.map((part, index) => ({
    event: IpcEvent.chunk,
    data: { chunkId: id, index, count: parts.length, text: part } satisfies IpcChunk,
  }));
}

function eventOf(envelope: Envelope): IpcEventName {
  if (envelope.kind === 'request') return IpcEvent.request;
  if (envelope.kind === 'response') return IpcEvent.response;
  return IpcEvent.event;
}

/**
 * Cuts `text` into pieces whose JSON string form is at most `budget` UTF-8 bytes. A cut never
 * falls inside a surrogate pair: a lone surrogate is not valid JSON for Neutralino's parser.
 */
export function splitJsonText(text: string, budget: number): string[] {
  if (budget < 16) throw new RangeError('the chunk budget is too small');
  const parts: string[] = [];
  let start = 0;
  let used = 2;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
    const width = pair ? 2 : 1;
    const bytes = pair ? 4 : charJsonBytes(code);
    if (used + bytes > budget && i > start) {
      parts.push(text.slice(start, i));
      start = i;
      used = 2;
    }
    used += bytes;
    i += width;
  }
  if (start < text.length || parts.length === 0) parts.push(text.slice(start));
  return parts;
}

/** UTF-8 bytes of `JSON.stringify(s)`, quotes included. */
export function jsonStringBytes(s: string): number {
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else {
      bytes += charJsonBytes(code);
    }
  }
  return bytes;
}

/** UTF-8 bytes of `s` (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function charJsonBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20) return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A lone surrogate is written as \uXXXX.
  if (code >= 0xd800 && code <= 0xdfff) return 6;
  return 3;
}

interface Pending {
  parts: (string | undefined)[];
  received: number;
  chars: number;
  touched: number;
}

/**
 * Puts chunked envelopes back together. Pieces may come in any order and interleaved with
 * other messages; malformed pieces, oversized envelopes and stale partial ones are dropped
 * (and reported through `onDrop`), never thrown.
 */
export class ChunkAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly options: {
      maxChars?: number;
      maxPending?: number;
      staleMs?: number;
      now?: () => number;
      onDrop?: (reason: string) => void;
    } = {},
  ) {}

  /** Takes one `netcore:chunk` message; returns the envelope once its last piece is in. */
  accept(data: unknown): Envelope | undefined {
    const now = (this.options.now ?? Date.now)();
    this.dropStale(now);
    const chunk = asChunk(data);
    if (!chunk) return this.drop('a malformed chunk');
    let entry = this.pending.get(chunk.chunkId);
    if (!entry) {
      if (this.pending.size >= (this.options.maxPending ?? IPC_MAX_PENDING_CHUNKED)) {
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
        this.drop('too many chunked messages at once');
      }
      entry = { parts: new Array<string | undefined>(chunk.count), received: 0, chars: 0, touched: now };
      this.pending.set(chunk.chunkId, entry);
    }
    if (entry.parts.length !== chunk.count) {
      this.pending.delete(chunk.chunkId);
      return this.drop('chunks of one message disagree on their count');
    }
    if (entry.parts[chunk.index] !== undefined) return this.drop('a repeated chunk');
    entry.parts[chunk.index] = chunk.text;
    entry.received++;
    entry.chars += chunk.text.length;
    entry.touched = now;
    if (entry.chars > (this.options.maxChars ?? IPC_REASSEMBLED_MAX_CHARS)) {
      this.pending.delete(chunk.chunkId);
      return this.drop('a chunked message is too large');
    }
    if (entry.received < chunk.count) return undefined;
    this.pending.delete(chunk.chunkId);
    let value: unknown;
    try {
      value = JSON.parse(entry.parts.join(''));
    } catch {
      return this.drop('a chunked message is not JSON');
    }
    return isEnvelope(value) ? value : this.drop('a chunked message is not an envelope');
  }

  /** Partial envelopes held now. */
  get pendingCount(): number {
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }

  private dropStale(now: number): void {
    const staleMs = this.options.staleMs ?? IPC_CHUNK_STALE_MS;
    for (const [id, entry] of this.pending) {
      if (now - entry.touched > staleMs) {
        this.pending.delete(id);
        this.drop('a chunked message stopped arriving');
      }
    }
  }

  private drop(reason: string): undefined {
    this.options.onDrop?.(reason);
    return undefined;
  }
}

function asChunk(data: unknown): IpcChunk | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const c = data as Record<string, unknown>;
  if (typeof c.chunkId !== 'string' || c.chunkId === '' || c.chunkId.length > 128) return undefined;
  if (typeof c.count !== 'number' || !Number.isSafeInteger(c.count) || c.count < 1) return undefined;
  if (typeof c.index !== 'number' || !Number.isSafeInteger(c.index) || c.index < 0 || c.index >= c.count) return undefined;
  if (typeof c.text !== 'string') return undefined;
  return { chunkId: c.chunkId, index: c.index, count: c.count, text: c.text };
}

/** The shape check every receiver applies before trusting an envelope's fields. */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  if (e.kind === 'request') return Number.isSafeInteger(e.id) && typeof e.command === 'string';
  if (e.kind === 'response') {
    if (!Number.isSafeInteger(e.id) || typeof e.ok !== 'boolean') return false;
    if (e.ok) return true;
    const error = e.error as Record<string, unknown> | null;
    return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
  }
  if (e.kind === 'event') return typeof e.event === 'string';
  return false;
}
