// `pss list` and `pss get --all` agree (PROTOCOL.md §5.1): the total `list` prints is what
// `get --all` fetches, names only Windows cannot store included, and both say how many
// items the server does not offer and why, in text and in --json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertTreeMatches, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { linesOf, runCli } from '../../support/cli-runner';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { hasTool } from '../../support/web-client';

const NAMES = [`it's "quoted".txt`, 'Song: Remix.mp3', 'what?.txt', 'trail.', 'a:b.txt', 'plain.txt'];

let base = '';
let server: TestServer;
let fifo = false;
const files = new Map<string, FileFacts>();

test.before(async () => {
  base = await makeTempDir('cli-counts');
  const share = join(base, 'share');
  for (const name of NAMES) files.set(name, await writeRandomFile(join(share, name), 100 + files.size));
  await writeFile(join(share, 'tab\tname.txt'), 'a control character');
  await symlink('plain.txt', join(share, 'link.txt'));
  if (hasTool('mkfifo', ['--version'])) {
    execFileSync('mkfifo', [join(share, 'pipe')]);
    fifo = true;
  }
  server = await startTestServer({ sharePath: share });
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

const notOffered = () => `${fifo ? 3 : 2} items not offered by the server: 1 link, ${fifo ? '1 special file, ' : ''}1 unsafe name`;

test('list prints the total get --all fetches, and what the server does not offer', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const list = await runCli(['list', `127.0.0.1:${server.port}`, '--trust-new', '--data-dir', clientData], { cwd: base });
  assert.is(list.code, 0, list.stderr);
  const lines = linesOf(list.stdout);
  assert.match(lines.at(-2)!, new RegExp(`^${NAMES.length} files, .* in directory "share"$`));
  assert.is(lines.at(-1), notOffered());
  const out = await makeSubDir(base, 'out');
  const get = await runCli(['get', `127.0.0.1:${server.port}`, '--all', '--out', out, '--data-dir', clientData], { cwd: base });
  assert.is(get.code, 0, get.stderr);
  assert.is(linesOf(get.stdout).filter((l) => l.startsWith('✓ ')).length, NAMES.length);
  assert.match(get.stdout, new RegExp(`${NAMES.length} of ${NAMES.length} files in `));
  assert.is(linesOf(get.stdout).at(-1), notOffered());
  assert.not.match(get.stdout, /saved as/, 'this system stores every name as it is');
  await assertTreeMatches(out, files);
});

test('get by name fetches a name only Windows forbids, a drive letter included', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'by-name');
  const get = await runCli(['get', `127.0.0.1:${server.port}`, 'a:b.txt', 'what?.txt', '--out', out, '--trust-new', '--data-dir', clientData], { cwd: base });
  assert.is(get.code, 0, get.stdout + get.stderr);
  assert.not.match(get.stdout + get.stderr, /not shared/);
  await assertTreeMatches(out, new Map(['a:b.txt', 'what?.txt'].map((n) => [n, files.get(n)!])));
});

test('--json: the listing carries notShared, the summary carries notOffered and renamed', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const list = await runCli(['list', `127.0.0.1:${server.port}`, '--trust-new', '--json', '--data-dir', clientData], { cwd: base });
  assert.is(list.code, 0, list.stderr);
  const listing = JSON.parse(list.stdout) as { entries: unknown[]; notShared: Record<string, number> };
  assert.is(listing.entries.length, NAMES.length);
  const counts = { link: 1, badName: 1, ...(fifo ? { special: 1 } : {}) };
  assert.equal(listing.notShared, counts);
  const out = await makeSubDir(base, 'out');
  const get = await runCli(['get', `127.0.0.1:${server.port}`, '--all', '--out', out, '--json', '--data-dir', clientData], { cwd: base });
  assert.is(get.code, 0, get.stderr);
  const summary = JSON.parse(linesOf(get.stdout).at(-1)!) as { event: string; files: number; renamed: number; notOffered: Record<string, number> };
  assert.is(summary.event, 'done');
  assert.is(summary.files, NAMES.length);
  assert.is(summary.renamed, 0);
  assert.equal(summary.notOffered, counts);
});

test.run();
