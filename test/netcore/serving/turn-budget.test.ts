import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TurnBudget } from '../../../extensions/netcore/src/serving/turn-budget';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

test('at most perTurn frames go out per turn; the rest wait for later turns, in order', async () => {
  const budget = new TurnBudget(2);
  const order: number[] = [];
  const takers = [0, 1, 2, 3, 4].map((i) => budget.take().then(() => order.push(i)));
  await Promise.resolve();
  assert.equal(order, [0, 1], 'two at once');
  // Each check phase hands out one more turn's worth; ours is queued after the budget's.
  await nextTurn();
  assert.equal(order, [0, 1, 2, 3], 'two more a turn later');
  await nextTurn();
  assert.equal(order, [0, 1, 2, 3, 4], 'the last one the turn after');
  await Promise.all(takers);
});

test('a lone sender is never held back within its own turn budget', async () => {
  const budget = new TurnBudget(4);
  let resolved = 0;
  for (let i = 0; i < 4; i++) void budget.take().then(() => resolved++);
  await Promise.resolve();
  assert.is(resolved, 4);
});

test.run();
