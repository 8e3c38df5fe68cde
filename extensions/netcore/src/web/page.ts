// The server-rendered pages: the folder listing, the login form and the short message
// pages. Phone first, one stylesheet and one script from /assets/ (no inline code, so the
// CSP forbids all of it), and every name escaped by html``. Without JavaScript the pages
// still navigate, filter (by submitting), download files, ZIP a ticked selection and
// switch language. In Persian the page is right to left; names are isolated (<bdi>),
// addresses and fingerprints read left to right, and bidi control characters in names are
// shown as marks, never obeyed.
import type { FileEntry } from '../protocol/messages';
import { NOT_SHARED_REASONS, notSharedTotal, type NotSharedCounts } from '../protocol/not-shared';
import { html, type SafeHtml } from './html';
import { webText, WEB_LANGUAGE_NAMES, type WebLanguage, type WebText } from './web-text';
import { fileUrl, folderUrl } from './web-path';

/** A link to this page in another language (the switch in the header). */
export interface LanguageLink {
  lang: WebLanguage;
  href: string;
}

export interface PageChrome {
  shareName: string;
  fingerprint: string;
  shortFingerprint: string;
  /** Shows the Log out button. */
  loggedIn: boolean;
  warnings?: readonly string[];
  /** The page's language; English when absent. */
  lang?: WebLanguage;
  /** The same page in each language, for the switch; none shown when absent. */
  languages?: readonly LanguageLink[];
}

export interface ListingView extends PageChrome {
  /** The folder shown, as a wire path; '' is the root. */
  folder: string;
  folders: readonly string[];
  files: readonly FileEntry[];
  filter: string;
  /** What this folder holds that is not offered, by reason (§5.1). */
  notShared: NotSharedCounts;
}

/** "2 items in this folder are not offered by the server: links 1, special files 1.", or ''. */
function notOffered(counts: NotSharedCounts, T: WebText): string {
  const total = notSharedTotal(counts);
  if (total === 0) return '';
  const reasons = NOT_SHARED_REASONS.filter((r) => (counts[r] ?? 0) > 0).map((r) => T.notOfferedReason(r, counts[r]!));
  return T.notOffered(total, reasons.join(T.listSeparator));
}

export function formatSize(bytes: number, lang: WebLanguage = 'en'): string {
  return webText(lang).size(bytes);
}

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A name for an attribute (a label, a title): each bidi control written out as `[U+202E]`. */
function revealControls(name: string): string {
  return name.replace(BIDI_CONTROLS, (ch) => `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/**
 * A name as text a person can trust: isolated in its own direction, with each bidi control
 * character (U+202E makes "report\u202Efdp.exe" look like "reportexe.pdf") shown as a red
 * `U+202E` mark, and a warning sign before a name that holds any.
 */
function nameHtml(name: string, T: WebText): SafeHtml {
  const controls = name.match(BIDI_CONTROLS)?.length ?? 0;
  if (controls === 0) return html`<bdi>${name}</bdi>`;
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const m of name.matchAll(BIDI_CONTROLS)) {
    parts.push(html`${name.slice(last, m.index)}`);
    const code = `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    parts.push(html`<span class="bidi-control" title="${T.bidiControl(code)}">${code}</span>`);
    last = m.index! + m[0].length;
  }
  parts.push(html`${name.slice(last)}`);
  return html`<span class="bidi-warning" role="img" aria-label="${T.bidiWarning(controls)}" title="${T.bidiWarning(controls)}">${WARNING_ICON}</span><bdi class="spoofed">${parts}</bdi>`;
}

const FOLDER_ICON = html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h5l2 2h8A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z"/></svg>`;
const WARNING_ICON = html`<svg class="icon warn" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2.5 1.5 21h21zM11 9h2v6h-2zm0 8h2v2h-2z"/></svg>`;
const FILE_ICON = html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M6 3h8l5 5v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm7 1.5V9h4.5"/></svg>`;

function languageSwitch(chrome: PageChrome | undefined, T: WebText): SafeHtml | '' {
  if (!chrome?.languages || chrome.languages.length < 2) return '';
  const links = chrome.languages.map((l) =>
    l.lang === T.lang
      ? html`<span class="lang current" lang="${l.lang}" aria-current="true">${WEB_LANGUAGE_NAMES[l.lang]}</span>`
      : html`<a class="lang" href="${l.href}" lang="${l.lang}" hreflang="${l.lang}">${WEB_LANGUAGE_NAMES[l.lang]}</a>`,
  );
  return html`<nav class="langs" aria-label="${T.language}">${links}</nav>`;
}

function layout(title: string, chrome: PageChrome | undefined, body: SafeHtml, T: WebText): string {
  const header = chrome
    ? html`<header class="bar">
<a class="brand" href="/browse/"><bdi>${chrome.shareName}</bdi></a>
<div class="bar-end">
${languageSwitch(chrome, T)}
${chrome.loggedIn ? html`<form method="post" action="/logout" class="logout"><button type="submit" class="button quiet">${T.logOut}</button></form>` : ''}
</div>
</header>`
    : html`<header class="bar"><span class="brand">${T.appName}</span></header>`;
  const warnings = (chrome?.warnings ?? []).map((w) => html`<div class="warning" role="alert"><strong>${T.warning}:</strong> <bdi>${w}</bdi></div>`);
  const footer = chrome
    ? html`<footer class="fingerprint">
<p>${T.fingerprint}:</p>
<p><code id="fingerprint" dir="ltr">${chrome.fingerprint}</code></p>
<p>${T.shortForm}: <bdi><code dir="ltr">${chrome.shortFingerprint}</code></bdi></p>
<p class="hint">${T.fingerprintHelp}</p>
</footer>`
    : '';
  return html`<!doctype html>
<html lang="${T.lang}" dir="${T.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<meta name="referrer" content="no-referrer">
<title>${title} · ${T.appName}</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<script src="/assets/app.js" defer></script>
</head>
<body>
${header}
<main>
${warnings}
${body}
</main>
${footer}
</body>
</html>
`.text;
}

