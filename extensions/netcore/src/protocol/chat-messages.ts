// Chat-port messages (PROTOCOL.md §9) and the asynchronous notices the main port may
// carry. The chat port uses the same framing; only control frames are allowed on it.
import { MAX_CHAT_CHARS } from '../constants';
import { ErrorCode, PssError } from '../errors';

export type ChatClientMessage =
  /** First message on a chat connection: the token from the main-port login. */
  { type: 'CHAT_HELLO'; token: string } | { type: 'MSG_C2S'; text: string } | { type: 'PING'; id: number };

export type ChatServerMessage =
  | { type: 'CHAT_OK'; sessionId: string }
  | { type: 'MSG_S2C'; id: number; text: string; time: string }
  | { type: 'WARN_S2C'; text: string; time: string }
  | { type: 'ERROR'; code: string; message: string }
  | { type: 'PONG'; id: number };

function bad(what: string): never {
  throw new PssError(ErrorCode.BAD_MESSAGE, what);
}

/** Chat text: a non-empty string of at most MAX_CHAT_CHARS characters, no NUL. */
export function chatText(value: unknown): string {
  if (typeof value !== 'string') bad('text must be a string');
  const text = value.replace(/\r\n?/g, '\n');
  if (text.trim().length === 0) bad('text is empty');
  if (text.length > MAX_CHAT_CHARS) bad(`text is longer than ${MAX_CHAT_CHARS} characters`);
  if (text.includes('\u0000')) bad('text contains NUL');
  return text;
}

/** A type field as an error message may show it: never by converting an object to text. */
function describeType(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('message is not an object');
  return value as Record<string, unknown>;
}

export function parseChatClientMessage(value: unknown): ChatClientMessage {
  const o = object(value);
  switch (o.type) {
    case 'CHAT_HELLO':
      if (typeof o.token !== 'string' || o.token.length === 0 || o.token.length > 256) bad('token must be a string');
      return { type: 'CHAT_HELLO', token: o.token };
    case 'MSG_C2S':
      return { type: 'MSG_C2S', text: chatText(o.text) };
    case 'PING':
      if (typeof o.id !== 'number' || !Number.isSafeInteger(o.id) || o.id < 0) bad('id must be a non-negative integer');
      return { type: 'PING', id: o.id };
    default:
      return bad(`unknown chat message type ${describeType(o.type)}`);
  }
}

function time(o: Record<string, unknown>): string {
  if (typeof o.time !== 'string' || Number.isNaN(Date.parse(o.time))) bad('time must be an ISO date-time');
  return o.time;
}

export function parseChatServerMessage(value: unknown): ChatServerMessage {
  const o = object(value);
  switch (o.type) {
    case 'CHAT_OK':
      if (typeof o.sessionId !== 'string' || o.sessionId.length > 64) bad('sessionId must be a string');
      return { type: 'CHAT_OK', sessionId: o.sessionId };
    case 'MSG_S2C':
      if (typeof o.id !== 'number' || !Number.isSafeInteger(o.id)) bad('id must be an integer');
      return { type: 'MSG_S2C', id: o.id, text: chatText(o.text), time: time(o) };
    case 'WARN_S2C':
      return { type: 'WARN_S2C', text: chatText(o.text), time: time(o) };
    case 'ERROR':
      if (typeof o.code !== 'string' || typeof o.message !== 'string') bad('ERROR needs code and message');
      return { type: 'ERROR', code: o.code.slice(0, 64), message: o.message.slice(0, 1000) };
    case 'PONG':
      if (typeof o.id !== 'number') bad('id must be a number');
      return { type: 'PONG', id: o.id };
    default:
      return bad(`unknown chat message type ${describeType(o.type)}`);
  }
}
