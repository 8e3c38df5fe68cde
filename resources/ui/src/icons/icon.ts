// `icon('start')` in a Lit template: the bundled SVG, mirrored when the catalog reads right
// to left and the icon points along the line.
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { catalog } from '../i18n/i18n';
import { DIRECTIONAL, iconMarkup, type IconName } from './icons';

export type { IconName };

export function icon(name: IconName) {
  // The markup is built only from the bundled icon data above, never from user input.
  return unsafeSVG(iconMarkup(name, DIRECTIONAL.has(name) && catalog().dir === 'rtl'));
}
