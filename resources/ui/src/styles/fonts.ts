// The bundled typeface: Vazirmatn (SIL Open Font License, copied beside it as OFL.txt), a
// variable font with Persian and Latin letters, loaded from the app's own files so every
// glyph draws the same on a system that has no Persian font. The build copies it next to
// the bundle (dist/fonts/), which is where this module's URL points.

const FONT_FAMILY = 'Vazirmatn';
const FONT_FILE = 'fonts/vazirmatn-variable.woff2';

/** Adds the bundled font to the document; resolves once it is ready (or failed to load). */
export async function loadBundledFont(base: string = import.meta.url): Promise<boolean> {
  if (typeof FontFace === 'undefined') return false;
  const face = new FontFace(FONT_FAMILY, `url("${new URL(FONT_FILE, base).href}") format("woff2")`, { weight: '100 900', style: 'normal', display: 'swap' });
  document.fonts.add(face);
  try {
    await face.load();
    return true;
  } catch {
    // The fallback stack in the theme still draws text; the smoke and screen tests catch this.
    return false;
  }
}
