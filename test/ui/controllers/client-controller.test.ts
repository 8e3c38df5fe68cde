// The Client screen's controller against a fake engine: connecting (with host:port paste,
// first-contact trust and the changed-certificate alarm), login, the tree, downloads with
// progress and Retry after a failure, warnings, chat and its 🔴, remembered settings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DownloadSummary } from '../../../extensions/netcore/src/contract';
import { ClientController } from '../../../resources/ui/src/controllers/client-controller';
import { SettingsStore } from '../../../resources/ui/src/controllers/settings-store';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { FakeNetcore, settle } from '../support/fake-netcore';
import { FakeShell } from '../support/fake-shell';
import { chat, clientState, progress } from '../support/samples';
import { withoutIsolates as plain } from '../../support/isolates';

const listing = {
  share: { kind: 'directory' as const, name: 'Shared' },
  entries: [
    { path: 'a.bin', size: 100, mtimeMs: 1 },
    { path: 'docs/b.txt', size: 10, mtimeMs: 1 },
  ],
  notShared: { link: 2, unreadable: 1 },
};

function summary(over: Partial<DownloadSummary> = {}): DownloadSummary {
  return { ok: true, cancelled: false, files: [{ path: 'a.bin', status: 'done' }], bytes: 100, durationMs: 10, destination: '/dl', ...over };
}

async function setup(stored?: object) {
  const api = new FakeNetcore();
  const shell = new FakeShell();
  if (stored) shell.storage.set(SETTINGS_STORAGE_KEY, JSON.stringify(stored));
  const settings = await SettingsStore.load(shell);
  const c = new ClientController(api, shell, settings);
  return { api, shell, c };
}

async function connected(stored?: object) {
  const t = await setup({ downloadFolder: '/dl', ...stored });
  t.api.handle('client.connect', () => clientState()).handle('client.list', () => listing);
  t.c.connection.setHost('192.168.1.20');
  await t.c.connection.connect();
  return t;
}

test('the last server and port are filled in, and a connect remembers them', async () => {
  const { api, shell, c } = await setup({ lastServer: '10.0.0.9', lastPort: 6000 });
  assert.is(c.connection.state.host, '10.0.0.9');
  assert.is(c.connection.state.port, '6000');
  api.handle('client.connect', () => clientState()).handle('client.list', () => listing);
  c.connection.setHost('192.168.1.20:7000');
  await c.connection.connect();
  assert.equal(api.sent('client.connect'), [{ host: '192.168.1.20', port: 7000 }], 'a pasted host:port fills the port');
  assert.is(c.connection.state.port, '7000');
  await settle();
  const saved = JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!);
  assert.is(saved.lastServer, '192.168.1.20');
  assert.is(saved.lastPort, 7000);
});

test('a bad address or port is refused before anything is asked of the engine', async () => {
  const { api, c } = await setup();
  c.connection.setHost('192.168.1.');
  await c.connection.connect();
  assert.is(api.requests.length, 0);
  assert.match(plain(c.outcome.state.error!), /IP address or name/);
  c.connection.setHost('192.168.1.20');
  c.connection.setPort('99999');
  await c.connection.connect();
  assert.is(api.requests.length, 0);
  assert.match(plain(c.outcome.state.error!), /port/);
});

test('connected: the file list becomes the tree, and the status line says so', async () => {
  const { c } = await connected();
  assert.ok(c.files.state.tree);
  assert.is(c.files.state.tree!.tree.root.fileCount, 2);
  assert.is(c.files.state.share!.name, 'Shared');
  assert.match(plain(c.statusLine()), /Connected to 192\.168\.1\.20:5000 · 2 files shared/);
});

test('first contact: the trust prompt shows while connect waits, and the answer goes to the engine', async () => {
  const { api, c } = await setup();
  let finish!: () => void;
  api.handle('client.connect', () => new Promise((resolve) => (finish = () => resolve(clientState({ phase: 'awaiting-password' })))));
  api.handle('client.trust', () => clientState({ phase: 'connecting' }));
  c.connection.setHost('10.0.0.2');
  const connecting = c.connection.connect();
  api.emit('client.state', clientState({ phase: 'awaiting-trust', fingerprint: 'AA:BB', shortFingerprint: 'AABB' }));
  assert.is(c.connection.phase, 'awaiting-trust');
  assert.is(c.connection.state.connection!.fingerprint, 'AA:BB');
  assert.match(plain(c.statusLine()), /compare the fingerprint/);
  await c.connection.trust(true);
  assert.equal(api.sent('client.trust'), [{ accept: true }]);
  finish();
  await connecting;
  assert.is(c.connection.phase, 'awaiting-password');
});

test('declining trust ends the connect with a calm message, not the alarm', async () => {
  const { api, c } = await setup();
  api.fail('client.connect', 'PIN_UNKNOWN', 'unknown server 10.0.0.2:5000');
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.is(c.connection.state.pinAlert, null);
  assert.match(plain(c.outcome.state.error!), /not trusted/);
});

test('a changed certificate (PIN_MISMATCH) raises the alarm with the engine’s details', async () => {
  const { api, c } = await setup();
  api.fail('client.connect', 'PIN_MISMATCH', 'WARNING: the certificate of 10.0.0.2:5000 has CHANGED. Nothing was sent.');
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.match(plain(c.connection.state.pinAlert!), /has CHANGED/);
  assert.is(c.outcome.state.error, null);
  c.connection.dismissPinAlert();
  assert.is(c.connection.state.pinAlert, null);
});

