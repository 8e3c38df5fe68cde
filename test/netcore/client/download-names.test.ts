// Every shared file reaches the client (PROTOCOL.md §5.1, §5.2, §6.2): a Linux → Linux
// round trip of a share holding names only Windows cannot store, names at the byte limit,
// links in and out of the share, a FIFO, a control character and the server's data
// folder. Every safe file arrives byte-exact under its own name; the rest is counted with
// its reason on both sides. The same share saved as Windows would save it arrives under
// the mapped names, each reported, none overwriting another, and a resume finds the
// mapped (or short) partial copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../../../extensions/netcore/src/client/connection';
import { detectStorage } from '../../../extensions/netcore/src/client/destination-storage';
import { MAX_NAME_BYTES } from '../../../extensions/netcore/src/constants';
import { WINDOWS_NAMES, segmentProblem } from '../../../extensions/netcore/src/protocol/path-rules';
import { storageFor } from '../../../extensions/netcore/src/protocol/storable-names';
import { assertTreeMatches, partFilesIn, snapshotTree, writeRandomFile, type FileFacts } from '../../support/file-tree';
import { downloadInto, OpenClients } from '../../support/test-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { makeSubDir, makeTempDir, removeDir } from '../../support/temp-dir';
import { hasTool } from '../../support/web-client';

const LONG_ASCII = 'L'.repeat(MAX_NAME_BYTES - 4) + '.bin';
const LONG_UTF8 = 'é'.repeat(125) + 'data'; // 254 bytes
const SAFE = [
  `it's "quoted".txt`,
  'Song: Remix.mp3',
  'what?.txt',
  'trail.',
  'CON.txt',
  'a<b>.txt',
  'x|y.txt',
  LONG_ASCII,
  LONG_UTF8,
  'album: live/01 intro?.mp3',
  'a:b.txt',
  'C:/x.txt',
  'plain.txt',
];
const WINDOWS_LOCAL: Record<string, string> = {
  'it\'s "quoted".txt': `it's \uFF02quoted\uFF02.txt`,
  'Song: Remix.mp3': 'Song\uFF1A Remix.mp3',
  'what?.txt': 'what\uFF1F.txt',
  'trail.': 'trail\uFF0E',
  'CON.txt': 'CON_.txt',
  'a<b>.txt': 'a\uFF1Cb\uFF1E.txt',
  'x|y.txt': 'x\uFF5Cy.txt',
  'album: live/01 intro?.mp3': 'album\uFF1A live/01 intro\uFF1F.mp3',
  'a:b.txt': 'a\uFF1Ab.txt',
  'C:/x.txt': 'C\uFF1A/x.txt',
};

let base = '';
let share = '';
let server: TestServer;
let fifo = false;
const files = new Map<string, FileFacts>();
const clients = new OpenClients(() => base);

test.before(async () => {
  base = await makeTempDir('download-names');
  share = join(base, 'share');
  let seconds = 1_700_000_000;
  for (const path of SAFE) files.set(path, await writeRandomFile(join(share, ...path.split('/')), 1_000 + 7 * files.size, (seconds += 60)));
  await writeFile(join(share, 'tab\tname.txt'), 'refused: a control character');
  await writeFile(join(base, 'outside.txt'), 'outside the share');
  await symlink('plain.txt', join(share, 'link in.txt'));
  await symlink('../outside.txt', join(share, 'link out.txt'));
  if (hasTool('mkfifo', ['--version'])) {
    execFileSync('mkfifo', [join(share, 'pipe')]);
    fifo = true;
  }
  const dataDir = join(share, '.pss-data');
  await mkdir(dataDir);
  server = await startTestServer({ sharePath: share, dataDir });
});

test.after.each(() => {
  clients.closeAll();
});

test.after(async () => {
  await server?.close();
  await removeDir(base);
});

const connect = (): Promise<ServerConnection> => clients.connect(server.port);
const expectedNotShared = () => ({ link: 2, badName: 1, dataDir: 1, ...(fifo ? { special: 1 } : {}) });

test('Linux to Linux: every safe file is listed, and what is not shared is counted by reason', async () => {
  const c = await connect();
  const listing = await c.list();
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  assert.equal(
    listing.entries.map((e) => e.path),
    [...SAFE].sort(byCodeUnit),
  );
  assert.equal(listing.notShared, expectedNotShared());
  assert.not.ok(JSON.stringify(listing).includes('outside'), 'nothing outside the share is named');
});

test('Linux to Linux: every safe file arrives byte-exact under its own name, nothing renamed, no partial file left', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const dest = await makeSubDir(base, 'linux');
  const result = await downloadInto(c, entries, dest);
  assert.ok(result.ok, JSON.stringify(result.files.filter((f) => f.status === 'failed')));
  assert.equal(
    result.files.filter((f) => f.savedAs !== undefined),
    [],
  );
  await assertTreeMatches(dest, files);
  assert.equal(await partFilesIn(dest), []);
  assert.equal(
    (await readdir(dest)).filter((n) => n.startsWith('.pss-')),
    [],
    'the probe and the short partial names are gone',
  );
});

test('the administrator: the log names each item with its reason, and the status counts them', async () => {
  assert.equal(server.server.share.notShared.counts, expectedNotShared());
  const reports = server.logs.filter((e) => /^\d+ items? not shared: /.test(e.message));
  const entry = reports[0];
  assert.ok(entry, 'a log entry says what is not shared');
  const total = fifo ? 5 : 4;
  assert.match(
    entry!.message,
    new RegExp(`^${total} items not shared: 2 links, ${fifo ? '1 special file, ' : ''}1 (the server's data folder), 1 unsafe name\\.`),
  );
  for (const name of ['link in.txt (symbolic link)', 'link out.txt (symbolic link)', 'tab\tname.txt (unsafe name)', ".pss-data (the server's data folder)"]) {
    assert.ok(entry!.message.includes(name), `${name} in ${entry!.message}`);
  }
  if (fifo) assert.ok(entry!.message.includes('pipe (special file)'));
  assert.is(reports.length, 1, 'logged once, not on every listing');
});

