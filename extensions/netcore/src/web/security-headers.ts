// Headers every web response carries. Pages may load only their own script, stylesheet
// and icon (no inline code, so an injected tag does nothing); no page may be framed; no
// URL leaks through Referer; no content is sniffed into another type. Files get a
// sandbox as well, so a shared .html or .svg opened by mistake cannot run anything.
import type { ServerResponse } from 'node:http';

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

export function setSecurityHeaders(res: ServerResponse, csp: string = PAGE_CSP): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}
