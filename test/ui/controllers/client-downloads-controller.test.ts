// The Client screen's downloads against a fake engine: what the request needs, progress, files saved
// under another name, Retry after a failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DownloadSummary } from '../../../extensions/netcore/src/contract';
import { connected, summary } from '../support/client-screen';
import type { FakeNetcore } from '../support/fake-netcore';
import { clientState, progress } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

test('Download Selected needs a selection, a destination and a created sub-folder when ticked', async () => {
  const { api, c } = await connected({ downloadFolder: '' });
  assert.match(plain(c.downloads.downloadProblem()!), /Tick the files/);
  c.files.toggle(c.files.state.tree!.tree.nodes.findIndex((n) => n.path === 'docs'));
  assert.match(plain(c.downloads.downloadProblem()!), /Choose where to save/);
  (api as FakeNetcore).handle('client.download', () => summary());
  await c.downloads.download();
  assert.is(api.sent('client.download').length, 0, 'nothing is sent while a problem remains');
});

test('a download sends the selected paths, destination and sub-folder, and shows progress', async () => {
  const { api, c } = await connected();
  c.files.toggle(c.files.state.tree!.tree.nodes.findIndex((n) => n.path === 'docs'));
  c.destination.setSubfolderEnabled(true);
  c.destination.setSubfolderDraft('bad/name');
  assert.not.ok(c.destination.createSubfolder());
  assert.match(plain(c.downloads.downloadProblem()!), /sub-folder/);
  c.destination.setSubfolderDraft('from-ana');
  assert.ok(c.destination.createSubfolder());
  assert.is(c.destination.effectiveDestination, '/dl/from-ana');
  let finish!: (s: DownloadSummary) => void;
  api.handle('client.download', () => new Promise((resolve) => (finish = resolve)));
  const running = c.downloads.download();
  assert.ok(c.downloads.state.downloading);
  assert.equal(api.sent('client.download'), [{ paths: ['docs'], destination: '/dl', subfolder: 'from-ana' }]);
  api.emit(
    'client.progress',
    progress({ currentPath: 'docs/b.txt', fileBytes: 5, fileSize: 10, doneBytes: 5, totalBytes: 10, filesTotal: 1, bytesPerSecond: 2048, etaSeconds: 3 }),
  );
  assert.is(c.downloads.state.progress!.doneBytes, 5);
  assert.match(plain(c.statusLine()), /Downloading: 0 of 1 file done/);
  api.emit('client.file', { path: 'docs/b.txt', status: 'done' });
  finish(summary({ files: [{ path: 'docs/b.txt', status: 'done' }], destination: '/dl/from-ana' }));
  await running;
  assert.not.ok(c.downloads.state.downloading);
  assert.is(c.downloads.state.filesDone, 1);
  assert.match(plain(c.statusLine()), /Downloaded 1 file to \/dl\/from-ana/);
});

test('what the server does not offer is kept for the note; files saved under another name are listed', async () => {
  const { api, c } = await connected();
  assert.equal(c.files.state.notShared, { link: 2, unreadable: 1 });
  c.files.toggleAll();
  let finish!: (s: DownloadSummary) => void;
  api.handle('client.download', () => new Promise((resolve) => (finish = resolve)));
  const running = c.downloads.download();
  api.emit('client.file', { path: 'a.bin', status: 'done' });
  api.emit('client.file', { path: 'docs/b?.txt', status: 'done', savedAs: 'docs/b\uFF1F.txt' });
  api.emit('client.file', { path: 'docs/c?.txt', status: 'failed', savedAs: 'docs/c\uFF1F.txt', code: 'DISK_FULL', message: 'full' });
  assert.equal(
    c.downloads.state.renamed.map((f) => [f.path, f.savedAs]),
    [['docs/b?.txt', 'docs/b\uFF1F.txt']],
  );
  assert.is(c.downloads.state.filesDone, 2);
  finish(summary());
  await running;
  assert.is(c.downloads.state.renamed.length, 1, 'kept after the download ends');
  api.handle('client.disconnect', () => clientState({ phase: 'disconnected' }));
  await c.connection.disconnect();
  assert.equal(c.files.state.notShared, {});
});

test('after a failed download the button becomes Retry Download, and Retry resumes through the engine', async () => {
  const { api, shell, c } = await connected();
  c.files.toggleAll();
  api.handle('client.download', () => {
    api.emit('client.file', { path: 'a.bin', status: 'failed', code: 'CONNECTION_LOST', message: 'lost' });
    api.emit('client.state', clientState({ phase: 'disconnected', canRetry: true }));
    return summary({
      ok: false,
      files: [
        { path: 'a.bin', status: 'failed' },
        { path: 'docs/b.txt', status: 'done' },
      ],
    });
  });
  await c.downloads.download();
  assert.equal(api.sent('client.download')[0]!.paths, [], 'Select All asks for everything');
  assert.ok(c.downloads.retryMode);
  assert.is(c.downloads.downloadProblem(), null, 'Retry is possible even while disconnected');
  assert.is(c.downloads.state.failures.length, 1);
  assert.match(plain(c.statusLine()), /Retry Download resumes it/);
  assert.ok(shell.notifications.some((n) => /1 of 2 files failed/.test(n.body)));
  api.handle('client.retry', () => {
    api.emit('client.state', clientState({ phase: 'connected', canRetry: false }));
    return summary();
  });
  await c.downloads.download();
  assert.is(api.sent('client.retry').length, 1, 'the same button now retries');
  assert.is(api.sent('client.download').length, 1);
  assert.not.ok(c.downloads.retryMode);
  assert.is(c.downloads.state.failures.length, 0);
});

test('a rejected download shows the error and offers Retry when the engine says it can', async () => {
  const { api, c } = await connected();
  c.files.toggleAll();
  api.handle('client.download', () => {
    api.emit('client.state', clientState({ phase: 'disconnected', canRetry: true }));
    throw Object.assign(new Error('the server closed the connection'), { code: 'CONNECTION_LOST' });
  });
  await c.downloads.download();
  assert.match(plain(c.outcome.state.error!), /connection was lost/);
  assert.ok(c.downloads.retryMode);
});

test.run();
