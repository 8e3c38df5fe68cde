// Talking to the web port in tests: plain HTTPS requests that trust exactly the server's
// certificate, and curl / aria2c run as child processes with bounded time, trusting the
// same certificate. A missing tool is reported so its tests can skip with a clear line.
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { within } from './wait';

export interface WebReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface WebRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Called once the whole request is handed to the operating system. */
  onSent?: () => void;
}

/** One request to 127.0.0.1:`port`, trusting only `certPem`; the whole body is read. */
export function webRequest(port: number, certPem: string, path: string, options: WebRequestOptions = {}): Promise<WebReply> {
  const done = new Promise<WebReply>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {}, ca: certPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.once('error', reject);
    if (options.onSent) req.once('finish', options.onSent);
    req.end(options.body);
  });
  return within(done, options.timeoutMs ?? 15_000, `${options.method ?? 'GET'} ${path}`);
}

/** `name=value` of a Set-Cookie header, ready for a Cookie header. */
export function cookieFrom(reply: WebReply): string | undefined {
  const set = reply.headers['set-cookie']?.[0];
  return set?.split(';')[0];
}

const available = new Map<string, boolean>();

/** Whether a command runs here (`cmd --version`, or the probe given, exits 0). */
export function hasTool(cmd: string, probe: string[] = ['--version']): boolean {
  let found = available.get(cmd);
  if (found === undefined) {
    const r = spawnSync(cmd, probe, { stdio: 'ignore', timeout: 10_000 });
    found = r.status === 0;
    available.set(cmd, found);
    if (!found) process.stdout.write(`\n  skipped: ${cmd} is not installed, so the tests that need it do not run\n`);
  }
  return found;
}

export interface ToolResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command to completion; one that outlives `timeoutMs` is killed by pid and fails. */
export function runTool(cmd: string, args: string[], timeoutMs = 30_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n${err}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** curl against the web port, trusting only the server's certificate file. */
export function curl(certFile: string, args: string[], timeoutMs = 30_000): Promise<ToolResult> {
  return runTool(
    'curl',
    ['--silent', '--show-error', '--noproxy', '*', '--cacert', certFile, '--max-time', String(Math.ceil(timeoutMs / 1000)), ...args],
    timeoutMs + 5_000,
  );
}

/** The status code and headers curl printed with --include / -D -. */
export function parseHead(text: string): { status: number; headers: Map<string, string> } {
  const blocks = text.split(/\r?\n\r?\n/);
  const lines = blocks[0]!.split(/\r?\n/);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers };
}
