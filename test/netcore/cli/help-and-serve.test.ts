// The command-line contract (README "Commands"): help for every command and flag, exit
// status 0 / 1 / 2, one line on stderr for a failure, the `serve --json` ready line, and a
// clean exit 0 on SIGTERM or SIGINT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonLines, linesOf, runCli, startCliServer, CliProcess, type CliServer } from '../../support/cli-runner';
import { writeRandomFile } from '../../support/file-tree';
import { connectClient } from '../../support/test-client';
import { startTestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let share = '';
const servers: CliServer[] = [];
const children: CliProcess[] = [];

test.before(async () => {
  base = await makeTempDir('cli-surface');
  share = join(base, 'share');
  await writeRandomFile(join(share, 'a.txt'), 10);
});

test.after.each(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL').catch(() => undefined);
  for (const c of children.splice(0)) await c.stop('SIGKILL').catch(() => undefined);
});

test.after(async () => {
  await removeDir(base);
});

const pss = (args: string[]) => runCli(args, { cwd: base });

const SERVE_FLAGS = ['--port', '--max-clients', '--password-env', '--data-dir', '--bind', '--json'];
const GET_FLAGS = ['--all', '--out', '--subfolder', '--fingerprint', '--trust-new', '--password-env', '--data-dir', '--json'];
const LIST_FLAGS = ['--fingerprint', '--trust-new', '--password-env', '--data-dir', '--json'];

test('pss --help exits 0 and names every command', async () => {
  const r = await pss(['--help']);
  assert.is(r.code, 0);
  for (const command of ['pss serve', 'pss list', 'pss get', 'pss forget']) assert.ok(r.stdout.includes(command), command);
  assert.is(r.stderr, '');
});

for (const [command, flags] of [
  ['serve', SERVE_FLAGS],
  ['get', GET_FLAGS],
  ['list', LIST_FLAGS],
  ['forget', ['--data-dir']],
] as const) {
  test(`pss ${command} --help exits 0 and mentions ${flags.join(' ')}`, async () => {
    const r = await pss([command, '--help']);
    assert.is(r.code, 0);
    for (const flag of flags) assert.ok(new RegExp(`${flag}\\b`).test(r.stdout), `${command} --help mentions ${flag}`);
    const viaHelp = await pss(['help', command]);
    assert.is(viaHelp.code, 0);
    assert.is(viaHelp.stdout, r.stdout);
  });
}

test('pss --version prints the version', async () => {
  const r = await pss(['--version']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /^pss \d+\.\d+\.\d+\n$/);
});

test('pss with no command prints the usage and exits 2', async () => {
  const r = await pss([]);
  assert.is(r.code, 2);
  assert.match(r.stdout, /Usage:/);
});

test('an unknown command exits 2 with one line', async () => {
  const r = await pss(['fetch', 'x']);
  assert.is(r.code, 2);
  assert.equal(linesOf(r.stderr), ['pss: unknown command "fetch"; see pss --help']);
});

test('an unknown flag exits 2 with one line', async () => {
  const r = await pss(['get', '127.0.0.1:1', '--all', '--no-such-flag']);
  assert.is(r.code, 2);
  assert.is(linesOf(r.stderr).length, 1);
  assert.match(r.stderr, /no-such-flag.*\[BAD_ARGUMENT\]/);
});

test('serve with a missing path exits 1 with one line', async () => {
  const r = await pss(['serve', join(base, 'no such folder'), '--port', '0', '--bind', '127.0.0.1', '--data-dir', join(base, 'd1')]);
  assert.is(r.code, 1);
  assert.is(linesOf(r.stderr).length, 1, r.stderr);
  assert.match(r.stderr, /^pss: cannot share .*no such folder.*\[SHARE_INVALID\]$/m);
  assert.is(r.stdout, '');
});

test('serve without a path, or with two, is a usage error', async () => {
  assert.is((await pss(['serve', '--port', '0'])).code, 2);
  assert.is((await pss(['serve', share, share, '--port', '0'])).code, 2);
});

test('serve refuses to share its own data folder', async () => {
  const data = join(base, 'data-shared');
  await mkdir(data);
  const r = await pss(['serve', data, '--port', '0', '--bind', '127.0.0.1', '--data-dir', data]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /\[SHARE_INVALID\]/);
  assert.is(linesOf(r.stderr).length, 1);
});

