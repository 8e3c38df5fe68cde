import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnBudget } from '../../../extensions/netcore/src/serving/turn-budget';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));
const MiB = 1 << 20;

test('at most perTurn bytes go out per turn; the rest wait for later turns, in order', async () => {
  const budget = new TurnBudget(2 * MiB);
  const order: number[] = [];
  const takers = [0, 1, 2, 3, 4].map((i) => budget.take(MiB).then(() => order.push(i)));
  await Promise.resolve();
  assert.equal(order, [0, 1], 'two frames of 1 MiB at once');
  // Each check phase hands out one more turn's worth; ours is queued after the budget's.
  await nextTurn();
  assert.equal(order, [0, 1, 2, 3], 'two more a turn later');
  await nextTurn();
  assert.equal(order, [0, 1, 2, 3, 4], 'the last one the turn after');
  await Promise.all(takers);
});

test('the frames of many small files share a turn', async () => {
  const budget = new TurnBudget(2 * MiB);
  let resolved = 0;
  const takers = Array.from({ length: 200 }, () => budget.take(16 * 1024 + 5).then(() => resolved++));
  await Promise.resolve();
  assert.is(resolved, 127, 'as many 16 KiB frames as fit in 2 MiB');
  await nextTurn();
  assert.is(resolved, 200);
  await Promise.all(takers);
});

test('a frame larger than the budget goes alone, and never waits behind nothing', async () => {
  const budget = new TurnBudget(MiB);
  const order: string[] = [];
  const takers = [
    budget.take(10).then(() => order.push('small')),
    budget.take(3 * MiB).then(() => order.push('big')),
    budget.take(10).then(() => order.push('after')),
  ];
  await Promise.resolve();
  assert.equal(order, ['small'], 'the big frame waits for a turn of its own');
  await nextTurn();
  assert.equal(order, ['small', 'big']);
  await nextTurn();
  assert.equal(order, ['small', 'big', 'after']);
  await Promise.all(takers);
});

test('a lone sender is never held back within its own turn budget', async () => {
  const budget = new TurnBudget(4 * MiB);
  let resolved = 0;
  for (let i = 0; i < 4; i++) void budget.take(MiB).then(() => resolved++);
  await Promise.resolve();
  assert.is(resolved, 4);
});

test.run();
