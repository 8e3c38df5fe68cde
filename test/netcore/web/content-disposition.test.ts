// Content-Disposition for any name (RFC 6266, RFC 8187): the exact name survives in
// filename*, the fallback is plain ASCII, and nothing in a name can break the header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { contentDisposition } from '../../../extensions/netcore/src/web/content-disposition';

/** Reads filename* back the way a browser does. */
function extName(header: string): string {
  const m = /filename\*=UTF-8''([^;\s]*)/.exec(header);
  assert.ok(m, `no filename* in ${header}`);
  return decodeURIComponent(m![1]!);
}

function fallback(header: string): string {
  const m = /filename="([^"]*)"/.exec(header);
  assert.ok(m, `no filename in ${header}`);
  return m![1]!;
}

const names = [
  'report.pdf',
  'گزارش سالانه.txt',
  '📷 party 2024.jpg',
  'quote " inside.txt',
  "it's fine.txt",
  'back\\slash.txt',
  'line\r\nSet-Cookie: x=1.txt',
  'semi;colon, comma.txt',
  'per%cent%20.txt',
  'Crème brûlée.txt',
  '<img src=x onerror=alert(1)>.png',
  'a"b.txt',
  'what?.txt',
  'CON.txt',
  'trailing.',
  'all <>:"|?* of them.txt',
];

for (const name of names) {
  test(`round trip: ${JSON.stringify(name)}`, () => {
    const header = contentDisposition(name);
    assert.ok(header.startsWith('attachment; '));
    assert.is(extName(header), name);
    assert.ok(/^[\x20-\x7e]*$/.test(header), 'only printable ASCII in the header');
    assert.not.match(fallback(header), /["\\%<>:|?*/]/);
  });
}

test('names Windows cannot store: exact in filename*, plain in the fallback', () => {
  const cases: Array<[string, string, string]> = [
    ['<img src=x onerror=alert(1)>.png', '_img src=x onerror=alert(1)_.png', "UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png"],
    ['a"b.txt', 'a_b.txt', "UTF-8''a%22b.txt"],
    ['what?.txt', 'what_.txt', "UTF-8''what%3F.txt"],
    ['CON.txt', 'CON.txt', "UTF-8''CON.txt"],
    ['trailing.', 'trailing.', "UTF-8''trailing."],
    // '|' is an RFC 8187 attr-char, so it may stand unencoded in filename*.
    ['x:y*z|w.txt', 'x_y_z_w.txt', "UTF-8''x%3Ay%2Az|w.txt"],
  ];
  for (const [name, ascii, ext] of cases) {
    assert.is(contentDisposition(name), `attachment; filename="${ascii}"; filename*=${ext}`, name);
  }
});

test('accented letters keep their base letter in the fallback; other scripts become _', () => {
  assert.is(fallback(contentDisposition('Crème brûlée.txt')), 'Creme brulee.txt');
  assert.is(fallback(contentDisposition('سلام.txt')), '____.txt');
  assert.is(fallback(contentDisposition('"')), '_');
  assert.is(fallback(contentDisposition('سلام')), '____');
});

test('inline is available', () => {
  assert.ok(contentDisposition('a.txt', 'inline').startsWith('inline; filename="a.txt"'));
});

test('property: any string gives a one-line printable header whose filename* decodes to it', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }), (name) => {
      const header = contentDisposition(name);
      assert.ok(/^[\x20-\x7e]*$/.test(header), JSON.stringify(header));
      // Unpaired surrogates have no UTF-8 form; they come back as U+FFFD.
      assert.is(extName(header), Buffer.from(name, 'utf8').toString('utf8'));
    }),
    { numRuns: 1000 },
  );
});

test.run();
