// `npm start` (after `npm run build`): runs the desktop app with `neu run` when bin/ has the
// Neutralino binary for this machine, and says plainly what to do when it does not (the
// binaries come from `npx neu update`, which needs internet access, and live in bin/, which
// is never committed).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { binaryName, hasBinary, ROOT } from './neutralino-binaries.mjs';

if (!hasBinary()) {
  const name = binaryName();
  process.stdout.write(
    [
      name === undefined
        ? `Neutralino has no desktop binary for ${process.platform}/${process.arch}, so the desktop app cannot run here.`
        : `The desktop shell is not installed: bin/${name} is missing.`,
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

const neu = join(ROOT, 'node_modules', '@neutralinojs', 'neu', 'bin', 'neu.js');
// The app's own shutdown (windowClose → netcore stops → the page exits) is the normal end;
// Ctrl+C here reaches neu and the app as well.
const child = spawn(process.execPath, [neu, 'run', '--disable-auto-reload'], { cwd: ROOT, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
