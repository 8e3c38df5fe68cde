// Unread counts per client and the 🔴 on the Chats tab.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chatClosed,
  chatOpened,
  countReported,
  emptyUnread,
  messageArrived,
  sessionGone,
  showsMarker,
  totalUnread,
  unreadFor,
} from '../../../resources/ui/src/logic/unread';

test('a message for a closed chat counts and lights the marker', () => {
  let s = messageArrived(emptyUnread, 'a', 1);
  assert.is(unreadFor(s, 'a'), 1);
  assert.ok(showsMarker(s));
  s = messageArrived(s, 'a', 2);
  s = messageArrived(s, 'b', 1);
  assert.is(totalUnread(s), 3);
});

test('opening the chat reads it and the marker goes out; closing it does not bring it back', () => {
  let s = messageArrived(emptyUnread, 'a', 2);
  s = chatOpened(s, 'a');
  assert.is(unreadFor(s, 'a'), 0);
  assert.not.ok(showsMarker(s));
  s = chatClosed(s, 'a');
  assert.not.ok(showsMarker(s));
});

test('messages to an open chat are read at once', () => {
  let s = chatOpened(emptyUnread, 'a');
  s = messageArrived(s, 'a', 1);
  assert.is(unreadFor(s, 'a'), 0);
  assert.not.ok(showsMarker(s));
  s = countReported(s, 'a', 1);
  assert.is(unreadFor(s, 'a'), 0, 'a late count from the engine does not relight an open chat');
});

test('the marker stays while any closed chat has unread messages', () => {
  let s = messageArrived(emptyUnread, 'a', 1);
  s = messageArrived(s, 'b', 1);
  s = chatOpened(s, 'a');
  assert.ok(showsMarker(s), 'b is still unread');
  s = chatOpened(s, 'b');
  assert.not.ok(showsMarker(s));
});

test('counts reported by the engine are taken as they are; a session that goes takes its count', () => {
  let s = countReported(emptyUnread, 'a', 3);
  assert.is(unreadFor(s, 'a'), 3);
  s = countReported(s, 'a', 0);
  assert.is(unreadFor(s, 'a'), 0);
  s = messageArrived(s, 'b', 4);
  s = chatOpened(s, 'c');
  s = sessionGone(s, 'b');
  s = sessionGone(s, 'c');
  assert.is(totalUnread(s), 0);
  assert.not.ok(s.open.has('c'));
  assert.not.ok(showsMarker(s));
});

test.run();
