// GET /browse/<folder>/ (PROTOCOL.md §10.2): one folder of the share as a page, with an
// optional name filter (?q=) applied on the server for browsers without JavaScript.
import { formValue, parseForm } from './form-body';
import { renderListing } from './page';
import { chromeFor, redirect, sendError, sendHtml } from './replies';
import type { Share } from '../serving/share';
import type { WebRequest } from './web-context';
import { folderWirePath } from './web-path';

function filterOf(query: string): string {
  try {
    return (formValue(parseForm(query), 'q') ?? '').trim().slice(0, 200);
  } catch {
    return '';
  }
}

export async function browseRoute(w: WebRequest, tail: string): Promise<void> {
  // Relative links in a folder page resolve against the folder, so it always ends in '/'.
  if (tail !== '' && !tail.endsWith('/')) return redirect(w.res, `/browse/${tail}/${w.query ? `?${w.query}` : ''}`, 308);
  let folder: string;
  let listing: Awaited<ReturnType<Share['listFolder']>>;
  try {
    folder = folderWirePath(tail, w.ctx.share.names);
    listing = await w.ctx.share.listFolder(folder);
  } catch (err) {
    return sendError(w, err, `/browse/${tail}`);
  }
  const warnings = w.session ? w.session.warnings.splice(0) : [];
  const page = renderListing({
    ...chromeFor(w, warnings),
    folder,
    folders: listing.folders,
    files: listing.files,
    filter: filterOf(w.query),
    notShared: listing.notShared,
  });
  sendHtml(w.res, 200, page, w.method === 'HEAD');
}
