// Neutralino's start-up JSON: what it really sends (the port as a string), the older form
// without a connect token, and everything that must be refused rather than half-used.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { parseHandshake, readHandshake } from '../../../extensions/netcore/src/bridge/stdin-handshake';
import { rejection } from '../../support/wait';

const TOKEN = 'Dw1-IeUFVCfflUNzd6px4u0pFM_o_bCEXGErwl6Rzn6kHWjw.eYtlSvajHbXIClZl1pdzalRZZZJs52pmciX4e7pxkMGy8rjB';
const REAL = `{"nlConnectToken":"eYtlSvajHbXIClZl1pdzalRZZZJs52pmciX4e7pxkMGy8rjB","nlExtensionId":"app.prosecuresuite.netcore","nlPort":"33585","nlToken":"${TOKEN}"}`;

test('parses what Neutralino 5.5 writes, the port given as a string', () => {
  assert.equal(parseHandshake(REAL), {
    port: 33585,
    token: TOKEN,
    connectToken: 'eYtlSvajHbXIClZl1pdzalRZZZJs52pmciX4e7pxkMGy8rjB',
    extensionId: 'app.prosecuresuite.netcore',
  });
});

test('takes a numeric port and derives a missing connect token from the access token', () => {
  const h = parseHandshake(JSON.stringify({ nlPort: 8080, nlToken: TOKEN, nlExtensionId: 'x.y' }));
  assert.is(h.port, 8080);
  assert.is(h.connectToken, TOKEN.split('.')[1]);
});

for (const [what, text] of [
  ['not JSON', '{"nlPort":'],
  ['an array', '[1,2]'],
  ['no port', JSON.stringify({ nlToken: TOKEN, nlExtensionId: 'x' })],
  ['port 0', JSON.stringify({ nlPort: '0', nlToken: TOKEN, nlExtensionId: 'x' })],
  ['port 70000', JSON.stringify({ nlPort: '70000', nlToken: TOKEN, nlExtensionId: 'x' })],
  ['a port with junk', JSON.stringify({ nlPort: '80; rm', nlToken: TOKEN, nlExtensionId: 'x' })],
  ['no token', JSON.stringify({ nlPort: '80', nlExtensionId: 'x' })],
  ['an id that would change the URL', JSON.stringify({ nlPort: '80', nlToken: TOKEN, nlExtensionId: 'x&connectToken=y' })],
  ['a token without a dot and no connect token', JSON.stringify({ nlPort: '80', nlToken: 'abc', nlExtensionId: 'x' })],
] as const) {
  test(`refuses start-up data with ${what}`, () => {
    try {
      parseHandshake(text);
      assert.unreachable('should throw');
    } catch (err) {
      assert.is((err as { code?: string }).code, 'BAD_MESSAGE', String(err));
    }
  });
}

test('reads standard input to its end, whatever the pieces', async () => {
  const input = new PassThrough();
  const reading = readHandshake(input);
  for (let i = 0; i < REAL.length; i += 7) input.write(REAL.slice(i, i + 7));
  input.end();
  assert.is((await reading).port, 33585);
});

test('gives up when standard input stays open and silent', async () => {
  const input = new PassThrough();
  const err = await rejection(readHandshake(input, { timeoutMs: 100 }), 5_000, 'reading a silent input');
  assert.is(err.code, 'TIMEOUT');
});

test('stops reading input larger than the limit', async () => {
  const input = new PassThrough();
  const reading = readHandshake(input, { maxBytes: 1_000 });
  input.write('x'.repeat(2_000));
  const err = await rejection(reading, 5_000, 'reading an oversized input');
  assert.is(err.code, 'BAD_MESSAGE');
  assert.match(err.message, /over 1000 bytes/);
});

test('an interactive terminal is told to use the command line', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const err = await rejection(readHandshake(input), 5_000, 'reading from a terminal');
  assert.is(err.code, 'BAD_ARGUMENT');
  assert.match(err.message, /pss --help/);
});

test.run();
