// Contract values for UI tests, complete and realistic, with only what a test cares about
// to override.
import type { ChatMessage, ClientState, ServerStatus, SessionInfo, TransferProgress } from '../../../extensions/netcore/src/contract';

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id: 's1',
    kind: 'desktop',
    address: '192.168.1.31',
    name: 'laptop-ana',
    connectedAt: '2024-05-01T10:00:00.000Z',
    status: 'idle',
    currentFile: null,
    progress: 0,
    bytesSent: 0,
    bytesPerSecond: 0,
    chatReady: true,
    unread: 0,
    ...over,
  };
}

export function serverStatus(over: Partial<ServerStatus> = {}): ServerStatus {
  return {
    state: 'running',
    mainPort: 5000,
    chatPort: 5001,
    webPort: 5002,
    addresses: ['192.168.1.20'],
    fingerprint: 'AB:CD:EF',
    shortFingerprint: 'ABCD EF',
    share: { path: '/home/ana/Shared', kind: 'directory' },
    passwordRequired: false,
    maxClients: 10,
    sessions: 0,
    webAccess: [],
    notShared: {},
    ...over,
  };
}

export function clientState(over: Partial<ClientState> = {}): ClientState {
  return {
    phase: 'connected',
    server: '192.168.1.20:5000',
    fingerprint: 'AB:CD:EF',
    shortFingerprint: 'ABCD EF',
    canRetry: false,
    chatReady: true,
    ...over,
  };
}

export function chat(over: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 1, sessionId: 's1', from: 'client', text: 'hello', time: '2024-05-01T10:01:00.000Z', ...over };
}

export function progress(over: Partial<TransferProgress> = {}): TransferProgress {
  return {
    currentPath: 'a.bin',
    fileBytes: 0,
    fileSize: 100,
    doneBytes: 0,
    totalBytes: 100,
    filesDone: 0,
    filesTotal: 1,
    bytesPerSecond: 0,
    etaSeconds: null,
    ...over,
  };
}

/** A web visitor downloading a file whose name carries a right-to-left override. */
export const spoofedWebSession: SessionInfo = session({
  id: 's3',
  kind: 'web',
  address: '192.168.1.50',
  name: '192.168.1.50',
  connectedAt: '2024-05-01T10:03:00.000Z',
  status: 'downloading',
  currentFile: 'invoices/report\u202Efdp.exe',
  progress: 40,
  bytesPerSecond: 1_000_000,
  chatReady: false,
});

/** Far into a download of 100,000 files and 100 GiB, with the longest figures a screen shows. */
export const bigDownloadProgress: TransferProgress = progress({
  currentPath: 'folder042/file042123.bin',
  fileBytes: 700,
  fileSize: 1000,
  doneBytes: 42 * 1024 ** 3,
  totalBytes: 100 * 1024 ** 3,
  filesDone: 42123,
  filesTotal: 100000,
  bytesPerSecond: 150 * 1024 ** 2,
  etaSeconds: 396,
});
