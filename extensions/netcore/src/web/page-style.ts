// The page's one stylesheet, served as /assets/app.css and kept here as a string so that
// it travels inside the single bundle. Dark like the desktop app, phone first, logical
// properties so a right-to-left language lays out mirrored, nothing newer than flexbox
// that an old phone browser would need.
export const PAGE_STYLE = `:root { color-scheme: dark; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: #15171c; color: #e6e8ee;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
a { color: #8ab4ff; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; word-break: break-all; }
[hidden] { display: none !important; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bar {
  display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 10px 14px; background: #1e2129; border-bottom: 1px solid #2c303b;
  position: sticky; top: 0; z-index: 1;
}
.brand { font-weight: 600; color: #e6e8ee; text-decoration: none; overflow-wrap: anywhere; }
.logout { margin: 0; }
.bar-end { display: flex; align-items: center; gap: 8px; flex: none; }
.langs { display: flex; gap: 4px; }
.lang { padding: 6px 8px; border-radius: 6px; color: #8ab4ff; text-decoration: none; font-size: 0.9em; }
.lang.current { color: #e6e8ee; background: #2a2f3a; }
.bidi-control {
  display: inline-block; direction: ltr; unicode-bidi: isolate; margin: 0 2px; padding: 0 3px;
  border: 1px solid #ff8080; border-radius: 3px; color: #ff9a9a; font: 0.75em ui-monospace, Menlo, Consolas, monospace;
}
.bidi-warning { display: inline-flex; }
.icon.warn { width: 18px; height: 18px; fill: #ff9a9a; }
#fingerprint { display: block; text-align: start; }
main { padding: 12px 14px 24px; max-width: 960px; margin: 0 auto; }
h1 { font-size: 1.3em; margin: 0.4em 0; }
.crumbs { margin: 4px 0 12px; overflow-wrap: anywhere; color: #a9afbd; }
.crumbs .sep { padding: 0 6px; color: #5d6475; }
.filter { display: flex; gap: 8px; margin-bottom: 10px; }
input[type=search], input[type=password], input[type=text] {
  flex: 1; min-width: 0; font: inherit; color: inherit; background: #0f1115;
  border: 1px solid #3a3f4c; border-radius: 8px; padding: 10px 12px;
}
input:focus, .button:focus, a:focus { outline: 2px solid #6b9cff; outline-offset: 2px; }
input[type=checkbox] { width: 22px; height: 22px; margin: 0; accent-color: #6b9cff; flex: none; }
.button {
  display: inline-block; font: inherit; color: #e6e8ee; background: #2a2f3a; border: 1px solid #3a3f4c;
  border-radius: 8px; padding: 10px 14px; text-decoration: none; cursor: pointer; text-align: center;
}
.button.primary { background: #3d6fe0; border-color: #3d6fe0; color: #fff; }
.button.quiet { background: transparent; }
.tools { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 6px 2px; color: #a9afbd; }
.select-all { display: flex; align-items: center; gap: 8px; }
.list { list-style: none; margin: 0; padding: 0; border-top: 1px solid #2c303b; }
.row { display: flex; align-items: center; gap: 12px; padding: 10px 2px; border-bottom: 1px solid #2c303b; }
.name { flex: 1; min-width: 0; display: flex; align-items: center; gap: 8px; color: #e6e8ee; text-decoration: none; overflow-wrap: anywhere; }
.name:hover span, .name:focus span { text-decoration: underline; }
.icon { width: 22px; height: 22px; flex: none; fill: #8ab4ff; }
.row .name svg path { stroke: none; }
.meta { flex: none; color: #a9afbd; font-size: 0.85em; text-align: end; max-width: 40%; }
.meta time, .meta .size { display: block; }
.empty, .notice { color: #a9afbd; padding: 16px 2px; }
.notice { color: #ffcf70; }
.not-offered { color: #a9afbd; font-size: 0.9em; padding: 4px 2px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 14px; }
.actions .button { flex: 1 1 auto; }
.warning { background: #4a3411; border: 1px solid #a8741d; color: #ffe2ad; border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; }
.error { color: #ff9a9a; }
.login { display: flex; flex-direction: column; gap: 10px; max-width: 420px; margin: 8vh auto 0; }
.show-password { display: flex; align-items: center; gap: 8px; }
.message { max-width: 560px; margin: 8vh auto 0; }
.fingerprint { padding: 8px 14px 24px; max-width: 960px; margin: 0 auto; color: #a9afbd; font-size: 0.85em; border-top: 1px solid #2c303b; }
.fingerprint p { margin: 4px 0; }
.hint { color: #7f8697; }
@media (min-width: 640px) {
  .meta time, .meta .size { display: inline; padding-inline-start: 10px; }
  .meta { max-width: none; }
  .actions .button { flex: 0 0 auto; }
}
`;

/** The tab icon: a folder in the page's accent colour. */
export const PAGE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#6b9cff" d="M3 6.5A1.5 1.5 0 0 1 4.5 5h5l2 2h8A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z"/></svg>`;
