// `npm install`: fetches the Neutralino binaries with `neu update` when bin/ lacks the one
// for this machine. It needs internet access and is given a short time; whatever happens,
// the install goes on (the engine, the CLI and every test work without the binaries).
// Skipped in CI, which has no use for them. `neu update` runs in a temporary copy of the
// project's config, because it deletes the project's .tmp/ folder when it finishes.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN_DIR, binaryName, hasBinary, ROOT } from './neutralino-binaries.mjs';

const TIMEOUT_MS = 60_000;
const say = (line) => process.stdout.write(`pro-secure-suite: ${line}\n`);

async function main() {
  if (process.env.CI === 'true') return;
  if (binaryName() === undefined) return say(`Neutralino has no binary for ${process.platform}/${process.arch}; the desktop app will not run here.`);
  if (hasBinary()) return;
  const neu = join(ROOT, 'node_modules', '@neutralinojs', 'neu', 'bin', 'neu.js');
  if (!existsSync(neu)) return say('the Neutralino binaries are missing; run `npx neu update` in a full (development) install to get them.');

  say(`fetching the Neutralino binaries (neu update, at most ${TIMEOUT_MS / 1000} s)…`);
  const work = mkdtempSync(join(tmpdir(), 'pss-neu-update-'));
  try {
    copyFileSync(join(ROOT, 'neutralino.config.json'), join(work, 'neutralino.config.json'));
    const outcome = await run(process.execPath, [neu, 'update'], work, TIMEOUT_MS);
    if (outcome === 'ok' && existsSync(join(work, 'bin', binaryName()))) {
      cpSync(join(work, 'bin'), BIN_DIR, { recursive: true });
      say('the Neutralino binaries are in bin/; `npm start` runs the desktop app.');
    } else {
      say(`could not fetch the Neutralino binaries (${outcome}). The install is fine; the desktop app needs them:`);
      say('run `npx neu update` on a machine with internet access, then `npm start`.');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs a command quietly; 'ok', or why not. The child is ended by its pid on timeout. */
function run(command, args, cwd, timeoutMs) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`no answer within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const lines = output.trim().split('\n');
      const reason = lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? '';
      resolve(code === 0 ? 'ok' : `neu update failed: ${reason.slice(0, 200)}`);
    });
  });
}

main().catch((err) => say(`skipped fetching the Neutralino binaries: ${err.message}`));
