// LICENSES.txt of a release: the licence of every npm package the app and pss are built
// from (the production dependencies in package-lock.json) and of Neutralinojs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function thirdPartyNotices(root) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const sections = [
    `${own.name} ${own.version}: ${own.license} licence.\n` +
      'It is built from the packages below. The desktop window is Neutralinojs (MIT licence,\n' +
      'the same text as @neutralinojs/lib below), and pss carries Node.js (its licence is last).',
  ];
  const seen = new Set();
  for (const [path, meta] of Object.entries(lock.packages ?? {})) {
    if (!path.startsWith('node_modules/') || meta.dev || meta.devOptional) continue;
    const dir = join(root, path);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const id = `${pkg.name}@${pkg.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying|ofl)(\.(md|txt))?$/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file in the package; package.json says: ${pkg.license ?? 'nothing'})`;
    sections.push(`${id} (${pkg.license ?? 'see text'})\n\n${text}`);
  }
  return `${sections.join(`\n\n${'='.repeat(78)}\n`)}\n`;
}
