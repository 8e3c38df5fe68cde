// Puts a running server together from its settings: identity, share, password and the
// main port. The CLI and the desktop core both start servers through here.
import { DEFAULT_BIND_ADDRESS, DEFAULT_MAIN_PORT, MAX_MAX_CLIENTS } from '../constants';
import { loadOrCreateIdentity } from '../certs/certificate';
import { ErrorCode, PssError } from '../errors';
import type { LogSink } from '../logs/log-entry';
import { LogCategory, makeEntry } from '../logs/log-entry';
import { WorkerPool } from '../workers/pool';
import { DEFAULT_THROTTLE, LoginThrottle, PasswordVerifier, type ThrottleOptions } from './auth';
import { FileServer } from './file-server';
import type { ServerTimeouts } from './server-context';
import { Share } from './share';

export interface ServerSettings {
  sharePath: string;
  dataDir: string;
  port?: number;
  bind?: string;
  maxClients: number;
  /** Clear text only long enough to hash it. */
  password?: string;
  log: LogSink;
  throttle?: Partial<ThrottleOptions>;
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningServer {
  mainPort: number;
  /** Not served yet: the chat and web ports arrive with their own services. */
  chatPort: number | null;
  webPort: number | null;
  bind: string;
  fingerprint256: string;
  share: Share;
  passwordRequired: boolean;
  files: FileServer;
  close(): Promise<void>;
}

export async function startServer(settings: ServerSettings): Promise<RunningServer> {
  const { maxClients } = settings;
  if (!Number.isInteger(maxClients) || maxClients < 1 || maxClients > MAX_MAX_CLIENTS) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, `max clients must be a whole number from 1 to ${MAX_MAX_CLIENTS}`);
  }
  const port = settings.port ?? DEFAULT_MAIN_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PssError(ErrorCode.BAD_ARGUMENT, `not a port: ${port}`);
  if (settings.password !== undefined && settings.password.length === 0) {
    throw new PssError(ErrorCode.BAD_ARGUMENT, 'the password is empty');
  }
  const share = await Share.open(settings.sharePath, settings.dataDir);
  const identity = await loadOrCreateIdentity(settings.dataDir);
  const password = settings.password === undefined ? undefined : await PasswordVerifier.create(settings.password);
  const pool = new WorkerPool();
  const bind = settings.bind ?? DEFAULT_BIND_ADDRESS;
  const throttle = settings.throttle ? new LoginThrottle({ ...DEFAULT_THROTTLE, ...settings.throttle }) : new LoginThrottle();
  const files = new FileServer({
    share,
    certPem: identity.certPem,
    keyPem: identity.keyPem,
    maxClients,
    ...(password ? { password } : {}),
    throttle,
    pool,
    log: settings.log,
    ...(settings.timeouts ? { timeouts: settings.timeouts } : {}),
  });
  let mainPort: number;
  try {
    mainPort = await files.listen(port, bind);
  } catch (err) {
    await pool.close();
    throw err;
  }
  settings.log(makeEntry(LogCategory.SERVER_STATUS, `server started on ${bind}:${mainPort}, sharing ${share.root}`));
  let closing: Promise<void> | undefined;
  return {
    mainPort,
    chatPort: null,
    webPort: null,
    bind,
    fingerprint256: identity.fingerprint256,
    share,
    passwordRequired: password !== undefined,
    files,
    close() {
      closing ??= (async () => {
        await files.close();
        await pool.close();
        settings.log(makeEntry(LogCategory.SERVER_STATUS, 'server stopped'));
      })();
      return closing;
    },
  };
}
