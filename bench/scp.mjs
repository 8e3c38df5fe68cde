// Baseline (b): scp from a private sshd on 127.0.0.1 into a folder on disk. The sshd has
// its own host key, config and authorized_keys in a temp dir and is stopped by its pid;
// the machine's own ssh setup is never read or changed.
import { accessSync, constants, copyFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { userInfo } from 'node:os';
import { freePort, statOrUndefined, waitForPort } from './fixtures.mjs';
import { MeasurementError, runChecked, startServer } from './processes.mjs';

const START_TIMEOUT_MS = 15_000;
const INSTALL_TIMEOUT_MS = 600_000;

function findExecutable(name, preferred = []) {
  const dirs = [...preferred, ...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function locateTools() {
  // sshd insists on an absolute path (it re-executes itself).
  const tools = {
    sshd: findExecutable('sshd', ['/usr/sbin']),
    scp: findExecutable('scp'),
    ssh: findExecutable('ssh'),
    sshKeygen: findExecutable('ssh-keygen'),
  };
  return Object.values(tools).every(Boolean) ? tools : undefined;
}

/** Finds sshd/scp/ssh-keygen, installing them with apt-get when possible. */
export async function ensureOpenSsh(log) {
  const found = locateTools();
  if (found) return { tools: found };
  const aptGet = findExecutable('apt-get');
  if (process.getuid?.() !== 0 || !aptGet) return { skip: 'sshd, scp or ssh-keygen is missing and cannot be installed here (needs root and apt-get)' };
  log('installing openssh-server and openssh-client with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runChecked(aptGet, ['update', '-qq'], { env, timeoutMs: INSTALL_TIMEOUT_MS });
    await runChecked(aptGet, ['install', '-y', '-qq', '--no-install-recommends', 'openssh-server', 'openssh-client'], { env, timeoutMs: INSTALL_TIMEOUT_MS });
  } catch (err) {
    return { skip: `apt-get could not install openssh: ${err.message.split('\n')[0]}` };
  }
  const installed = locateTools();
  return installed ? { tools: installed } : { skip: 'openssh was installed but sshd, scp or ssh-keygen is still not found' };
}

function clientOptions(ctx, verbose) {
  return [
    '-F',
    '/dev/null',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    ...(verbose ? ['-v'] : ['-o', 'LogLevel=ERROR']),
    '-i',
    ctx.clientKey,
  ];
}

export async function startSshd({ tools, workDir }) {
  const dir = join(workDir, 'sshd');
  mkdirSync(dir, { mode: 0o700 });
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  const authorizedKeys = join(dir, 'authorized_keys');
  for (const [path, comment] of [
    [hostKey, 'bench-host'],
    [clientKey, 'bench-client'],
  ]) {
    await runChecked(tools.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { timeoutMs: START_TIMEOUT_MS });
  }
  copyFileSync(`${clientKey}.pub`, authorizedKeys);
  chmodSync(authorizedKeys, 0o600);
  const root = process.getuid?.() === 0;
  // sshd's privilege separation directory; only root runs with privilege separation.
  if (root) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const user = userInfo().username;
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey "${hostKey}"`,
      `PidFile "${join(dir, 'sshd.pid')}"`,
      `AuthorizedKeysFile "${authorizedKeys}"`,
      'StrictModes no',
      `PermitRootLogin ${root ? 'yes' : 'no'}`,
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AllowUsers ${user}`,
      // scp speaks SFTP by default since OpenSSH 9.0.
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const server = startServer(tools.sshd, ['-f', config, '-D', '-e']);
  await waitForPort(port, server, START_TIMEOUT_MS);
  const ctx = { tools, port, user, clientKey, server };
  // Checks the login once and learns the negotiated cipher.
  const probe = await runChecked(tools.ssh, [...clientOptions(ctx, true), '-p', String(port), `${user}@127.0.0.1`, 'true'], { timeoutMs: START_TIMEOUT_MS });
  ctx.cipher = /kex: server->client cipher: (\S+)/.exec(probe.stderr)?.[1];
  return ctx;
}

/** `scp -r` of a whole folder into `destDir`; returns the seconds it took. */
export async function scpTree({ ctx, tree, destDir, timeoutMs }) {
  const args = ['-r', ...clientOptions(ctx, false), '-P', String(ctx.port), `${ctx.user}@127.0.0.1:${tree}`, destDir];
  const result = await runChecked(ctx.tools.scp, args, { timeoutMs });
  return result.elapsedMs / 1000;
}

export async function scpOnce({ ctx, file, destDir, timeoutMs }) {
  const args = [...clientOptions(ctx, false), '-P', String(ctx.port), `${ctx.user}@127.0.0.1:${file.path}`, `${destDir}/`];
  const result = await runChecked(ctx.tools.scp, args, { timeoutMs });
  const target = join(destDir, file.name);
  const size = statOrUndefined(target)?.size;
  if (size !== file.size) throw new MeasurementError(`scp wrote ${size ?? 'no'} bytes to ${target}, expected ${file.size}`);
  return { seconds: result.elapsedMs / 1000, target };
}
