// The bundled icon set: every icon the UI names is real SVG markup drawn in the text's
// colour, decorative for screen readers, and only the directional ones turn around for
// right-to-left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIRECTIONAL, ICON_NAMES, iconMarkup, type IconName } from '../../../resources/ui/src/icons/icons';

// The seed's emoji meanings, each of which must have an icon (▶️ ⏹️ ⏸️ 🔗 🔑 📁 ⬇️ 🔄 💬 🔴 🖥️ 💻).
const SEED_MEANINGS: IconName[] = ['start', 'stop', 'pause', 'connect', 'login', 'chooseFolder', 'download', 'retry', 'chat', 'dot', 'server', 'client'];

test('every seed meaning has an icon', () => {
  for (const name of SEED_MEANINGS) assert.ok(ICON_NAMES.includes(name), name);
});

test('each icon is one decorative SVG element with drawing children', () => {
  for (const name of ICON_NAMES) {
    const markup = iconMarkup(name);
    assert.match(markup, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, name);
    assert.match(markup, /aria-hidden="true"/, name);
    assert.match(markup, /stroke="currentColor"/, name);
    assert.match(markup, new RegExp(`data-icon="${name}"`), name);
    assert.match(markup, /<(path|circle|rect|line|polyline|polygon|ellipse) [^>]+\/>/, `${name} draws something`);
    assert.ok(markup.endsWith('</svg>'), name);
    assert.not.match(markup, /<script|on\w+=/i, name);
  }
});

test('only directional icons are mirrored, and only when asked', () => {
  assert.ok(DIRECTIONAL.has('back') && DIRECTIONAL.has('expand'));
  assert.not.ok(DIRECTIONAL.has('download'), 'a downward arrow does not depend on the reading direction');
  assert.match(iconMarkup('back', true), /class="icon icon-back mirrored"/);
  assert.not.match(iconMarkup('back', false), /mirrored/);
});

test('the unread dot is filled so it reads as a dot, the outlines are not', () => {
  assert.match(iconMarkup('dot'), /fill="currentColor"/);
  assert.match(iconMarkup('folder'), /fill="none"/);
});

test.run();
