// Serving the document root the way server/router.cpp does: the URL is decoded, the query
// ignored, a path without an extension gets /index.html, MIME types from Neutralino's table
// (application/octet-stream otherwise), 404 for a missing file. Unlike Neutralino, the host
// refuses paths that leave the document root.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  css: 'text/css',
  csv: 'text/csv',
  txt: 'text/plain',
  htm: 'text/html',
  html: 'text/html',
  png: 'image/png',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  ico: 'image/x-icon',
  gif: 'image/gif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  otf: 'font/otf',
  ttf: 'font/ttf',
  woff: 'font/woff',
  woff2: 'font/woff2',
  js: 'application/javascript',
  mjs: 'application/javascript',
  json: 'application/json',
  map: 'application/json',
  wasm: 'application/wasm',
};

export interface StaticResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** The URL path as Neutralino sees it: decoded, without the query. */
export function requestPath(url: string): string {
  const path = url.split('?')[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function contentTypeOf(path: string): string {
  const ext = path.includes('.') ? path.slice(path.lastIndexOf('.') + 1).toLowerCase() : '';
  return MIME[ext] ?? 'application/octet-stream';
}

export async function serveFile(root: string, path: string, prepend = ''): Promise<StaticResponse> {
  let p = path;
  if (!/\.[^/]+$/.test(p)) p = `${p.endsWith('/') ? p : `${p}/`}index.html`;
  const file = resolve(root, `.${p}`);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    return { status: 404, contentType: 'text/plain', body: Buffer.from('') };
  }
  try {
    const data = await readFile(file);
    return { status: 200, contentType: contentTypeOf(p), body: prepend ? Buffer.concat([Buffer.from(prepend), data]) : data };
  } catch {
    return { status: 404, contentType: contentTypeOf(p), body: Buffer.from('') };
  }
}
