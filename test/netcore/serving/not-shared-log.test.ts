// The administrator's log of what the share leaves out (PROTOCOL.md §5.1): one entry right
// after the start with each item's name and reason, a new entry only when that changes,
// a long list cut with a count, and nothing at all for a share that leaves nothing out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NOT_SHARED_LOG_NAMES } from '../../../extensions/netcore/src/constants';
import { makeTempDir, removeDir } from '../../support/temp-dir';
import { startTestServer, type TestServer } from '../../support/test-server';
import { waitUntil } from '../../support/wait';

let base = '';
const servers: TestServer[] = [];

test.before(async () => {
  base = await makeTempDir('not-shared-log');
});

test.after(async () => {
  for (const s of servers) await s.close();
  await removeDir(base);
});

const reports = (s: TestServer) => s.logs.filter((e) => /items? not shared|every item of the share/.test(e.message) && !e.message.startsWith('listed '));

test('a start logs what is not shared; a change logs again; back to nothing says so', async () => {
  const share = join(base, 'changing');
  await mkdir(share);
  await writeFile(join(share, 'a.txt'), 'a');
  await symlink('a.txt', join(share, 'link.txt'));
  const s = await startTestServer({ sharePath: share });
  servers.push(s);
  await waitUntil(() => reports(s).length === 1, 'the first report');
  assert.is(reports(s)[0]!.message, '1 item not shared: 1 link. link.txt (symbolic link)');
  assert.is(reports(s)[0]!.category, 'Server Status');
  assert.equal(s.server.share.notShared.counts, { link: 1 });
  await s.server.share.list();
  assert.is(reports(s).length, 1, 'the same set is not logged twice');
  await rm(join(share, 'link.txt'));
  await s.server.share.list();
  assert.is(reports(s).at(-1)!.message, 'every item of the share is shared now');
  assert.equal(s.server.share.notShared.counts, {});
});

test('a share that leaves nothing out logs nothing about it', async () => {
  const share = join(base, 'clean');
  await mkdir(share);
  await writeFile(join(share, 'a.txt'), 'a');
  const s = await startTestServer({ sharePath: share });
  servers.push(s);
  await s.server.share.list();
  assert.equal(reports(s), []);
});

test('a long list names the first items and counts the rest', async () => {
  const share = join(base, 'many');
  await mkdir(share);
  const links = NOT_SHARED_LOG_NAMES + 5;
  for (let i = 0; i < links; i++) await symlink('nowhere', join(share, `link-${String(i).padStart(4, '0')}`));
  const s = await startTestServer({ sharePath: share });
  servers.push(s);
  await waitUntil(() => reports(s).length === 1, 'the first report');
  const message = reports(s)[0]!.message;
  assert.ok(message.startsWith(`${links} items not shared: ${links} links. link-0000 (symbolic link), `), message.slice(0, 100));
  assert.ok(message.endsWith(', and 5 more'), message.slice(-60));
  assert.ok(message.includes(`link-${String(NOT_SHARED_LOG_NAMES - 1).padStart(4, '0')} (symbolic link)`));
  assert.not.ok(message.includes(`link-${String(NOT_SHARED_LOG_NAMES).padStart(4, '0')}`));
});

test.run();
