// `pss get` against a real server: --all into a sub-folder, a folder by name, re-runs that
// skip finished files, unknown names, and the --json report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertTreeMatches, makeShareTree, partFilesIn, type FileFacts, type ShareTree } from '../../support/file-tree';
import { linesOf, runCli } from '../../support/cli-runner';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';

let base = '';
let tree: ShareTree;
let server: TestServer;

test.before(async () => {
  base = await makeTempDir('cli-get');
  tree = await makeShareTree(join(base, 'share'));
  server = await startTestServer({ sharePath: tree.root });
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

async function get(args: string[], dataDir: string) {
  return runCli(['get', `127.0.0.1:${server.port}`, ...args, '--data-dir', dataDir], { cwd: base });
}

test('get --all --subfolder writes the whole tree byte-exact into out/NAME, then a re-run skips it all', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  const first = await get(['--all', '--out', out, '--subfolder', 'from server', '--trust-new'], clientData);
  assert.is(first.code, 0, first.stderr);
  assert.is(first.stderr, '', 'no progress bar or warnings without a terminal');
  const dest = join(out, 'from server');
  await assertTreeMatches(dest, tree.files);
  assert.equal(await partFilesIn(dest), []);
  assert.equal(await readdir(out), ['from server']);
  const done = linesOf(first.stdout).filter((l) => l.startsWith('✓ '));
  assert.is(done.length, tree.files.size, first.stdout);
  for (const wire of tree.files.keys()) assert.ok(done.includes(`✓ ${wire}`), `stdout names ${wire}`);
  assert.match(first.stdout, new RegExp(`${tree.files.size} of ${tree.files.size} files in `));

  const second = await get(['--all', '--out', out, '--subfolder', 'from server'], clientData);
  assert.is(second.code, 0, second.stderr);
  const skipped = linesOf(second.stdout).filter((l) => l.startsWith('= '));
  assert.is(skipped.length, tree.files.size, second.stdout);
  assert.not.match(second.stdout, /^✓ /m);
  await assertTreeMatches(dest, tree.files);
});

test('get with a folder name downloads just that folder, resolving --out against the working folder', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  const result = await runCli(['get', `127.0.0.1:${server.port}`, '📷 photos', 'with space', '--out', '.', '--trust-new', '--data-dir', clientData], {
    cwd: out,
  });
  assert.is(result.code, 0, result.stderr);
  const expected = new Map<string, FileFacts>([...tree.files].filter(([p]) => p.startsWith('📷 photos/') || p.startsWith('with space/')));
  await assertTreeMatches(out, expected);
});

test('get of a name the server does not share fails with NOT_FOUND and writes nothing', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  const result = await get(['no such thing', '--out', out, '--trust-new'], clientData);
  assert.is(result.code, 1);
  assert.match(result.stderr, /not shared by the server: no such thing \[NOT_FOUND\]/);
  assert.equal(await readdir(out), []);
});

test('a --subfolder that is not a plain folder name is a usage error and writes nothing', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  for (const bad of ['..', '../escape', 'a/b', 'bell\u0007']) {
    const result = await get(['--all', '--out', out, '--subfolder', bad, '--trust-new'], clientData);
    assert.is(result.code, 2, `${bad}: ${result.stderr}`);
    assert.match(result.stderr, /--subfolder/);
  }
  assert.equal(await readdir(out), []);
  assert.equal(
    (await readdir(base)).filter((n) => n === 'escape'),
    [],
  );
});

test('get --json prints one object per file and a summary', async () => {
  const clientData = await makeSubDir(base, 'client-data');
  const out = await makeSubDir(base, 'out');
  const started = Date.now();
  const result = await get(['docs', '--out', out, '--trust-new', '--json'], clientData);
  const ended = Date.now();
  assert.is(result.code, 0, result.stderr);
  const events = linesOf(result.stdout).map(
    (l) => JSON.parse(l) as { event: string; status?: string; path?: string; ok?: boolean; files?: number; time?: string },
  );
  const docs = [...tree.files.keys()].filter((p) => p.startsWith('docs/'));
  const files = events.filter((e) => e.event === 'file');
  assert.equal(files.map((e) => e.path).sort(), docs.sort());
  assert.ok(files.every((e) => e.status === 'done'));
  // Each file event says when the file was done: an ISO time, in order, within the run.
  const times = files.map((e) => Date.parse(e.time ?? ''));
  assert.ok(
    times.every((t, i) => Number.isFinite(t) && t >= started && t <= ended && (i === 0 || t >= times[i - 1]!)),
    JSON.stringify(files.map((e) => e.time)),
  );
  const summary = events[events.length - 1]!;
  assert.is(summary.event, 'done');
  assert.is(summary.ok, true);
  assert.is(summary.files, docs.length);
});

test.run();
