// Catalog keys for the engine's enumerations, so categories and states are translated too.
import type { ClientPhase, LogCategory, ServerState, SessionStatus } from '../../../../extensions/netcore/src/contract';
import { t, type MessageKey } from './i18n';

const CATEGORY_KEYS: Record<LogCategory, MessageKey> = {
  'Server Status': 'category.serverStatus',
  Connection: 'category.connection',
  Authentication: 'category.authentication',
  'File Transfer': 'category.fileTransfer',
  Chat: 'category.chat',
  Security: 'category.security',
  'Security Alert': 'category.securityAlert',
  Error: 'category.error',
  Web: 'category.web',
};

/** Every category, in the order the filter shows them. */
export const LOG_CATEGORY_ORDER = Object.keys(CATEGORY_KEYS) as LogCategory[];

export function categoryLabel(category: LogCategory): string {
  const key = CATEGORY_KEYS[category];
  return key ? t(key) : category;
}

const SESSION_STATUS_KEYS: Record<SessionStatus, MessageKey> = {
  authenticating: 'sessionStatus.authenticating',
  idle: 'sessionStatus.idle',
  downloading: 'sessionStatus.downloading',
  paused: 'sessionStatus.paused',
  disconnected: 'sessionStatus.disconnected',
};

export function sessionStatusLabel(status: SessionStatus): string {
  return t(SESSION_STATUS_KEYS[status]);
}

const SERVER_STATE_KEYS: Record<ServerState, MessageKey> = {
  stopped: 'serverState.stopped',
  starting: 'serverState.starting',
  running: 'serverState.running',
  paused: 'serverState.paused',
  stopping: 'serverState.stopping',
};

export function serverStateLabel(state: ServerState): string {
  return t(SERVER_STATE_KEYS[state]);
}

const PHASE_KEYS: Record<ClientPhase, MessageKey> = {
  disconnected: 'phase.disconnected',
  connecting: 'phase.connecting',
  'awaiting-trust': 'phase.awaitingTrust',
  'awaiting-password': 'phase.awaitingPassword',
  connected: 'phase.connected',
  downloading: 'phase.downloading',
};

export function phaseLabel(phase: ClientPhase): string {
  return t(PHASE_KEYS[phase]);
}