test('saved as Windows saves: mapped names, each reported, byte-exact, all storable there', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const dest = await makeSubDir(base, 'windows');
  const result = await downloadInto(c, entries, dest, { storage: storageFor('win32') });
  assert.ok(result.ok, JSON.stringify(result.files.filter((f) => f.status === 'failed')));
  const renamed = Object.fromEntries(result.files.filter((f) => f.savedAs !== undefined).map((f) => [f.path, f.savedAs!]));
  assert.equal(renamed, WINDOWS_LOCAL);
  const expected = new Map([...files].map(([path, facts]) => [WINDOWS_LOCAL[path] ?? path, facts]));
  await assertTreeMatches(dest, expected);
  for (const local of (await snapshotTree(dest)).keys()) {
    for (const segment of local.split('/')) assert.is(segmentProblem(segment, WINDOWS_NAMES), undefined, local);
  }
});

test('names that one system stores as one never overwrite each other', async () => {
  const clash = join(base, 'clash-share');
  const names = ['ab:c.txt', 'ab\uFF1Ac.txt', 'A.txt', 'a.txt', 'Notes', 'notes/inner.txt'];
  const facts = new Map<string, FileFacts>();
  for (const name of names) {
    const path = name === 'Notes' ? 'Notes/x.txt' : name;
    facts.set(path, await writeRandomFile(join(clash, ...path.split('/')), 500 + facts.size));
  }
  const other = await startTestServer({ sharePath: clash });
  try {
    const c = await clients.connect(other.port);
    const { entries } = await c.list();
    const dest = await makeSubDir(base, 'clash');
    const result = await downloadInto(c, entries, dest, { storage: storageFor('win32') });
    assert.ok(result.ok);
    const local = Object.fromEntries(result.files.map((f) => [f.path, f.savedAs ?? f.path]));
    assert.equal(local, {
      'A.txt': 'A.txt',
      'Notes/x.txt': 'Notes/x.txt',
      'a.txt': 'a (2).txt',
      'ab:c.txt': 'ab\uFF1Ac (2).txt',
      'ab\uFF1Ac.txt': 'ab\uFF1Ac.txt',
      'notes/inner.txt': 'notes (2)/inner.txt',
    });
    await assertTreeMatches(dest, new Map([...facts].map(([path, f]) => [local[path]!, f])));
  } finally {
    await other.close();
  }
});

/** The short temporary name of a final name too long for `.part.json` (§6.2). */
const shortPart = (name: string) => `.pss-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;

test('a resume finds the partial copy under the mapped name and under the short name of a long name', async () => {
  const c = await connect();
  const { entries } = await c.list();
  const dest = await makeSubDir(base, 'resume');
  const pick = entries.filter((e) => e.path === 'Song: Remix.mp3' || e.path === LONG_ASCII || e.path === LONG_UTF8);
  const partial = async (local: string, temp: string, wire: string) => {
    const { size, mtimeMs } = pick.find((e) => e.path === wire)!;
    await writeFile(join(dest, `${temp}.part`), (await readFile(join(share, wire))).subarray(0, 300));
    await writeFile(join(dest, `${temp}.part.json`), JSON.stringify({ version: 1, path: wire, size, mtimeMs, name: local }));
  };
  await partial('Song\uFF1A Remix.mp3', 'Song\uFF1A Remix.mp3', 'Song: Remix.mp3');
  await partial(LONG_ASCII, shortPart(LONG_ASCII), LONG_ASCII);
  await partial(LONG_UTF8, shortPart(LONG_UTF8), LONG_UTF8);
  const result = await downloadInto(c, pick, dest, { storage: storageFor('win32') });
  assert.ok(result.ok, JSON.stringify(result.files));
  for (const f of result.files) assert.is(f.resumedFrom, 300, f.path);
  await assertTreeMatches(dest, new Map(pick.map((e) => [WINDOWS_LOCAL[e.path] ?? e.path, files.get(e.path)!])));
  assert.equal(await partFilesIn(dest), []);
});

test('a short partial name whose sidecar names another file is not resumed', async () => {
  const c = await connect();
  const entry = (await c.list()).entries.find((e) => e.path === LONG_ASCII)!;
  const dest = await makeSubDir(base, 'foreign-part');
  await writeFile(join(dest, `${shortPart(LONG_ASCII)}.part`), 'x'.repeat(100));
  await writeFile(
    join(dest, `${shortPart(LONG_ASCII)}.part.json`),
    JSON.stringify({ version: 1, path: LONG_ASCII, size: entry.size, mtimeMs: entry.mtimeMs, name: 'another name' }),
  );
  const result = await downloadInto(c, [entry], dest);
  assert.ok(result.ok);
  assert.is(result.files[0]!.resumedFrom, undefined);
  await assertTreeMatches(dest, new Map([[LONG_ASCII, files.get(LONG_ASCII)!]]));
});

test('the destination probe: this file system stores every name and tells case apart, and the probe leaves nothing', async () => {
  const dir = await makeSubDir(base, 'probe');
  assert.equal(await detectStorage(dir, 'linux'), { windowsNames: false, caseInsensitive: false });
  assert.equal(await detectStorage(dir, 'win32'), { windowsNames: true, caseInsensitive: true });
  assert.equal(await readdir(dir), []);
});

test.run();
