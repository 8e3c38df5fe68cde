// The session registry on its own: max clients across every kind of session, the pause
// gate (and its held event), added / changed / removed events, chat attachment and
// lookup by token, Disconnect and Warn without knowing a session's port.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChatLink, ClientSession, SessionEvent } from '../../../extensions/netcore/src/serving/sessions';
import { SessionRegistry } from '../../../extensions/netcore/src/serving/sessions';

interface FakeSession extends ClientSession {
  admitted: boolean;
  chatToken: string | undefined;
  disconnected: string[];
  warned: Array<{ text: string; overChat: boolean }>;
}

let next = 0;
function fakeSession(kind: 'desktop' | 'web', over: Partial<FakeSession> = {}): FakeSession {
  const id = `s${++next}`;
  const s: FakeSession = {
    id,
    kind,
    address: '127.0.0.1',
    name: id,
    connectedAt: Date.now(),
    admitted: true,
    chatToken: undefined,
    busy: false,
    canChat: kind === 'desktop',
    disconnected: [],
    warned: [],
    snapshot: () => ({ status: 'idle', currentFile: null, progress: 0, bytesSent: 0, bytesPerSecond: 0 }),
    disconnect: (reason) => void s.disconnected.push(reason),
    warn: (text, chat) => {
      chat?.send({ type: 'WARN_S2C', text });
      s.warned.push({ text, overChat: chat !== undefined });
    },
    ...over,
  };
  return s;
}

interface FakeLink extends ChatLink {
  closed: boolean;
  sent: object[];
  endedWith: Array<object | undefined>;
}

function fakeLink(): FakeLink {
  const link: FakeLink = {
    closed: false,
    sent: [],
    endedWith: [],
    send: (m) => void link.sent.push(m),
    end: (m) => {
      link.closed = true;
      link.endedWith.push(m);
    },
  };
  return link;
}

function recorded(registry: SessionRegistry): SessionEvent[] {
  const events: SessionEvent[] = [];
  registry.subscribe((e) => events.push(e));
  return events;
}

/** 'pending' unless the promise has settled once every callback queued so far has run. */
function state(promise: Promise<unknown>): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const), new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

test('max clients counts admitted sessions of every kind together', () => {
  const registry = new SessionRegistry(2);
  const desktop = fakeSession('desktop', { admitted: false });
  registry.add(desktop);
  registry.add(fakeSession('web'));
  assert.is(registry.count, 1, 'a session still logging in holds no place');
  assert.ok(registry.hasRoom());
  desktop.admitted = true;
  assert.is(registry.count, 2);
  assert.not.ok(registry.hasRoom(), 'one desktop and one web session fill two places');
  registry.remove(desktop, 'gone');
  assert.ok(registry.hasRoom());
  registry.close();
});

test('add is reported once, changes are coalesced, remove is reported once', () => {
  const registry = new SessionRegistry(5);
  const events = recorded(registry);
  const s = fakeSession('desktop');
  registry.add(s);
  registry.add(s);
  registry.touch(s);
  registry.touch(s);
  registry.touch(s);
  assert.ok(registry.remove(s, 'bye'));
  assert.not.ok(registry.remove(s, 'again'), 'a session that is gone is not removed twice');
  registry.touch(s);
  assert.equal(
    events.map((e) => e.type),
    ['added', 'changed', 'removed'],
  );
  assert.equal(events.at(-1), { type: 'removed', session: s, reason: 'bye' });
  registry.close();
});

test('the pause gate holds every session until resume and reports each held session once per pause', async () => {
  const registry = new SessionRegistry(5);
  const events = recorded(registry);
  const a = fakeSession('desktop');
  const b = fakeSession('web');
  registry.add(a);
  registry.add(b);
  assert.is(await state(registry.whenRunning(a)), 'settled', 'running: the gate is open');
  registry.pause();
  assert.ok(registry.paused);
  const heldA = registry.whenRunning(a);
  const heldA2 = registry.whenRunning(a);
  const heldB = registry.whenRunning(b);
  assert.is(await state(heldA), 'pending');
  assert.is(await state(heldB), 'pending');
  assert.equal(
    events.filter((e) => e.type === 'held').map((e) => e.session.id),
    [a.id, b.id],
  );
  registry.pause();
  registry.resume();
  assert.is(await state(heldA), 'settled');
  assert.is(await state(heldA2), 'settled');
  assert.is(await state(heldB), 'settled');
  registry.pause();
  void registry.whenRunning(a);
  assert.is(events.filter((e) => e.type === 'held').length, 3, 'a new pause reports the session again');
  registry.close();
  assert.not.ok(registry.paused, 'close lets held transfers go');
});

test('a chat token finds only its admitted session; a newer chat replaces the older, which is told why', () => {
  const registry = new SessionRegistry(5);
  const events = recorded(registry);
  const s = fakeSession('desktop', { chatToken: 'secret-token' });
  const pending = fakeSession('desktop', { chatToken: 'other-token', admitted: false });
  registry.add(s);
  registry.add(pending);
  assert.is(registry.findByToken('secret-token'), s);
  assert.is(registry.findByToken('secret-tokeX'), undefined);
  assert.is(registry.findByToken('other-token'), undefined, 'not before it is admitted');
  assert.is(registry.findByToken(''), undefined);

  const first = fakeLink();
  const second = fakeLink();
  registry.attachChat(s, first);
  assert.is(registry.chatOf(s), first);
  registry.attachChat(s, second);
  assert.equal(first.endedWith, [{ type: 'ERROR', code: 'DISCONNECTED', message: 'replaced by a newer chat connection' }]);
  registry.detachChat(s, first);
  assert.is(registry.chatOf(s), second, 'the older connection closing leaves the newer in place');

  registry.warn(s, 'careful');
  assert.equal(s.warned, [{ text: 'careful', overChat: true }]);
  assert.equal(second.sent, [{ type: 'WARN_S2C', text: 'careful' }]);

  registry.disconnect(s, 'enough');
  assert.equal(second.endedWith, [{ type: 'ERROR', code: 'DISCONNECTED', message: 'enough' }]);
  assert.equal(s.disconnected, ['enough']);
  assert.is(registry.chatOf(s), undefined);
  assert.ok(
    events.some((e) => e.type === 'changed' && e.session === s),
    'attaching a chat is a change of the session',
  );
  registry.close();
});

test('a session that goes takes its chat with it; a browser is warned on its own port', () => {
  const registry = new SessionRegistry(5);
  const s = fakeSession('desktop', { chatToken: 't' });
  const browser = fakeSession('web');
  registry.add(s);
  registry.add(browser);
  const link = fakeLink();
  registry.attachChat(s, link);
  registry.remove(s, 'disconnected');
  assert.ok(link.closed);
  registry.warn(browser, 'hello');
  assert.equal(browser.warned, [{ text: 'hello', overChat: false }]);
  registry.close();
});

test.run();
