// The bridge's own log file, logs/bridge.log in the data directory: how netcore met
// Neutralino, what it ignored and why it stopped. Neutralino does not keep an extension's
// output, so this file is where a desktop problem can be read afterwards. Lines are JSON;
// the file is bounded: past BRIDGE_LOG_MAX_BYTES it moves to bridge.log.1 and starts again.
import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR_MODE, LOG_DIR_NAME, LOG_FILE_MODE } from '../logs/log-limits';

const BRIDGE_LOG_FILE = 'bridge.log';
const BRIDGE_LOG_MAX_BYTES = 1024 * 1024;
/** A single line is cut to this length, so one huge value cannot fill the file. */
const MAX_LINE_CHARS = 4_000;

export type BridgeLogLevel = 'info' | 'warn' | 'error';

export class BridgeLog {
  readonly path: string;
  private fd: number | undefined;
  private size = 0;

  /** Opens (creates) logs/bridge.log in `dataDir`; writes are synchronous so a crash loses nothing. */
  constructor(
    dataDir: string,
    private readonly maxBytes = BRIDGE_LOG_MAX_BYTES,
  ) {
    const dir = join(dataDir, LOG_DIR_NAME);
    mkdirSync(dir, { recursive: true, mode: LOG_DIR_MODE });
    this.path = join(dir, BRIDGE_LOG_FILE);
    this.size = statSync(this.path, { throwIfNoEntry: false })?.size ?? 0;
    if (this.size >= maxBytes) this.rotate();
    else this.fd = openSync(this.path, 'a', LOG_FILE_MODE);
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.write('error', message, fields);
  }

  /** Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(level: BridgeLogLevel, message: string, fields: Record<string, unknown>): void {
    if (this.fd === undefined) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
    if (line.length > MAX_LINE_CHARS)
      line = JSON.stringify({ time: new Date().toISOString(), level, message: message.slice(0, MAX_LINE_CHARS - 200), cut: true });
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    if (this.size + bytes.length > this.maxBytes) this.rotate();
    try {
      writeSync(this.fd!, bytes);
      this.size += bytes.length;
    } catch {
      // A full disk must not stop the bridge; the log is for diagnosis only.
    }
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch {
      // Nothing to move aside.
    }
    this.fd = openSync(this.path, 'a', LOG_FILE_MODE);
    this.size = 0;
  }
}
