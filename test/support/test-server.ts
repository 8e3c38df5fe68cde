// A real server in this process, on 127.0.0.1 and a free port, with its own data folder
// and every log entry kept for assertions.
import type { EventName, Events, LogEntry } from '../../extensions/netcore/src/contract';
import type { AdmissionLimits } from '../../extensions/netcore/src/serving/admission';
import type { ThrottleOptions } from '../../extensions/netcore/src/serving/auth';
import type { ServerTimeouts } from '../../extensions/netcore/src/main-port/server-context';
import type { WebTimeouts } from '../../extensions/netcore/src/web/web-context';
import { startServer, type RunningServer } from '../../extensions/netcore/src/host/start-server';
import { makeTempDir, removeDir } from './temp-dir';

export interface TestServerOptions {
  sharePath: string;
  /** A folder of its own is made (and removed on close) when this is left out. */
  dataDir?: string;
  port?: number;
  password?: string;
  maxClients?: number;
  throttle?: Partial<ThrottleOptions>;
  admission?: Partial<AdmissionLimits>;
  timeouts?: Partial<ServerTimeouts>;
  webTimeouts?: Partial<WebTimeouts>;
}

export interface TestServer {
  server: RunningServer;
  port: number;
  /** The web port (HTTPS for browsers). */
  webPort: number;
  dataDir: string;
  logs: LogEntry[];
  /** Every session and chat event the server emitted, in order. */
  events: Array<{ [E in EventName]: { event: E; payload: Events[E] } }[EventName]>;
  /** Idempotent; removes the data folder when the helper made it. */
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir('server-data'));
  const logs: LogEntry[] = [];
  const events: TestServer['events'] = [];
  let server: RunningServer;
  try {
    server = await startServer({
      sharePath: options.sharePath,
      dataDir,
      port: options.port ?? 0,
      bind: '127.0.0.1',
      maxClients: options.maxClients ?? 10,
      log: (entry) => logs.push(entry),
      events: (event, payload) => events.push({ event, payload } as TestServer['events'][number]),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.throttle ? { throttle: options.throttle } : {}),
      ...(options.admission ? { admission: options.admission } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.webTimeouts ? { webTimeouts: options.webTimeouts } : {}),
    });
  } catch (err) {
    if (ownDataDir) await removeDir(dataDir);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    server,
    port: server.mainPort,
    webPort: server.webPort!,
    dataDir,
    logs,
    events,
    close() {
      closing ??= (async () => {
        await server.close();
        if (ownDataDir) await removeDir(dataDir);
      })();
      return closing;
    },
  };
}
