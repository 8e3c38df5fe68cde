// /login and /logout (PROTOCOL.md §10.5): the server's password, checked with the same
// scrypt verifier and the same per-address throttle as the main port, exchanged for an
// HttpOnly, Secure, SameSite=Strict session cookie.
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_PASSWORD_BYTES, WEB_MAX_LOGIN_FORM_BYTES } from '../constants';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { addSetCookie, clearedSessionCookie, sessionCookie } from './cookies';
import { formValue, parseForm, readFormBody } from './form-body';
import { renderLogin } from './page';
import { redirect, sendError, sendHtml, serverFull } from './replies';
import { describeBrowser } from './user-agent';
import type { WebRequest } from './web-context';
import { languageHref, webText, WEB_LANGUAGES } from './web-text';

/** Where to go after logging in: only a page of this server, never another site. */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !/^\/browse\/[^\\]*$/.test(next) || next.startsWith('//')) return '/browse/';
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
  if (!ctx.password) return redirect(w.res, '/browse/');
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
  const who = { address: w.address };
  const locked = ctx.throttle.lockedFor(w.address);
  if (locked > 0) {
    ctx.log(makeEntry(LogCategory.SECURITY_ALERT, 'web login refused: address is locked out', who));
    w.res.setHeader('Retry-After', String(Math.ceil(locked / 1000)));
    return showLogin(w, 429, next, T.lockedOut(Math.ceil(locked / 1000)));
  }
  const ok = Buffer.byteLength(password) <= MAX_PASSWORD_BYTES && (await ctx.password.verify(password));
  if (ok) {
    ctx.throttle.succeed(w.address);
    const session = w.session ?? ctx.sessions.open(w.address, describeBrowser(w.req.headers['user-agent']), true);
    if (!session) return serverFull(w);
    ctx.log(makeEntry(LogCategory.AUTHENTICATION, 'web login succeeded', { sessionId: session.id, address: w.address }));
    addSetCookie(w.res, sessionCookie(session.cookie!));
    return redirect(w.res, next);
  }
  const { delayMs, lockedMs } = ctx.throttle.fail(w.address);
  ctx.log(
    makeEntry(lockedMs ? LogCategory.SECURITY_ALERT : LogCategory.AUTHENTICATION, lockedMs ? 'web login failed; address locked out' : 'web login failed: wrong password', who),
  );
  await delay(delayMs);
  if (lockedMs) {
    w.res.setHeader('Retry-After', String(Math.ceil(lockedMs / 1000)));
    return showLogin(w, 429, next, T.lockedOut(Math.ceil(lockedMs / 1000)));
  }
  showLogin(w, 401, next, T.wrongPassword);
}

export function logoutRoute(w: WebRequest): void {
  if (w.session?.cookie) {
    w.ctx.log(makeEntry(LogCategory.AUTHENTICATION, 'web logout', { sessionId: w.session.id, address: w.address }));
    w.ctx.sessions.remove(w.session, 'logged out');
  }
  addSetCookie(w.res, clearedSessionCookie());
  redirect(w.res, w.ctx.password ? '/login' : '/browse/');
}
