// Checks run inside a page of the desktop UI, across every open shadow root: what text a
// person sees (to find emoji the host may draw as empty boxes), which bundled icons are
// drawn and whether the bundled font is in use. The page code is plain text so that the
// test runner's transforms never reach it.
import type { Page } from 'playwright-core';

const COLLECT_TEXT = `(() => {
  const out = [];
  function visit(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement ? node.parentElement.tagName : '';
        if (parent !== 'STYLE' && parent !== 'SCRIPT' && node.textContent.trim()) out.push(node.textContent.trim());
        continue;
      }
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const value = node.getAttribute && node.getAttribute(name);
        if (value) out.push(value);
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
  }
  visit(document.body);
  return out;
})()`;

const COUNT_ICONS = `(() => {
  const counts = {};
  function visit(root) {
    for (const svg of root.querySelectorAll('svg[data-icon]')) {
      const name = svg.getAttribute('data-icon');
      counts[name] = (counts[name] || 0) + 1;
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  }
  visit(document);
  return counts;
})()`;

const FONT_READY = `(async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Vazirmatn');
  return faces.some((f) => f.status === 'loaded') && document.fonts.check('14px Vazirmatn', 'فارسی Pro Secure Suite ۱۲۳');
})()`;

/** Every text node and every aria-label, title and placeholder, through shadow roots. */
function collectText(page: Page): Promise<string[]> {
  return page.evaluate(COLLECT_TEXT) as Promise<string[]>;
}

/** Text pieces that hold a pictographic character (emoji), which a host without an emoji font cannot draw. */
export async function pictographs(page: Page): Promise<string[]> {
  return (await collectText(page)).filter((s) => /\p{Extended_Pictographic}|\uFE0F/u.test(s));
}

/** The number of bundled SVG icons on screen, by name. */
export function iconsShown(page: Page): Promise<Record<string, number>> {
  return page.evaluate(COUNT_ICONS) as Promise<Record<string, number>>;
}

/** Whether the bundled Vazirmatn face loaded and draws Persian and Latin text. */
export function bundledFontReady(page: Page): Promise<boolean> {
  return page.evaluate(FONT_READY) as Promise<boolean>;
}
