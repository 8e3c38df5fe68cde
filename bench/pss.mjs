// The contender: `pss serve` on 127.0.0.1 and `pss get` downloads, each side with its own
// temp data dir, the client pinned to the fingerprint from the server's ready line.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { statOrUndefined } from './fixtures.mjs';
import { MeasurementError, MemoryWatch, run, runChecked, startServer } from './processes.mjs';

const PSS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'pss.cjs');
const HELP_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 30_000;

function pss(args, options) {
  return run(process.execPath, [PSS, ...args], options);
}

/** Checks that the CLI answers `serve --help` and `get --help`; returns what `get` offers. */
export async function checkPssCli() {
  const problems = [];
  const help = {};
  for (const command of ['serve', 'get']) {
    const result = await pss([command, '--help'], { timeoutMs: HELP_TIMEOUT_MS });
    help[command] = result.stdout + result.stderr;
    if (result.timedOut) problems.push(`\`pss ${command} --help\` did not answer within ${HELP_TIMEOUT_MS / 1000} s`);
    else if (result.code !== 0) problems.push(`\`pss ${command} --help\` exited with status ${result.code}: ${help[command].trim().split('\n')[0] ?? ''}`);
    else if (!help[command].includes('--data-dir')) problems.push(`\`pss ${command} --help\` does not describe the expected options (no --data-dir)`);
  }
  if (problems.length > 0) throw new MeasurementError(`the pss CLI is not usable yet: ${problems.join('; ')}`);
  return { hasStdout: help.get.includes('--stdout') };
}

/** Starts `pss serve` with `args` (which end in --json) and waits for its ready line. */
export async function servePss(args) {
  const server = startServer(process.execPath, [PSS, 'serve', ...args]);
  const ready = await server.waitForLine((line) => {
    try {
      const message = JSON.parse(line);
      return message.event === 'ready' ? message : undefined;
    } catch {
      return undefined;
    }
  }, READY_TIMEOUT_MS);
  return { server, ready };
}

export async function startPss({ shareDir, workDir }) {
  const dataDir = join(workDir, 'pss-server-data');
  const clientDataDir = join(workDir, 'pss-client-data');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(clientDataDir, { mode: 0o700 });
  const { server, ready } = await servePss([shareDir, '--port', '0', '--bind', '127.0.0.1', '--data-dir', dataDir, '--json']);
  if (!Number.isInteger(ready.mainPort) || typeof ready.fingerprint !== 'string') {
    throw new MeasurementError(`pss serve printed an incomplete ready line: ${JSON.stringify(ready)}`);
  }
  return { server, port: ready.mainPort, webPort: ready.webPort, fingerprint: ready.fingerprint, clientDataDir, memory: new MemoryWatch(server.pid) };
}

/** Protocol and cipher the main port picks (it honours its own cipher order). */
export function mainPortCipher(ctx) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: ctx.port, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    const done = (value) => (socket.destroy(), resolve(value));
    socket.setTimeout(5000, () => done(undefined));
    socket.once('secureConnect', () => done(`${socket.getProtocol()} / ${socket.getCipher().standardName}`));
    socket.once('error', () => done(undefined));
  });
}

/**
 * One `pss get` of `file`. mode 'out' writes into `outDir`; 'null' sends --stdout to
 * /dev/null; 'hash' pipes --stdout here and returns its SHA-256 (for the untimed check).
 * Returns wall time (spawn to exit) and the peak RSS of client and server in KiB.
 */
export async function pssGet({ ctx, file, mode, outDir, timeoutMs }) {
  ctx.server.assertRunning();
  const args = ['get', `127.0.0.1:${ctx.port}`, file.name, '--fingerprint', ctx.fingerprint, '--data-dir', ctx.clientDataDir];
  let stdout = 'pipe';
  let nullFd;
  let hash;
  let streamed = 0;
  if (mode === 'out') {
    args.push('--out', outDir);
  } else if (mode === 'null') {
    args.push('--stdout');
    nullFd = openSync('/dev/null', 'w');
    stdout = nullFd;
  } else {
    args.push('--stdout');
    hash = createHash('sha256');
    stdout = (chunk) => {
      streamed += chunk.length;
      hash.update(chunk);
    };
  }
  let client;
  ctx.memory.mark();
  try {
    const result = await runChecked(process.execPath, [PSS, ...args], {
      timeoutMs,
      stdout,
      onStart: (child) => (client = new MemoryWatch(child.pid, { wholeLife: true })),
    });
    const outcome = { seconds: result.elapsedMs / 1000, clientPeakKiB: client?.peakKiB() ?? 0, serverPeakKiB: ctx.memory.peakKiB() };
    if (mode === 'out') {
      outcome.target = join(outDir, file.name);
      const size = statOrUndefined(outcome.target)?.size;
      if (size !== file.size) throw new MeasurementError(`pss get wrote ${size ?? 'no'} bytes to ${outcome.target}, expected ${file.size}`);
    } else if (mode === 'hash') {
      if (streamed !== file.size) throw new MeasurementError(`pss get --stdout sent ${streamed} bytes, expected ${file.size}`);
      outcome.sha256 = hash.digest('hex');
    }
    return outcome;
  } finally {
    client?.stop();
    if (nullFd !== undefined) closeSync(nullFd);
  }
}

const READER = join(dirname(fileURLToPath(import.meta.url)), 'main-port-reader.mjs');

/**
 * One read of `file` from the main port by the bare reader: wall time (spawn to exit, as
 * for curl) and the reader's own time from connecting to the last byte.
 */
export async function mainPortRead({ ctx, file, timeoutMs }) {
  ctx.server.assertRunning();
  const r = await runChecked(process.execPath, [READER, String(ctx.port), ctx.fingerprint, file.name], { timeoutMs });
  const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  if (line.bytes !== file.size) throw new MeasurementError(`the main-port reader received ${line.bytes} bytes, expected ${file.size}`);
  return { seconds: r.elapsedMs / 1000, toolSeconds: line.seconds };
}
