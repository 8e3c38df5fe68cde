import type { Stats } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HashCache } from '../../../extensions/netcore/src/serving/hash-cache';

const stat = (over: Partial<Stats> = {}) => ({ dev: 1, ino: 2, size: 3, mtimeMs: 4, ...over }) as Stats;
const A = '/share/a.bin';

test('a digest being computed is visible to others, and known to all once finished', async () => {
  const cache = new HashCache();
  assert.is(cache.pending(A, stat()), undefined);
  const own = cache.begin(A, stat());
  const shared = cache.pending(A, stat())!;
  assert.ok(shared, 'another sender sees it');
  assert.is(shared.value, undefined);
  assert.is(cache.pending(A, stat({ mtimeMs: 5 })), undefined, 'a changed file is another file');
  own.finish('abc');
  assert.is(await shared.promise, 'abc');
  assert.is(shared.value, 'abc');
  assert.is(cache.get(A, stat()), 'abc', 'and it is cached');
  assert.is(cache.pending(A, stat()), undefined, 'no longer in flight');
  own.abandon();
  assert.is(cache.get(A, stat()), 'abc', 'abandoning after finishing changes nothing');
});

test('a digest answers only for its version of the file; a new version replaces it', () => {
  const cache = new HashCache();
  cache.set(A, stat(), 'old');
  assert.is(cache.get(A, stat()), 'old');
  for (const changed of [{ dev: 9 }, { ino: 9 }, { size: 9 }, { mtimeMs: 9 }]) {
    assert.is(cache.get(A, stat(changed)), undefined, `another ${Object.keys(changed)[0]} is another version`);
  }
  assert.is(cache.get('/share/b.bin', stat()), undefined, 'another path is another file');
  cache.set(A, stat({ size: 9 }), 'new');
  assert.is(cache.get(A, stat({ size: 9 })), 'new');
  assert.is(cache.get(A, stat()), undefined, 'the older version is forgotten');
});

test('an abandoned digest fails its waiters and caches nothing', async () => {
  const cache = new HashCache();
  const own = cache.begin(A, stat());
  const shared = cache.pending(A, stat())!;
  own.abandon();
  await shared.promise.then(
    () => assert.unreachable('must reject'),
    (err: Error) => assert.match(err.message, /stopped/),
  );
  assert.is(cache.get(A, stat()), undefined);
  assert.is(cache.pending(A, stat()), undefined);
  own.finish('late');
  assert.is(cache.get(A, stat()), undefined, 'a finish after abandoning is ignored');
});

test('computeOnce runs one computation for every caller that arrives while it runs', async () => {
  const cache = new HashCache();
  let runs = 0;
  let release!: (v: string) => void;
  const compute = () => {
    runs++;
    return new Promise<string>((r) => (release = r));
  };
  const first = cache.computeOnce(A, stat(), compute);
  const second = cache.computeOnce(A, stat(), compute);
  assert.is(runs, 1);
  release('d1');
  assert.equal(await Promise.all([first, second]), ['d1', 'd1']);
  assert.is(cache.get(A, stat()), 'd1');
  // A caller arriving after it finished gets the remembered digest: no second read.
  assert.is(await cache.computeOnce(A, stat(), compute), 'd1');
  assert.is(runs, 1);
  // Another version of the file (another mtime) is computed afresh.
  const other = cache.computeOnce(A, stat({ mtimeMs: 5 }), compute);
  assert.is(runs, 2);
  release('d2');
  assert.is(await other, 'd2');
});

test('a failed computeOnce is reported to every waiter and not remembered', async () => {
  const cache = new HashCache();
  let runs = 0;
  const failing = () => {
    runs++;
    return Promise.reject(new Error('read failed'));
  };
  const results = await Promise.allSettled([cache.computeOnce(A, stat(), failing), cache.computeOnce(A, stat(), failing)]);
  assert.equal(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.is(runs, 1);
  assert.is(await cache.computeOnce(A, stat(), async () => 'ok'), 'ok', 'the next caller tries again');
  assert.is(runs, 1);
});

test.run();
