// Passwords through the command line: `pss serve --password-env` and `pss get
// --password-env`. Every refusal is exit status 1 with one clear line on stderr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { jsonLines, linesOf, runCli, startCliServer, type CliServer } from '../../support/cli-runner';
import { assertTreeMatches, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';

const PASSWORD = "s3cret with spaces & 'quotes'";

let base = '';
let server: CliServer;
let files: Map<string, FileFacts>;
let clientData = '';

test.before(async () => {
  base = await makeTempDir('cli-password');
  files = new Map([['notes.txt', await writeRandomFile(join(base, 'share', 'notes.txt'), 4321, 1_700_000_000.5)]]);
  clientData = await makeSubDir(base, 'client-data');
  server = await startCliServer(join(base, 'share'), {
    cwd: base,
    dataDir: await makeSubDir(base, 'server-data'),
    env: { SERVE_PASSWORD: PASSWORD },
    extraArgs: ['--password-env', 'SERVE_PASSWORD'],
  });
});

test.after(async () => {
  await server?.stop('SIGINT').catch(() => undefined);
  await removeDir(base);
});

function get(extra: string[], env: Record<string, string> = {}) {
  const args = ['get', `127.0.0.1:${server.ready.mainPort}`, '--all', '--out', join(base, 'out'), '--trust-new', '--data-dir', clientData];
  return runCli([...args, ...extra], { cwd: base, env });
}

test('the ready line says a password is required', () => {
  assert.is(server.ready.passwordRequired, true);
});

test('without --password-env the client stops with AUTH_REQUIRED on one line', async () => {
  const r = await get([]);
  assert.is(r.code, 1);
  assert.equal(linesOf(r.stderr), [`pss: 127.0.0.1:${server.ready.mainPort} requires a password: pass it with --password-env VAR [AUTH_REQUIRED]`]);
});

test('a wrong password: exit 1 and exactly "pss: wrong password [AUTH_FAILED]"', async () => {
  const r = await get(['--password-env', 'GET_PASSWORD'], { GET_PASSWORD: 'not it' });
  assert.is(r.code, 1);
  assert.equal(linesOf(r.stderr), ['pss: wrong password [AUTH_FAILED]']);
  assert.is(r.stdout, '');
});

test('the right password downloads the share', async () => {
  const r = await get(['--password-env', 'GET_PASSWORD'], { GET_PASSWORD: PASSWORD });
  assert.is(r.code, 0, r.stderr);
  await assertTreeMatches(join(base, 'out'), files);
});

test('--password-env naming an unset variable is a usage error (exit 2) and connects to nobody', async () => {
  const r = await get(['--password-env', 'NO_SUCH_VARIABLE_FOR_PSS']);
  assert.is(r.code, 2);
  assert.equal(linesOf(r.stderr), ['pss: environment variable NO_SUCH_VARIABLE_FOR_PSS is not set or empty [BAD_ARGUMENT]']);
});

test('serve --password-env naming an unset variable exits 2 before listening', async () => {
  const r = await runCli(
    ['serve', join(base, 'share'), '--port', '0', '--bind', '127.0.0.1', '--data-dir', join(base, 'other-data'), '--password-env', 'NO_SUCH_VARIABLE_FOR_PSS'],
    { cwd: base },
  );
  assert.is(r.code, 2);
  assert.is(linesOf(r.stderr).length, 1);
  assert.match(r.stderr, /NO_SUCH_VARIABLE_FOR_PSS/);
});

test('the server log shows the failed and the good login, never the password', async () => {
  const logs = jsonLines<{ event: string; category: string; message: string }>(server.process.stdout).slice(1);
  assert.ok(logs.every((e) => e.event === 'log'));
  assert.ok(logs.some((e) => e.category === 'Authentication' && /login failed/.test(e.message)));
  assert.ok(logs.some((e) => e.category === 'Authentication' && /login succeeded/.test(e.message)));
  assert.not.ok(server.process.stdout.includes(PASSWORD));
  assert.not.ok(server.process.stdout.includes('not it'));
});

test.run();
