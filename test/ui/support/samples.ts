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