test('serve with bad numbers is a usage error', async () => {
  for (const args of [
    ['--port', '65536'],
    ['--port', 'abc'],
    ['--max-clients', '0'],
    ['--max-clients', '1001'],
  ]) {
    const r = await pss(['serve', share, '--bind', '127.0.0.1', '--data-dir', join(base, 'd2'), ...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(linesOf(r.stderr).length, 1);
  }
});

test('serve on a port already in use exits 1 with PORT_IN_USE', async () => {
  const holder = await startTestServer({ sharePath: share });
  try {
    const r = await pss(['serve', share, '--port', String(holder.port), '--bind', '127.0.0.1', '--data-dir', join(base, 'd3')]);
    assert.is(r.code, 1);
    assert.equal(linesOf(r.stderr), [`pss: the main port ${holder.port} on 127.0.0.1 is already in use [PORT_IN_USE]`]);
  } finally {
    await holder.close();
  }
});

test('serve --json: the first line is the ready event, its fingerprint is the one clients see, SIGTERM exits 0', async () => {
  const server = await startCliServer(share, { cwd: base, dataDir: await makeSubDir(base, 'data') });
  servers.push(server);
  const { ready } = server;
  for (const key of ['mainPort', 'chatPort', 'webPort', 'fingerprint']) assert.ok(key in ready, `ready has ${key}`);
  assert.ok(Number.isInteger(ready.mainPort) && ready.mainPort > 0);
  assert.ok(typeof ready.chatPort === 'number' && ready.chatPort > 0 && ready.chatPort !== ready.mainPort, 'the chat port is served');
  assert.ok(
    typeof ready.webPort === 'number' && ready.webPort > 0 && ready.webPort !== ready.mainPort && ready.webPort !== ready.chatPort,
    'the web port is served',
  );
  assert.match(ready.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.is(ready.shareKind, 'directory');
  assert.is(ready.passwordRequired, false);

  const connection = await connectClient(ready.mainPort, { pinsDir: await makeSubDir(base, 'pins') });
  try {
    assert.is(connection.fingerprint256, ready.fingerprint);
  } finally {
    connection.close();
  }
  const listed = await pss(['list', `127.0.0.1:${ready.mainPort}`, '--json', '--fingerprint', ready.fingerprint, '--data-dir', await makeSubDir(base, 'cd')]);
  assert.is(listed.code, 0, listed.stderr);
  assert.is(jsonLines<{ fingerprint: string }>(listed.stdout)[0]!.fingerprint, ready.fingerprint);

  const stopped = await server.stop('SIGTERM');
  assert.is(stopped.code, 0, stopped.stderr);
  const events = jsonLines<{ event: string; category?: string }>(stopped.stdout);
  assert.is(events[0]!.event, 'ready');
  assert.ok(events.slice(1, -1).every((e) => e.event === 'log' && typeof e.category === 'string'));
  assert.ok(events.some((e) => e.event === 'log' && e.category === 'Connection'));
  assert.equal(events.at(-1), { event: 'stopped' });
});

test('serve --json stopped with SIGTERM as soon as the ready line appears still exits 0', async () => {
  // A supervisor may stop the server the moment it has read the ready line.
  const server = await startCliServer(share, { cwd: base, dataDir: await makeSubDir(base, 'data') });
  servers.push(server);
  const stopped = await server.stop('SIGTERM');
  assert.equal({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null }, stopped.stdout);
  assert.equal(jsonLines(stopped.stdout).at(-1), { event: 'stopped' });
});

test('serve without --json prints the fingerprint for people and stops on SIGINT with exit 0', async () => {
  const dataDir = await makeSubDir(base, 'data');
  const child = new CliProcess(['serve', join(share, 'a.txt'), '--port', '0', '--bind', '127.0.0.1', '--data-dir', dataDir], { cwd: base });
  children.push(child);
  const line = await child.waitForLine((l) => l.trim().startsWith('Fingerprint'), 20_000, 'the fingerprint line');
  assert.match(line, /Fingerprint\s+([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.match(child.stdout, /Sharing .*a\.txt \(file\)/);
  const stopped = await child.stop('SIGINT');
  assert.equal({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null }, stopped.stdout);
});

test.run();
