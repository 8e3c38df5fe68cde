// Answers that are pages: HTML with the right status, caching and length, and the short
// message pages (not found, refused, full, ...) in one place.
import type { ServerResponse } from 'node:http';
import { ErrorCode, type PssError } from '../errors';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { renderMessage, type MessageView, type PageChrome } from './page';
import type { WebRequest } from './web-context';
import { languageHref, webText, WEB_LANGUAGES } from './web-text';

export function sendHtml(res: ServerResponse, status: number, body: string, head = false): void {
  const bytes = Buffer.from(body, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', bytes.length);
  res.end(head ? undefined : bytes);
}

export function redirect(res: ServerResponse, location: string, status = 303): void {
  res.statusCode = status;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', 0);
  res.end();
}

export function chromeFor(w: WebRequest, warnings: readonly string[] = []): PageChrome {
  return {
    shareName: w.ctx.share.name,
    fingerprint: w.ctx.fingerprint,
    shortFingerprint: w.ctx.shortFingerprint,
    loggedIn: w.ctx.login !== undefined && w.session?.cookie !== undefined,
    warnings,
    lang: w.lang,
    // A folder page switches in place; any other page (a refusal, a file that is not
    // there) switches to the share's first page rather than repeating the request.
    languages: WEB_LANGUAGES.map((lang) => ({
      lang,
      href: w.pathname.startsWith('/browse/') ? languageHref(w.pathname, w.query, lang) : `/browse/?lang=${lang}`,
    })),
  };
}

export function sendMessage(w: WebRequest, status: number, view: Omit<MessageView, 'chrome'>): void {
  sendHtml(w.res, status, renderMessage({ ...view, chrome: chromeFor(w) }), w.method === 'HEAD');
}

export function serverFull(w: WebRequest): void {
  const T = webText(w.lang);
  w.ctx.log(makeEntry(LogCategory.CONNECTION, `web: refused: server full (${w.ctx.registry.maxClients} clients)`, { address: w.address }));
  w.res.setHeader('Retry-After', '30');
  sendMessage(w, 503, { title: T.serverFullTitle, message: T.serverFull(w.ctx.registry.maxClients) });
}

/** A request that failed before its answer started: the page for its error code. */
export function sendError(w: WebRequest, err: unknown, what: string): void {
  const e = err as PssError;
  const T = webText(w.lang);
  const shown = what.length > 300 ? `${what.slice(0, 300)}…` : what;
  if (w.res.headersSent) {
    w.res.destroy();
    return;
  }
  const back = { href: '/browse/', text: T.backToFiles };
  switch (e?.code) {
    case ErrorCode.BAD_PATH:
      w.ctx.log(makeEntry(LogCategory.SECURITY_ALERT, `web: refused ${shown}: ${e.message}`, { sessionId: w.session?.id, address: w.address }));
      return sendMessage(w, 400, { title: T.badPathTitle, message: T.badPath, link: back });
    case ErrorCode.NOT_FOUND:
      w.ctx.log(makeEntry(LogCategory.WEB, `not found: ${shown}`, { sessionId: w.session?.id, address: w.address }));
      return sendMessage(w, 404, { title: T.notFoundTitle, message: T.notFound, link: back });
    case ErrorCode.BAD_MESSAGE:
    case ErrorCode.TOO_MANY_FILES:
      return sendMessage(w, 400, { title: T.badRequestTitle, message: e.message, link: back });
    default:
      w.ctx.log(
        makeEntry(LogCategory.ERROR, `web: ${shown} failed: ${(e as Error)?.message ?? String(err)}`, { sessionId: w.session?.id, address: w.address }),
      );
      return sendMessage(w, 500, { title: T.errorTitle, message: T.error, link: back });
  }
}
