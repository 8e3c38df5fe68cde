// Checks a sub-folder name typed for "Download into a new sub-folder" before the engine
// does, so the person learns at once; the rule is the one the engine applies to names.
import type { MessageKey } from '../i18n/i18n';

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_NAME_BYTES = 255;

/** Why this name cannot be a folder, as a catalog key, or null when it can. */
export function folderNameProblem(name: string): MessageKey | null {
  if (name.trim() === '') return 'subfolder.problem.empty';
  if (name === '.' || name === '..') return 'subfolder.problem.dots';
  if (/[/\\:*?"<>|]/.test(name)) return 'subfolder.problem.characters';
  // Control characters cannot be typed on purpose and confuse every file manager.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'subfolder.problem.characters';
  if (RESERVED.test(name)) return 'subfolder.problem.reserved';
  if (/[. ]$/.test(name)) return 'subfolder.problem.trailing';
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return 'subfolder.problem.long';
  return null;
}

/** The folder downloads land in: the base, or the base joined with the sub-folder. */
export function joinDestination(base: string, subfolder: string | null): string {
  if (subfolder === null || subfolder === '') return base;
  const separator = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  return base.endsWith(separator) ? base + subfolder : `${base}${separator}${subfolder}`;
}
