// The real app (every view and component) in a test page, on a FakeNetcore and FakeShell
// instead of Neutralino. The test drives it through `window.pssTest`.
import type { FileEntry, LogEntry } from '../../../extensions/netcore/src/contract';
import { adoptThemeTokens, mountApp } from '../../../resources/ui/src/app/mount';
import { stoppedStatus } from '../../../resources/ui/src/controllers/server-control-controller';
import { FakeNetcore } from './fake-netcore';
import { FakeShell } from './fake-shell';
import { clientState, serverStatus, session } from './samples';

/** A QR-like SVG with a script that must never run (it is drawn as an image). */
const QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8" shape-rendering="crispEdges"><script>window.qrScriptRan = true</script>' +
  '<rect width="8" height="8" fill="#fff"/><path d="M0 0h3v3H0zM5 0h3v3H5zM0 5h3v3H0zM4 4h1v1H4zM6 5h1v2H6z" fill="#000"/></svg>';

function files(count: number): FileEntry[] {
  const out: FileEntry[] = [];
  for (let i = 0; i < count; i++)
    out.push({ path: `folder${String(Math.floor(i / 1000)).padStart(3, '0')}/file${String(i).padStart(6, '0')}.bin`, size: 1000 + i, mtimeMs: 0 });
  out.push({ path: 'readme.txt', size: 1234, mtimeMs: 0 });
  // Looks like "reportexe.pdf" when the override is obeyed.
  out.push({ path: 'report\u202Efdp.exe', size: 4321, mtimeMs: 0 });
  return out;
}

function logs(count: number): LogEntry[] {
  const categories: LogEntry['category'][] = [
    'Server Status',
    'Connection',
    'Authentication',
    'File Transfer',
    'Chat',
    'Security',
    'Security Alert',
    'Error',
    'Web',
  ];
  const out: LogEntry[] = [];
  for (let i = count - 1; i >= 0; i--) {
    out.push({
      time: new Date(Date.UTC(2024, 4, 1, 8, 0, 0) + i * 1000).toISOString(),
      category: categories[i % categories.length]!,
      address: `192.168.1.${(i % 200) + 2}`,
      message: `event number ${i}`,
    });
  }
  return out;
}

async function boot(): Promise<void> {
  // The font loads beside the app, as in main.ts.
  void adoptThemeTokens();
  const api = new FakeNetcore();
  const shell = new FakeShell();
  const running = serverStatus({
    addresses: ['192.168.1.20', '10.0.0.4'],
    fingerprint: '3A:7F:09:B2:55:E1:D0:C4:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:12:34:56:78:9A:BC:DE:F0',
    shortFingerprint: '3A7F 09B2 55E1 D0C4',
    sessions: 3,
    notShared: { link: 2, unreadable: 1 },
    webAccess: [{ url: 'https://192.168.1.20:5002/', qrText: 'https://192.168.1.20:5002/#fp', qrSvg: QR_SVG }],
  });
  const sessions = [
    session({
      id: 's1',
      name: 'laptop-ana',
      address: '192.168.1.31',
      status: 'downloading',
      currentFile: 'Photos/2024/beach.jpg',
      progress: 62,
      bytesPerSecond: 48_500_000,
      unread: 2,
    }),
    session({ id: 's2', name: 'desk-bob', address: '192.168.1.44', connectedAt: '2024-05-01T10:02:00.000Z' }),
    session({ id: 's3', kind: 'web', name: '192.168.1.50', address: '192.168.1.50', connectedAt: '2024-05-01T10:03:00.000Z', chatReady: false }),
  ];
  api
    .handle('server.status', () => stoppedStatus)
    .handle('server.start', () => running)
    .handle('server.stop', () => stoppedStatus)
    .handle('server.pause', () => ({ ...running, state: 'paused' }))
    .handle('server.resume', () => running)
    .handle('server.sessions', () => sessions)
    .handle('session.warn', () => undefined)
    .handle('session.disconnect', () => undefined)
    .handle('chat.history', ({ sessionId }) => [
      { id: 1, sessionId, from: 'client', text: 'Hello! Can you share the 2024 photos?', time: '2024-05-01T10:04:00.000Z' },
    ])
    .handle('chat.markRead', () => ({ unread: 0, totalUnread: 0 }))
    .handle('chat.send', ({ sessionId, text }) => ({ id: 99, sessionId, from: 'server', text, time: '2024-05-01T10:05:00.000Z' }))
    .handle('logs.query', () => logs(20_000))
    .handle('logs.export', (p) => ({ path: p.filePath, rows: 20_000, bytes: 1 }))
    .handle('client.connect', () => clientState())
    .handle('client.list', () => ({ share: { kind: 'directory', name: 'Shared' }, entries: files(100_000), notShared: { link: 2, special: 1 } }))
    .handle('client.disconnect', () => clientState({ phase: 'disconnected' }));
  shell.folderAnswers.push('/home/ana/Shared', '/home/bob/Downloads');
  // ?lang=fa starts the app with that language remembered, as after choosing it in the launcher.
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) shell.storage.set('pss-settings', JSON.stringify({ language: lang }));
  const app = await mountApp(api, shell);
  Object.assign(window, { pssTest: { api, shell, app, clientState, running } });
}

boot().catch((err: unknown) => {
  // The test that loads the page reads this instead of waiting for an app that never came.
  document.body.textContent = `boot failed: ${String(err)}`;
});