function breadcrumbs(shareName: string, folder: string, T: WebText): SafeHtml {
  const parts = folder === '' ? [] : folder.split('/');
  const crumbs = [html`<a href="${folderUrl('')}">${nameHtml(shareName, T)}</a>`];
  parts.forEach((name, i) => {
    const path = parts.slice(0, i + 1).join('/');
    crumbs.push(
      i === parts.length - 1 ? html`<span aria-current="page">${nameHtml(name, T)}</span>` : html`<a href="${folderUrl(path)}">${nameHtml(name, T)}</a>`,
    );
  });
  return html`<nav class="crumbs" aria-label="${T.breadcrumbs}">${crumbs.map((c, i) => (i === 0 ? c : html`<span class="sep">/</span>${c}`))}</nav>`;
}

function matches(name: string, filter: string): boolean {
  return filter === '' || name.toLowerCase().includes(filter.toLowerCase());
}

export function renderListing(view: ListingView): string {
  const T = webText(view.lang);
  const prefix = view.folder === '' ? '' : `${view.folder}/`;
  const folders = view.folders.filter((n) => matches(n, view.filter));
  const files = view.files.filter((f) => matches(f.path.slice(prefix.length), view.filter));
  const folderRows = folders.map((name) => {
    const path = prefix + name;
    return html`<li class="row" data-name="${name.toLowerCase()}">
<input type="checkbox" name="f" value="${path}" aria-label="${T.selectItem(revealControls(name))}">
<a class="name" href="${folderUrl(path)}">${FOLDER_ICON}<span>${nameHtml(name, T)}</span></a>
<span class="meta">${T.folder}</span>
</li>`;
  });
  const fileRows = files.map((f) => {
    const name = f.path.slice(prefix.length);
    const date = T.date(f.mtimeMs);
    return html`<li class="row" data-name="${name.toLowerCase()}">
<input type="checkbox" name="f" value="${f.path}" aria-label="${T.selectItem(revealControls(name))}">
<a class="name" href="${fileUrl(f.path)}" download>${FILE_ICON}<span>${nameHtml(name, T)}</span></a>
<span class="meta"><span class="size">${T.size(f.size)}</span> <time datetime="${date.iso}">${date.text}</time></span>
</li>`;
  });
  const total = view.folders.length + view.files.length;
  const shown = folders.length + files.length;
  const empty = total === 0 ? T.emptyFolder : shown === 0 ? T.noMatch : '';
  const note = notOffered(view.notShared, T);
  const title = view.folder === '' ? view.shareName : view.folder.split('/').at(-1)!;
  const body = html`${breadcrumbs(view.shareName, view.folder, T)}
<form class="filter" method="get" role="search">
<label for="filter" class="visually-hidden">${T.filterLabel}</label>
<input type="search" id="filter" name="q" value="${view.filter}" placeholder="${T.filterLabel}" autocomplete="off" spellcheck="false">
<button type="submit" class="button quiet" id="filter-button">${T.filterButton}</button>
${view.filter ? html`<a class="button quiet" href="?">${T.clearFilter}</a>` : ''}
</form>
<form id="pick" method="post" action="/zip">
<input type="hidden" name="dir" value="${view.folder}">
<div class="tools">
<label class="select-all" hidden><input type="checkbox" id="select-all"> ${T.selectAll}</label>
<span class="count" id="count">${T.counted(folders.length, files.length)}</span>
</div>
<ul class="list" id="list">
${folderRows}${fileRows}
</ul>
<p class="empty" id="empty"${empty ? '' : html` hidden`}>${empty || T.noMatch}</p>
${note ? html`<p class="not-offered" id="not-offered">${note}</p>` : ''}
<div class="actions">
<button type="submit" class="button primary" id="zip-selected">${T.downloadSelected}</button>
${total > 0 ? html`<a class="button" id="zip-folder" href="/zip?path=${encodeURIComponent(view.folder)}">${T.downloadFolder}</a>` : ''}
</div>
<p class="notice" id="notice" role="status" hidden>${T.nothingSelectedHint}</p>
</form>`;
  return layout(title, view, body, T);
}

export interface LoginView {
  next: string;
  error?: string;
  fingerprint: string;
  shortFingerprint: string;
  shareName: string;
  lang?: WebLanguage;
  languages?: readonly LanguageLink[];
}

export function renderLogin(view: LoginView): string {
  const T = webText(view.lang);
  const body = html`<form class="login" method="post" action="/login">
<h1>${T.loginTitle}</h1>
<p>${T.loginPrompt}</p>
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<input type="hidden" name="next" value="${view.next}">
<label for="password">${T.password}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
<label class="show-password" hidden><input type="checkbox" id="show-password"> ${T.showPassword}</label>
<button type="submit" class="button primary">${T.logIn}</button>
</form>`;
  return layout(T.loginTitle, { ...view, loggedIn: false }, body, T);
}

export interface MessageView {
  title: string;
  message: string;
  link?: { href: string; text: string };
  chrome?: PageChrome;
}

export function renderMessage(view: MessageView): string {
  const T = webText(view.chrome?.lang);
  const body = html`<section class="message">
<h1>${view.title}</h1>
<p>${view.message}</p>
${view.link ? html`<p><a class="button" href="${view.link.href}">${view.link.text}</a></p>` : ''}
</section>`;
  return layout(view.title, view.chrome, body, T);
}
