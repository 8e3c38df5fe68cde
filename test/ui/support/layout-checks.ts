// Layout checks run in a page of the desktop UI, through every open shadow root.
//
// The page code is plain text so that the test runner's transforms never reach it.
import type { Page } from 'playwright-core';

/** The box of the first element matching `selector` (Playwright selectors reach into shadow roots). */
export function boxOf(page: Page, selector: string): Promise<{ left: number; right: number; top: number; bottom: number } | null> {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
}

/**
 * How a piece of text inside an element is laid out: the screen x of its first and last
 * characters. For text read left to right the first character is left of the last.
 */
export function characterOrder(page: Page, selector: string): Promise<{ text: string; firstX: number; lastX: number; direction: string }> {
  return page.locator(selector).first().evaluate((el, source) => (0, eval)(source)(el), CHARACTER_ORDER) as Promise<{ text: string; firstX: number; lastX: number; direction: string }>;
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
