// The Server IP box: digits typed at the end get their dots; host names, IPv6, pastes,
// edits in the middle and deletions are left exactly as the user made them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { autoDot, isUsableHost, parsePort, splitHostPort } from '../../../resources/ui/src/logic/ip-auto-dot';

/** Types `keys` one at a time at the end, as the browser would, applying autoDot each time. */
function type(keys: string, start = ''): string {
  let value = start;
  for (const key of keys) {
    const next = value + key;
    value = autoDot({ previous: value, value: next, caret: next.length, inputType: 'insertText' }).value;
  }
  return value;
}

test('typing only digits gives a dotted address', () => {
  assert.is(type('19216801'), '192.168.0.1');
  assert.is(type('192168.1.100'), '192.168.1.100', 'a typed dot ends a group early');
  assert.is(type('1921681100'), '192.168.110.0', 'digits alone cannot say where 1 ends, so groups fill greedily');
});

test('a dot follows a group as soon as no digit could extend it', () => {
  assert.is(type('192'), '192.');
  assert.is(type('26'), '26.', '26 cannot grow: 260 is over 255');
  assert.is(type('0'), '0.', 'no leading zeros');
  assert.is(type('25'), '25', '250–255 are still possible');
  assert.is(type('256'), '25.6', 'a digit that would pass 255 starts the next group');
});

test('dots the user types are kept, and one typed right after an automatic dot is swallowed', () => {
  assert.is(type('10.0.0.1'), '10.0.0.1');
  assert.is(type('192.168.1.20'), '192.168.1.20');
  assert.is(type('.'), '', 'a leading dot makes no sense');
});

test('no dot after the fourth group, and nothing forced beyond it', () => {
  assert.is(type('255255255255'), '255.255.255.255');
  assert.is(type('5', '255.255.255.255'), '255.255.255.2555', 'the typed digit stays, the address is simply invalid');
});

test('host names and IPv6 addresses are untouched', () => {
  assert.is(type('server1'), 'server1');
  assert.is(type('nas.local'), 'nas.local');
  assert.is(type('fe80::1'), 'fe80::1');
  assert.is(type('123abc'), '123abc', 'the dot inserted after 123 goes when a letter shows this is a name');
  assert.is(type('1server'), '1server');
  assert.is(type('2001:db8::1'), '2001:db8::1', 'a colon shows an IPv6 address, and the inserted dots go');
  assert.is(type('192.168.1.20:5000'), '192.168.1.20:5000', 'a port after a full address stays');
});

test('pasting is never changed', () => {
  const r = autoDot({ previous: '', value: '192168', caret: 6, inputType: 'insertFromPaste' });
  assert.equal(r, { value: '192168', caret: 6 });
  const withPort = autoDot({ previous: '', value: '10.0.0.5:5000', caret: 13, inputType: 'insertFromPaste' });
  assert.is(withPort.value, '10.0.0.5:5000');
});

test('backspace removes characters normally, the dot included, and typing goes on sensibly', () => {
  const del = autoDot({ previous: '192.', value: '192', caret: 3, inputType: 'deleteContentBackward' });
  assert.equal(del, { value: '192', caret: 3 }, 'the dot is not put back');
  assert.is(type('1', '192'), '192.1', 'a digit after a full group starts the next one');
  const del2 = autoDot({ previous: '192.168.', value: '192.16', caret: 6, inputType: 'deleteContentBackward' });
  assert.is(del2.value, '192.16');
});

test('edits in the middle are left alone', () => {
  const r = autoDot({ previous: '192.168.1.1', value: '1952.168.1.1', caret: 2, inputType: 'insertText' });
  assert.equal(r, { value: '1952.168.1.1', caret: 2 });
});

test('splitHostPort takes a port off the end of IPv4, host names and [IPv6]', () => {
  assert.equal(splitHostPort('10.0.0.5:5000'), { host: '10.0.0.5', port: 5000 });
  assert.equal(splitHostPort('nas.local:6000'), { host: 'nas.local', port: 6000 });
  assert.equal(splitHostPort('[fe80::1]:5000'), { host: 'fe80::1', port: 5000 });
  assert.equal(splitHostPort('fe80::1'), { host: 'fe80::1', port: null });
  assert.equal(splitHostPort(' 192.168.1.20 '), { host: '192.168.1.20', port: null });
});

test('parsePort and isUsableHost', () => {
  assert.is(parsePort('5000'), 5000);
  assert.is(parsePort('0'), null);
  assert.is(parsePort('0', true), 0);
  assert.is(parsePort('65536'), null);
  assert.is(parsePort('50a'), null);
  assert.ok(isUsableHost('192.168.1.20'));
  assert.not.ok(isUsableHost('192.168.1.'));
  assert.not.ok(isUsableHost('192.168.1.256'));
  assert.ok(isUsableHost('nas.local'));
  assert.ok(isUsableHost('fe80::1'));
  assert.not.ok(isUsableHost('bad host'));
  assert.not.ok(isUsableHost(''));
});

test.run();
