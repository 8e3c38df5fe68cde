// /login and /logout (PROTOCOL.md §10.5): the server's password, checked with the same
// scrypt verifier and the same per-address throttle as the main port, exchanged for an
// HttpOnly, Secure, SameSite=Strict session cookie.
import { MAX_PASSWORD_BYTES, WEB_MAX_LOGIN_FORM_BYTES } from '../constants';
import { ErrorCode } from '../errors';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { verdictEntry } from '../serving/auth';
import { addSetCookie, clearedSessionCookie, sessionCookie } from './cookies';
import { formValue, parseForm, readFormBody } from './form-body';
import { renderLogin } from './page';
import { redirect, sendError, sendHtml, serverFull } from './replies';
import { describeBrowser } from './user-agent';
import type { WebRequest } from './web-context';
import { languageHref, webText, WEB_LANGUAGES } from './web-text';

/**
 * Where to go after logging in: only a page of this server, never another site, and only
 * what a Location header carries as it is: printable ASCII (a URL this server produced is
 * percent-encoded), so CR, LF and other characters that would break the header are out.
 */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !/^\/browse\/[\x21-\x5b\x5d-\x7e]*$/.test(next) || next.startsWith('//')) return '/browse/';
  return next;
}

function showLogin(w: WebRequest, status: number, next: string, error?: string): void {
  const page = renderLogin({
    next,
    ...(error ? { error } : {}),
    shareName: w.ctx.share.name,
    fingerprint: w.ctx.fingerprint,
    shortFingerprint: w.ctx.shortFingerprint,
    lang: w.lang,
    // After a failed POST the switch reloads the form (with where to go next) in the other language.
    languages: WEB_LANGUAGES.map((lang) => ({ lang, href: languageHref('/login', `next=${encodeURIComponent(next)}`, lang) })),
  });
  sendHtml(w.res, status, page, w.method === 'HEAD');
}

export async function loginRoute(w: WebRequest): Promise<void> {
  const { ctx } = w;
  const T = webText(w.lang);
  if (!ctx.login) return redirect(w.res, '/browse/');
  if (w.method !== 'POST') {
    let next = '/browse/';
    try {
      next = safeNext(formValue(parseForm(w.query), 'next'));
    } catch {
      // a garbled next= only loses the way back
    }
    if (w.session) return redirect(w.res, next);
    return showLogin(w, 200, next);
  }
  let password: string;
  let next: string;
  try {
    const form = parseForm(await readFormBody(w.req, WEB_MAX_LOGIN_FORM_BYTES));
    password = formValue(form, 'password') ?? '';
    next = safeNext(formValue(form, 'next'));
  } catch (err) {
    return sendError(w, err, '/login');
  }
  // An over-long password is a wrong one, but it still counts as a guess.
  const verdict = await ctx.login.check(w.address, Buffer.byteLength(password) <= MAX_PASSWORD_BYTES ? password : '');
  const entry = verdictEntry(verdict, 'web login');
  if (verdict.ok) {
    const session = w.session ?? ctx.sessions.open(w.address, describeBrowser(w.req.headers['user-agent']), true);
    if (!session) return serverFull(w);
    ctx.log(makeEntry(entry.category, entry.message, { sessionId: session.id, address: w.address }));
    addSetCookie(w.res, sessionCookie(session.cookie!));
    return redirect(w.res, next);
  }
  ctx.log(makeEntry(entry.category, entry.message, { address: w.address }));
  const seconds = Math.ceil((verdict.retryAfterMs ?? 0) / 1000);
  if (verdict.code === ErrorCode.AUTH_FAILED) return showLogin(w, 401, next, T.wrongPassword);
  w.res.setHeader('Retry-After', String(seconds));
  if (verdict.code === ErrorCode.LOCKED_OUT) return showLogin(w, 429, next, T.lockedOut(seconds));
  showLogin(w, 503, next, T.loginBusy(seconds));
}

export function logoutRoute(w: WebRequest): void {
  if (w.session?.cookie) {
    w.ctx.log(makeEntry(LogCategory.AUTHENTICATION, 'web logout', { sessionId: w.session.id, address: w.address }));
    w.ctx.sessions.remove(w.session, 'logged out');
  }
  addSetCookie(w.res, clearedSessionCookie());
  redirect(w.res, w.ctx.login ? '/login' : '/browse/');
}