test('login: a wrong password says so and keeps the password box; the right one lists files', async () => {
  const { api, c } = await setup();
  api.handle('client.connect', () => clientState({ phase: 'awaiting-password' }));
  c.connection.setHost('10.0.0.2');
  await c.connection.connect();
  assert.is(c.connection.phase, 'awaiting-password');
  assert.not.ok(await c.connection.login(''), 'an empty password is not sent');
  assert.is(api.sent('client.login').length, 0);
  api.fail('client.login', 'AUTH_FAILED', 'wrong password');
  assert.not.ok(await c.connection.login('nope'));
  assert.match(plain(c.outcome.state.error!), /Wrong password/);
  api.handle('client.login', () => clientState()).handle('client.list', () => listing);
  assert.ok(await c.connection.login('right'));
  assert.ok(c.files.state.tree);
  assert.is(c.outcome.state.error, null);
});

test('Download Selected needs a selection, a destination and a created sub-folder when ticked', async () => {
  const { api, c } = await connected({ downloadFolder: '' });
  assert.match(plain(c.downloads.downloadProblem()!), /Tick the files/);
  c.files.toggle(c.files.state.tree!.tree.nodes.findIndex((n) => n.path === 'docs'));
  assert.match(plain(c.downloads.downloadProblem()!), /Choose where to save/);
  (api as FakeNetcore).handle('client.download', () => summary());
  await c.downloads.download();
  assert.is(api.sent('client.download').length, 0, 'nothing is sent while a problem remains');
});

test('the destination comes from the folder dialog and is remembered', async () => {
  const { shell, c } = await connected({ downloadFolder: '' });
  shell.folderAnswers.push('/home/b/Downloads');
  await c.destination.chooseDestination();
  assert.is(c.destination.state.destination, '/home/b/Downloads');
  await settle();
  assert.is(JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!).downloadFolder, '/home/b/Downloads');
  shell.folderAnswers.push(null);
  await c.destination.chooseDestination();
  assert.is(c.destination.state.destination, '/home/b/Downloads', 'cancelling keeps the folder');
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
  api.emit('client.progress', progress({ currentPath: 'docs/b.txt', fileBytes: 5, fileSize: 10, doneBytes: 5, totalBytes: 10, filesTotal: 1, bytesPerSecond: 2048, etaSeconds: 3 }));
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
  assert.equal(c.downloads.state.renamed.map((f) => [f.path, f.savedAs]), [['docs/b?.txt', 'docs/b\uFF1F.txt']]);
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
    return summary({ ok: false, files: [{ path: 'a.bin', status: 'failed' }, { path: 'docs/b.txt', status: 'done' }] });
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

test('a warning from the server is shown prominently and notified; it can be dismissed', async () => {
  const { api, shell, c } = await connected();
  api.emit('client.warning', { text: 'Stop downloading movies', time: '2024-05-01T10:00:00.000Z' });
  assert.equal(c.chat.state.warnings.map((w) => w.text), ['Stop downloading movies']);
  assert.ok(shell.notifications.some((n) => n.body === 'Stop downloading movies'));
  c.chat.dismissWarning(0);
  assert.is(c.chat.state.warnings.length, 0);
});

test('chat: the screen keeps the conversation and counts what came while the window was closed', async () => {
  const { api, shell, c } = await connected();
  api.handle('client.chat.send', (p) => chat({ id: -1, from: 'client', text: p.text }));
  api.emit('client.chat', chat({ id: 7, from: 'server', text: 'hi there' }));
  api.emit('client.chat', chat({ id: 8, from: 'server', text: 'anyone?' }));
  assert.is(c.chat.state.unread, 2, '🔴 with two new messages');
  assert.equal(shell.notifications.filter((n) => /Message from the server/.test(n.title)).map((n) => n.body), ['hi there', 'anyone?']);
  c.chat.openChat();
  assert.is(c.chat.state.unread, 0, 'opening the window reads them');
  assert.is(api.requests.filter((r) => r.command.startsWith('client.chat')).length, 0, 'reading asks nothing of the engine');
  api.emit('client.chat', chat({ id: 9, from: 'server', text: 'still there?' }));
  assert.is(c.chat.state.unread, 0, 'an open window reads new messages');
  assert.ok(await c.chat.sendChat('  yes  '));
  assert.equal(c.chat.state.chat.map((m) => m.text), ['hi there', 'anyone?', 'still there?', 'yes']);
  c.chat.closeChat();
  api.emit('client.chat', chat({ id: 10, from: 'server', text: 'ok' }));
  assert.is(c.chat.state.unread, 1);
  api.handle('client.disconnect', () => clientState({ phase: 'disconnected' }));
  await c.connection.disconnect();
  assert.is(c.chat.state.chat.length, 5, 'the conversation can still be read after Disconnect');
  await c.connection.connect();
  assert.equal([c.chat.state.chat.length, c.chat.state.unread], [0, 0], 'a new connection starts a new conversation');
});

test('one banner for the whole screen: an error from one part is cleared by the next action of another', async () => {
  const { api, c } = await connected();
  api.fail('client.chat.send', 'CHAT_CLOSED', 'the chat is not connected');
  assert.not.ok(await c.chat.sendChat('hello'));
  assert.ok(c.outcome.state.error);
  c.destination.setSubfolderDraft('from-ana');
  assert.ok(c.destination.createSubfolder());
  assert.is(c.outcome.state.error, null);
  assert.match(plain(c.outcome.state.notice!), /from-ana/);
});

test('the server ending the session is explained; dispose stops listening', async () => {
  const { api, c } = await connected();
  api.emit('client.disconnected', { code: 'DISCONNECTED', message: 'disconnected by the server administrator' });
  assert.match(plain(c.outcome.state.error!), /server ended the connection: disconnected by the server administrator/);
  c.dispose();
  assert.is(api.listenerCount(), 0);
});

test.run();
