// /zip (PROTOCOL.md §10.4): a folder (GET ?path=) or a ticked selection (POST) as one ZIP
// streamed while it is built. Every path goes through the share's rules, exactly like a
// single file.
import { posix } from 'node:path';
import { MAX_FILES_PER_REQUEST, WEB_MAX_SELECTION_FORM_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { pathProblem, type NameRule } from '../protocol/path-rules';
import { contentDisposition } from './content-disposition';
import { formValue, formValues, parseForm, readFormBody } from './form-body';
import { sendError, sendMessage } from './replies';
import { writeBatches } from './response-writer';
import type { WebRequest } from './web-context';
import { folderUrl } from './web-path';
import { zipEntryNames } from './zip-names';
import { buildZip, type ZipBuild, type ZipItem } from './zip-stream';
import { webText } from './web-text';

function checkedPath(path: string, rule: NameRule): string {
  if (path === '') return path;
  const problem = pathProblem(path, rule);
  if (problem) throw new PssError(ErrorCode.BAD_PATH, `refused path: ${problem}`);
  return path;
}

/** The files a ZIP holds, named relative to `base` as the ZIP format allows. */
async function collect(w: WebRequest, base: string, selected: readonly string[] | undefined): Promise<ZipItem[]> {
  const items = await collectRelative(w, base, selected);
  const names = zipEntryNames(items.map((item) => item.name));
  for (const item of items) item.name = names.get(item.name)!;
  return items;
}

/** The files a ZIP holds, named relative to `base`. */
async function collectRelative(w: WebRequest, base: string, selected: readonly string[] | undefined): Promise<ZipItem[]> {
  const { share } = w.ctx;
  const prefix = base === '' ? '' : `${base}/`;
  const items = new Map<string, ZipItem>();
  const add = (path: string, size: number, mtimeMs: number) => items.set(path, { path, name: path.slice(prefix.length), size, mtimeMs });
  const addFolder = async (folder: string) => {
    for (const e of await share.list(undefined, folder)) add(e.path, e.size, e.mtimeMs);
  };
  if (selected === undefined) {
    if (base === '' && share.kind === 'file') {
      for (const e of await share.list()) add(e.path, e.size, e.mtimeMs);
    } else {
      await addFolder(base);
    }
    return [...items.values()];
  }
  for (const raw of selected) {
    const path = checkedPath(raw, share.names);
    if (path === '' || !path.startsWith(prefix)) throw new PssError(ErrorCode.BAD_PATH, 'refused path: not inside the folder shown');
    const kind = await share.kindOf(path);
    if (kind === 'directory') await addFolder(path);
    else if (kind === 'file') {
      const { handle, stat } = await share.openFile(path);
      await handle.close();
      add(path, stat.size, Math.trunc(stat.mtimeMs));
    } else throw new PssError(ErrorCode.NOT_FOUND, `not shared: ${path}`);
    if (items.size > MAX_FILES_PER_REQUEST * 100) throw new PssError(ErrorCode.TOO_MANY_FILES, 'too many files for one ZIP');
  }
  return [...items.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function zipRoute(w: WebRequest): Promise<void> {
  const { ctx, res } = w;
  const T = webText(w.lang);
  const session = w.session!;
  let base: string;
  let selected: string[] | undefined;
  let items: ZipItem[];
  let build: ZipBuild;
  try {
    if (w.method === 'POST') {
      const form = parseForm(await readFormBody(w.req, WEB_MAX_SELECTION_FORM_BYTES));
      base = checkedPath(formValue(form, 'dir') ?? '', ctx.share.names);
      selected = formValues(form, 'f');
      if (selected.length === 0) {
        return sendMessage(w, 400, { title: T.nothingSelected, message: T.nothingSelectedHint, link: { href: folderUrl(base), text: T.backToFiles } });
      }
      if (selected.length > MAX_FILES_PER_REQUEST) throw new PssError(ErrorCode.BAD_MESSAGE, `at most ${MAX_FILES_PER_REQUEST} items may be selected`);
    } else {
      base = checkedPath(formValue(parseForm(w.query), 'path') ?? '', ctx.share.names);
    }
    items = await collect(w, base, selected);
    build = buildZip(ctx.share, items);
  } catch (err) {
    return sendError(w, err, `/zip ${w.method === 'POST' ? '(selection)' : w.query}`);
  }
  const zipName = `${base === '' ? ctx.share.name : posix.basename(base)}.zip`;
  const size = build.size;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Length', size);
  res.setHeader('Content-Disposition', contentDisposition(zipName));
  res.setHeader('Cache-Control', 'no-store');
  if (w.method === 'HEAD') {
    res.end();
    return;
  }
  const who = { sessionId: session.id, address: w.address };
  const transfer = session.begin(zipName, size, 0, res);
  ctx.log(makeEntry(LogCategory.WEB, `ZIP started: ${zipName} (${items.length} files, ${size} bytes)`, who));
  let ok = false;
  let problem = '';
  try {
    ok = await writeBatches(res, build.batches, {
      whenRunning: () => ctx.registry.whenRunning(session),
      isPaused: () => ctx.registry.paused,
      idle: ctx.idle,
      onBytes: (n) => session.sent(transfer, n),
    });
  } catch (err) {
    problem = `: ${(err as Error).message}`;
    res.destroy();
  } finally {
    session.finish(transfer);
    if (!ok) build.abort();
  }
  ctx.log(
    makeEntry(
      problem ? LogCategory.ERROR : LogCategory.WEB,
      ok ? `ZIP finished: ${zipName}` : `ZIP stopped before the end: ${zipName} (${transfer.done} of ${size} bytes sent)${problem}`,
      who,
    ),
  );
}
