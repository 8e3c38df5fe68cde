// Bidi control characters in names are found, split out and shown, never obeyed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countBidiControls, revealBidiControls, splitBidiControls } from '../../../resources/ui/src/logic/bidi-controls';

const SPOOF = 'report\u202Efdp.exe';

test('a right-to-left override is found and shown in place, with its code and short name', () => {
  assert.is(countBidiControls(SPOOF), 1);
  assert.equal(splitBidiControls(SPOOF), [{ text: 'report' }, { text: '\u202E', code: 'U+202E', abbreviation: 'RLO' }, { text: 'fdp.exe' }]);
  assert.is(revealBidiControls(SPOOF), 'report[U+202E RLO]fdp.exe');
});

test('every embedding, override, isolate and mark counts; ordinary text does not', () => {
  const all = '\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
  assert.is(countBidiControls(`a${all}b`), 12);
  assert.is(splitBidiControls(all).filter((p) => p.code).length, 12);
  for (const name of ['photos/2024', 'گزارش سالانه.pdf', 'نیم\u200Cفاصله.txt', 'emoji 🎉.png', '']) {
    assert.is(countBidiControls(name), 0, name);
    assert.equal(splitBidiControls(name), name ? [{ text: name }] : []);
    assert.is(revealBidiControls(name), name);
  }
});

test('nothing of the name is lost: the parts join back to it', () => {
  for (const name of [SPOOF, '\u202Eabc', 'abc\u2066', '\u2067x\u2069\u2069']) {
    assert.is(
      splitBidiControls(name)
        .map((p) => p.text)
        .join(''),
      name,
    );
  }
});

test.run();
