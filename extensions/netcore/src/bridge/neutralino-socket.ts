// The extension's WebSocket to Neutralino. Neutralino's server is listening before it starts
// extensions, but a busy machine can still refuse the first attempts, so connecting retries
// with a growing delay, a bounded number of times. Once open, the socket is never reopened:
// its closing means the app is gone.
//
// Messages, as Neutralino's server (websocketpp + nlohmann::json) expects them:
//   out: {"id":"<string>","method":"app.broadcast","accessToken":"<token>","data":{…}}
//   in:  {"id":"<string>","method":"…","data":{"success":true,…} | {"error":{code,message}}}
//        {"event":"<name>","data":…}
// A call whose id is not a string is dropped by Neutralino without an answer.
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { ErrorCode, PssError } from '../errors';
import type { Handshake } from './stdin-handshake';

/** Loaded on first use: only the desktop app's bridge needs it, and the CLI starts faster without it. */
function webSocketClass(): typeof WebSocket {
  return require('ws') as typeof WebSocket;
}

/** websocketpp's limit in Neutralino; larger messages close the connection (1009). */
const NEUTRALINO_MAX_MESSAGE_BYTES = 32_000_000;

const MAX_UNANSWERED_CALLS = 10_000;

export interface ConnectOptions {
  attempts?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt: TCP connect plus the WebSocket upgrade. */
  handshakeTimeoutMs?: number;
  onRetry?: (attempt: number, error: Error) => void;
}

export interface NeutralinoEvent {
  event: string;
  data: unknown;
}

export interface NativeError {
  method: string;
  code: string;
  message: string;
}

/** The URL Neutralino accepts an extension on (server/neuserver.cpp: handleValidate). */
function extensionUrl(h: Handshake): string {
  const query = new URLSearchParams({ extensionId: h.extensionId, connectToken: h.connectToken });
  return `ws://127.0.0.1:${h.port}/?${query.toString()}`;
}

export async function connectNeutralino(handshake: Handshake, options: ConnectOptions = {}): Promise<NeutralinoSocket> {
  const attempts = options.attempts ?? 12;
  let delay = options.firstDelayMs ?? 100;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { ws, early } = await openOnce(extensionUrl(handshake), options.handshakeTimeoutMs ?? 5_000);
      return new NeutralinoSocket(ws, handshake.token, early);
    } catch (err) {
      lastError = err as Error;
      if (attempt === attempts) break;
      options.onRetry?.(attempt, lastError);
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2_000);
    }
  }
  throw new PssError(
    ErrorCode.CONNECTION_FAILED,
    `cannot connect to Neutralino on 127.0.0.1:${handshake.port} after ${attempts} attempts: ${lastError?.message ?? 'no attempt'}`,
  );
}

/**
 * Opens one connection. Neutralino sends extClientConnect, and pages flush the requests they
 * queued for netcore, the moment it connects: messages that come before the socket is
 * handed over are kept in `early`, never dropped.
 */
function openOnce(url: string, handshakeTimeout: number): Promise<{ ws: WebSocket; early: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new (webSocketClass())(url, { handshakeTimeout, perMessageDeflate: false, maxPayload: NEUTRALINO_MAX_MESSAGE_BYTES });
    const early: string[] = [];
    const keep = (raw: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) early.push(raw.toString());
    };
    ws.on('message', keep);
    const onError = (err: Error) => {
      ws.off('open', onOpen).off('message', keep);
      ws.terminate();
      reject(err);
    };
    const onOpen = () => {
      ws.off('error', onError);
      resolve({ ws, early });
    };
    ws.once('error', onError).once('open', onOpen);
  });
}

export class NeutralinoSocket {
  private nextId = 1;
  /** Calls sent and not yet answered: id → method (answers only matter when they fail). */
  private readonly pending = new Map<string, string>();
  private readonly eventHandlers = new Set<(e: NeutralinoEvent) => void>();
  /** Events that came before anyone listened; handed to the first handler. */
  private heldEvents: NeutralinoEvent[] | undefined = [];
  private readonly errorHandlers = new Set<(e: NativeError) => void>();
  readonly closed: Promise<{ code: number; reason: string }>;
  private isClosed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly token: string,
    early: string[] = [],
  ) {
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    // After 'open', errors are always followed by 'close'; that is where they are handled.
    ws.on('error', () => undefined);
    ws.removeAllListeners('message');
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      this.receive(raw.toString());
    });
    for (const text of early.splice(0)) this.receive(text);
  }

  get open(): boolean {
    return !this.isClosed && this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes queued for sending and not yet handed to the OS. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends one native call; a failure is reported through onNativeError. */
  call(method: string, data: unknown): void {
    if (!this.open) return;
    const id = String(this.nextId++);
    this.pending.set(id, method);
    // Neutralino answers every call it can parse; this only bounds what a broken peer costs.
    if (this.pending.size > MAX_UNANSWERED_CALLS) this.pending.delete(this.pending.keys().next().value as string);
    this.ws.send(JSON.stringify({ id, method, accessToken: this.token, data }));
  }

  onEvent(handler: (e: NeutralinoEvent) => void): void {
    this.eventHandlers.add(handler);
    const held = this.heldEvents;
    this.heldEvents = undefined;
    for (const e of held ?? []) handler(e);
  }

  onNativeError(handler: (e: NativeError) => void): void {
    this.errorHandlers.add(handler);
  }

  /** Idempotent. Resolves once the socket is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === this.ws.CONNECTING || this.ws.readyState === this.ws.OPEN) this.ws.close(1000, 'netcore is closing');
    const timer = setTimeout(() => this.ws.terminate(), 2_000);
    await this.closed;
    clearTimeout(timer);
  }

  private receive(text: string): void {
    let message: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null) return;
      message = value as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof message.id === 'string') {
      const method = this.pending.get(message.id);
      if (method === undefined) return;
      this.pending.delete(message.id);
      const error = (message.data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (error) {
        const e = { method, code: String(error.code), message: String(error.message) };
        for (const handler of this.errorHandlers) handler(e);
      }
      return;
    }
    if (typeof message.event === 'string') {
      const e = { event: message.event, data: message.data };
      if (this.heldEvents) this.heldEvents.push(e);
      else for (const handler of this.eventHandlers) handler(e);
    }
  }
}
