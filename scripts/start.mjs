// `npm start`: runs the desktop app when the Neutralino binaries are present, and says
// plainly what to do when they are not (they come from `npx neu update`, which needs
// internet access, and live in bin/, which is never committed).
import { existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'bin');
const binaries = existsSync(binDir) ? readdirSync(binDir).filter((f) => f.startsWith('neutralino-')) : [];

if (binaries.length === 0) {
  process.stdout.write(
    [
      'The desktop shell is not installed: bin/ has no Neutralino binaries.',
      'On a machine with internet access run `npx neu update` once, then `npm start` again.',
      '',
      'The engine works without it, from the command line:',
      '  npx pss serve <folder or file>      share it (prints the address and fingerprint)',
      '  npx pss get <host[:port]> --all     download everything a server shares',
      '  npx pss --help                      everything else',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

const neu = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'neu.cmd' : 'neu');
const child = spawn(neu, ['run'], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
