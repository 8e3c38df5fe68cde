// The browser session cookie: HttpOnly (scripts cannot read it), Secure (HTTPS only),
// SameSite=Strict (no other site can make the browser send it), and `__Host-` so it
// belongs to this exact origin.
import type { ServerResponse } from 'node:http';
import { WEB_SESSION_COOKIE } from '../constants';

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Adds a Set-Cookie line to the answer, keeping the ones already set. */
export function addSetCookie(res: ServerResponse, cookie: string): void {
  const before = res.getHeader('Set-Cookie');
  const list = before === undefined ? [] : Array.isArray(before) ? before : [String(before)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

export function sessionCookie(value: string): string {
  return `${WEB_SESSION_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict`;
}

export function clearedSessionCookie(): string {
  return `${WEB_SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}
