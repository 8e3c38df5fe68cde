// Which rows a long list draws, and keyboard movement through it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { moveActive, rowWindow, scrollToReveal } from '../../../resources/ui/src/logic/virtual-window';

test('only the rows in view plus the overscan are drawn, whatever the list length', () => {
  assert.equal(rowWindow(0, 300, 30, 100_000, 5), { start: 0, end: 16 });
  const mid = rowWindow(30 * 50_000, 300, 30, 100_000, 5);
  assert.equal(mid, { start: 49_995, end: 50_016 });
  const end = rowWindow(30 * 99_990, 300, 30, 100_000, 5);
  assert.is(end.end, 100_000);
  assert.equal(rowWindow(0, 300, 30, 0), { start: 0, end: 0 });
  assert.equal(rowWindow(0, 300, 30, 3, 5), { start: 0, end: 3 });
});

test('revealing a row scrolls only as far as needed', () => {
  assert.is(scrollToReveal(5, 0, 300, 30), null);
  assert.is(scrollToReveal(20, 0, 300, 30), 330);
  assert.is(scrollToReveal(2, 300, 300, 30), 60);
});

test('arrow keys, Page Up/Down and Home/End move within the list', () => {
  assert.is(moveActive('ArrowDown', -1, 10, 5), 0);
  assert.is(moveActive('ArrowDown', 9, 10, 5), 9);
  assert.is(moveActive('ArrowUp', 0, 10, 5), 0);
  assert.is(moveActive('PageDown', 2, 10, 5), 7);
  assert.is(moveActive('PageUp', 2, 10, 5), 0);
  assert.is(moveActive('End', 0, 10, 5), 9);
  assert.is(moveActive('Home', 7, 10, 5), 0);
  assert.is(moveActive('x', 1, 10, 5), null);
  assert.is(moveActive('ArrowDown', -1, 0, 5), null);
});

test.run();
