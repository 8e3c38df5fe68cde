// The "not offered" note's words (PROTOCOL.md §5.1): reasons in a fixed order, a reason the
// engine adds later counted as "other", nothing at all when nothing is left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NotSharedCounts } from '../../../extensions/netcore/src/contract';
import { notSharedText, notSharedTotal } from '../../../resources/ui/src/logic/not-shared';

test('a client reads what the server does not offer, by reason, in a fixed order', () => {
  assert.is(notSharedText({ unreadable: 1, link: 2 }, 'client'), '3 items not offered by the server: links 2, unreadable 1.');
  assert.is(
    notSharedText({ badName: 1, special: 1, dataDir: 1 }, 'client'),
    '3 items not offered by the server: special files 1, the server’s data folder 1, unsafe names 1.',
  );
});

test('the administrator reads "not shared", and where the names are', () => {
  assert.is(notSharedText({ link: 2, unreadable: 1 }, 'server'), '3 items not shared: links 2, unreadable 1. The log names them.');
});

test('nothing left out: no note; an unknown reason counts as other', () => {
  assert.is(notSharedText({}, 'client'), '');
  assert.is(notSharedText({ link: 0 }, 'server'), '');
  const future = { link: 1, sockets: 2 } as unknown as NotSharedCounts;
  assert.is(notSharedTotal(future), 3);
  assert.is(notSharedText(future, 'client'), '3 items not offered by the server: links 1, other 2.');
});

test.run();
