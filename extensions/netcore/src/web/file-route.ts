// GET and HEAD /files/<path> (PROTOCOL.md §10.3): one shared file, with validators
// (ETag, Last-Modified), conditional requests and one byte range, so browsers and
// download managers can resume.
import { posix } from 'node:path';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { contentDisposition } from './content-disposition';
import { contentTypeFor } from './mime-types';
import { entityTag, httpDate, ifRangeAllows, noneMatch, notModifiedSince, parseRange } from './range';
import { sendError } from './replies';
import { writeFileRange } from './response-writer';
import { FILE_CSP, setSecurityHeaders } from './security-headers';
import type { OpenedFile } from '../serving/share';
import type { WebRequest } from './web-context';
import { fileWirePath } from './web-path';

export async function fileRoute(w: WebRequest, tail: string): Promise<void> {
  const { ctx, req, res } = w;
  const session = w.session!;
  let path: string;
  let opened: OpenedFile;
  try {
    path = fileWirePath(tail, ctx.share.names);
    opened = await ctx.share.openFile(path);
  } catch (err) {
    return sendError(w, err, `/files/${tail}`);
  }
  const { handle, stat } = opened;
  const who = { sessionId: session.id, address: w.address };
  try {
    const size = stat.size;
    const etag = entityTag(stat);
    setSecurityHeaders(res, FILE_CSP);
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', httpDate(stat.mtimeMs));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, no-cache');

    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch !== undefined ? noneMatch(ifNoneMatch, etag) : notModifiedSince(req.headers['if-modified-since'], stat.mtimeMs)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const rangeHeader = req.headers.range;
    const range =
      rangeHeader !== undefined && ifRangeAllows(req.headers['if-range']?.toString(), etag, stat.mtimeMs)
        ? parseRange(rangeHeader, size)
        : { kind: 'full' as const };
    if (range.kind === 'unsatisfiable') {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${size}`);
      res.setHeader('Content-Length', 0);
      res.end();
      return;
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end + 1 : size;
    res.statusCode = range.kind === 'partial' ? 206 : 200;
    if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end - 1}/${size}`);
    res.setHeader('Content-Type', contentTypeFor(path));
    res.setHeader('Content-Length', end - start);
    res.setHeader('Content-Disposition', contentDisposition(posix.basename(path)));
    if (w.method === 'HEAD') {
      res.end();
      return;
    }
    const transfer = session.begin(path, size, start, res);
    const span = range.kind === 'partial' ? ` bytes ${start}-${end - 1} of ${size}` : ` (${size} bytes)`;
    ctx.log(makeEntry(LogCategory.WEB, `download started: ${path}${span}`, who));
    let ok = false;
    try {
      ok = await writeFileRange(res, handle, start, end, {
        whenRunning: () => ctx.registry.whenRunning(session),
        isPaused: () => ctx.registry.paused,
        idle: ctx.idle,
        onBytes: (n) => session.sent(transfer, n),
      });
    } finally {
      session.finish(transfer);
    }
    ctx.log(
      makeEntry(
        LogCategory.WEB,
        ok ? `download finished: ${path}` : `download stopped before the end: ${path} (${transfer.done - start} of ${end - start} bytes sent)`,
        who,
      ),
    );
  } catch (err) {
    ctx.log(makeEntry(LogCategory.ERROR, `web: reading ${path} failed: ${(err as Error).message}`, who));
    if (res.headersSent) res.destroy();
    else sendError(w, err, `/files/${tail}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
