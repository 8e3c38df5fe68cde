// Layout checks run in a page of the desktop UI, through every open shadow root.
//
// clippedText(): text a person cannot fully read. A piece of text is reported when it
// sticks out of an ancestor that hides overflow (overflow hidden or clip), when it runs
// past the window's edge without a scrolling box to reach it, or when a button or label is
// narrower than its own text. Text cut with an ellipsis on purpose (long file names, which
// show the whole name on hover, in a title) and visually hidden text for screen readers are left out,
// and so is text scrolled out of view inside a scrolling box.
//
// The page code is plain text so that the test runner's transforms never reach it.
import type { Page } from 'playwright-core';

export interface ClippedText {
  text: string;
  reason: string;
  where: string;
}

const CLIPPED_TEXT = `(() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const parentOf = (el) => el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && parts.length < 4; e = parentOf(e)) {
      const testid = e.getAttribute && e.getAttribute('data-testid');
      parts.push(e.tagName.toLowerCase() + (testid ? '[' + testid + ']' : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
    }
    return parts.join(' < ');
  };
  const hasTitle = (from, to) => {
    for (let e = from; e; e = parentOf(e)) {
      if (e.getAttribute && e.getAttribute('title')) return true;
      if (e === to) return false;
    }
    return false;
  };
  const hiddenOnPurpose = (el) => {
    for (let e = el; e; e = parentOf(e)) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      // Text for screen readers only: clipped away by clip-path or the older clip.
      if (style.clipPath && style.clipPath !== 'none') return true;
      if (style.position === 'absolute' && style.clip && style.clip !== 'auto') return true;
      // An ellipsis is a choice only where the whole text is a hover away (a title).
      if (style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1) return hasTitle(el, e);
      if (e.tagName === 'DIALOG' && !e.open) return true;
    }
    return false;
  };
  const checkText = (node) => {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!el || !text || el.tagName === 'STYLE' || el.tagName === 'SCRIPT' || el.tagName === 'OPTION') return;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (rects.length === 0 || hiddenOnPurpose(el)) return;
    const left = Math.min(...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    let scrolled = false;
    for (let a = el; a; a = parentOf(a)) {
      const style = getComputedStyle(a);
      const ox = style.overflowX;
      const oy = style.overflowY;
      if (ox === 'auto' || ox === 'scroll' || oy === 'auto' || oy === 'scroll') { scrolled = true; break; }
      const box = a.getBoundingClientRect();
      if ((ox === 'hidden' || ox === 'clip') && (left < box.left - 1 || right > box.right + 1)) {
        problems.push({ text, reason: 'sticks out sideways of a box that hides it', where: describe(el) });
        return;
      }
      if ((oy === 'hidden' || oy === 'clip') && (top < box.top - 1 || bottom > box.bottom + 1)) {
        problems.push({ text, reason: 'sticks out of a box that hides it (above or below)', where: describe(el) });
        return;
      }
    }
    if (!scrolled && (left < -1 || right > width + 1)) problems.push({ text, reason: 'runs past the window edge', where: describe(el) });
  };
  const checkBox = (el) => {
    if (!['BUTTON', 'LABEL', 'TH', 'LEGEND', 'H1', 'H2', 'DT'].includes(el.tagName) || hiddenOnPurpose(el)) return;
    if (el.getClientRects().length === 0) return;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      problems.push({ text: el.textContent.trim(), reason: 'wider than its box', where: describe(el) });
    }
  };
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) { checkText(node); continue; }
      if (node.nodeType === Node.ELEMENT_NODE) checkBox(node);
      if (node.shadowRoot) visit(node.shadowRoot);
    }
  };
  visit(document.body);
  if (document.documentElement.scrollWidth > width + 1) problems.push({ text: '', reason: 'the page scrolls sideways', where: 'html' });
  return problems;
})()`;

export function clippedText(page: Page): Promise<ClippedText[]> {
  return page.evaluate(CLIPPED_TEXT) as Promise<ClippedText[]>;
}

/** The box of the first element matching `selector` (Playwright selectors reach into shadow roots). */
export function boxOf(page: Page, selector: string): Promise<{ left: number; right: number; top: number; bottom: number } | null> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
}

/**
 * How a piece of text inside an element is laid out: the screen x of its first and last
 * characters. For text read left to right the first character is left of the last.
 */
export function characterOrder(page: Page, selector: string): Promise<{ text: string; firstX: number; lastX: number; direction: string }> {
  return page
    .locator(selector)
    .first()
    .evaluate(
      // biome-ignore lint/security/noGlobalEval: the function is sent as source text, so the test runner's transpiler cannot add helpers the page lacks
      (el, source) => (0, eval)(source)(el),
      CHARACTER_ORDER,
    ) as Promise<{ text: string; firstX: number; lastX: number; direction: string }>;
}

const CHARACTER_ORDER = `(el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = '';
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent) { nodes.push(n); text += n.textContent; }
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    const rectAt = (node, i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); return r.getBoundingClientRect(); };
    const a = rectAt(first, 0);
    const b = rectAt(last, last.textContent.length - 1);
    const host = first.parentElement;
    return { text, firstX: a.left + a.width / 2, lastX: b.left + b.width / 2, direction: getComputedStyle(host).direction };
  }`;
