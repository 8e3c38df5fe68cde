// Every request to the web port goes through here (PROTOCOL.md §10): security headers,
// the session (cookie, login, or one download without a cookie), then the route. Pages
// and downloads count against max clients like desktop clients do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEB_SESSION_COOKIE } from '../constants';
import { browseRoute } from './browse-route';
import { addSetCookie, clearedSessionCookie, readCookie, sessionCookie } from './cookies';
import { fileRoute } from './file-route';
import { loginRoute, logoutRoute } from './login-route';
import { PAGE_ICON, PAGE_STYLE } from './page-style';
import { PAGE_SCRIPT } from './page-script';
import { redirect, sendError, sendMessage, serverFull } from './replies';
import { setSecurityHeaders } from './security-headers';
import { describeBrowser } from './user-agent';
import { chooseLanguage, webText } from './web-text';
import type { WebContext, WebRequest } from './web-context';
import { zipRoute } from './zip-route';

const ASSETS: Record<string, { type: string; body: Buffer }> = {
  '/assets/app.js': { type: 'text/javascript; charset=utf-8', body: Buffer.from(PAGE_SCRIPT) },
  '/assets/app.css': { type: 'text/css; charset=utf-8', body: Buffer.from(PAGE_STYLE) },
  '/assets/icon.svg': { type: 'image/svg+xml', body: Buffer.from(PAGE_ICON) },
};

type Route = 'browse' | 'files' | 'zip';

function sendAsset(w: WebRequest, asset: { type: string; body: Buffer }): void {
  w.res.statusCode = 200;
  w.res.setHeader('Content-Type', asset.type);
  w.res.setHeader('Content-Length', asset.body.length);
  w.res.setHeader('Cache-Control', 'no-cache');
  w.res.end(w.method === 'HEAD' ? undefined : asset.body);
}

/** A form may only be posted by a page of this server (SameSite aside, for old browsers). */
function foreignOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin !== 'null' && origin !== `https://${req.headers.host ?? ''}`;
}

export function handleRequest(ctx: WebContext, req: IncomingMessage, res: ServerResponse): void {
  setSecurityHeaders(res);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = q < 0 ? '' : url.slice(q + 1);
  // The page's language: ?lang= (the switch), its cookie, then Accept-Language (web-text.ts).
  const language = chooseLanguage(query, req.headers.cookie, req.headers['accept-language']);
  if (language.setCookie) addSetCookie(res, language.setCookie);
  res.setHeader('Vary', 'Accept-Language, Cookie');
  const w: WebRequest = {
    ctx,
    req,
    res,
    address: req.socket.remoteAddress ?? 'unknown',
    method: req.method ?? 'GET',
    pathname: q < 0 ? url : url.slice(0, q),
    query,
    session: undefined,
    lang: language.lang,
  };
  route(w).catch((err) => sendError(w, err, w.pathname));
}

async function route(w: WebRequest): Promise<void> {
  const { ctx, req, res, pathname, method } = w;
  const T = webText(w.lang);
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    res.setHeader('Allow', 'GET, HEAD, POST');
    return sendMessage(w, 405, { title: T.methodTitle, message: T.method });
  }
  const asset = ASSETS[pathname];
  if (asset && method !== 'POST') return sendAsset(w, asset);
  if (pathname === '/' && method !== 'POST') return redirect(res, '/browse/');
  if (method === 'POST' && foreignOrigin(req)) return sendMessage(w, 403, { title: T.badRequestTitle, message: T.method });

  const cookie = readCookie(req.headers.cookie, WEB_SESSION_COOKIE);
  w.session = ctx.sessions.fromCookie(cookie);
  if (!w.session && cookie !== undefined) {
    addSetCookie(res, clearedSessionCookie());
    const reason = ctx.sessions.takeRevokedReason(cookie);
    if (reason !== undefined)
      return sendMessage(w, 403, { title: T.disconnectedTitle, message: T.disconnected(reason), link: { href: '/browse/', text: T.backToFiles } });
  }
  if (pathname === '/login') return loginRoute(w);
  if (pathname === '/logout') {
    if (method !== 'POST') return redirect(res, '/browse/');
    return logoutRoute(w);
  }

  let which: Route;
  let tail = '';
  if (pathname.startsWith('/browse/') && method !== 'POST') {
    which = 'browse';
    tail = pathname.slice('/browse/'.length);
  } else if (pathname.startsWith('/files/') && method !== 'POST') {
    which = 'files';
    tail = pathname.slice('/files/'.length);
  } else if (pathname === '/zip') {
    which = 'zip';
  } else {
    return sendMessage(w, 404, { title: T.notFoundTitle, message: T.notFound, link: { href: '/browse/', text: T.backToFiles } });
  }

  if (!w.session) {
    if (ctx.login) {
      const login = `/login?next=${encodeURIComponent(which === 'browse' ? (req.url ?? '/browse/') : '/browse/')}`;
      if (which === 'browse') return redirect(res, login);
      return sendMessage(w, 401, { title: T.loginRequiredTitle, message: T.loginRequired, link: { href: login, text: T.toLogin } });
    }
    // A page view starts a browser session (with a cookie); a download without a cookie
    // (curl, a download manager) is a session of its own for as long as it runs.
    const browser = which === 'browse';
    const session = ctx.sessions.open(w.address, describeBrowser(req.headers['user-agent']), browser);
    if (!session) return serverFull(w);
    w.session = session;
    if (browser) addSetCookie(res, sessionCookie(session.cookie!));
    else res.once('close', () => ctx.sessions.remove(session, 'download over'));
  }

  if (which === 'browse') return browseRoute(w, tail);
  if (which === 'files') return fileRoute(w, tail);
  return zipRoute(w);
}
