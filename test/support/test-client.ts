// The engine's own client, driven in this process: a connection that pins through a
// KnownServers file in a test folder, and a download with its own worker pool.
import { KnownServers } from '../../extensions/netcore/src/certs/known-servers';
import { ServerConnection, type ConnectOptions } from '../../extensions/netcore/src/client/connection';
import { Download, type DownloadOptions, type DownloadResult } from '../../extensions/netcore/src/client/download';
import type { FileEntry } from '../../extensions/netcore/src/protocol/messages';
import { WorkerPool } from '../../extensions/netcore/src/workers/pool';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { type FakePeer, type FakeServer, WelcomingServers } from './fake-server';
import { makeSubDir, makeTempDir, removeDir } from './temp-dir';
import { within } from './wait';

export interface ClientOptions {
  /** Where known-servers.json lives. */
  pinsDir: string;
  trustNew?: ConnectOptions['trustNew'];
  expectFingerprint?: string;
  password?: string;
  replyTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Connects to 127.0.0.1:`port` (trusting an unknown server unless told otherwise) and logs in. */
export async function connectClient(port: number, options: ClientOptions): Promise<ServerConnection> {
  const connection = await within(
    ServerConnection.open({
      address: { host: '127.0.0.1', port },
      pins: new KnownServers(options.pinsDir),
      displayName: 'integration test',
      trustNew: options.trustNew ?? (() => true),
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
      ...(options.expectFingerprint !== undefined ? { expectFingerprint: options.expectFingerprint } : {}),
    }),
    15_000,
    `connecting to 127.0.0.1:${port}`,
  );
  try {
    await within(connection.login(options.password), 15_000, 'logging in');
  } catch (err) {
    connection.destroy();
    throw err;
  }
  return connection;
}

/**
 * The connections one test file opens, each with a pins folder of its own under the
 * folder `parent()` names at connect time; closeAll() (after each test) ends them all.
 */
export class OpenClients {
  private readonly open: ServerConnection[] = [];

  constructor(private readonly parent: () => string) {}

  async connect(port: number, extra: Omit<ClientOptions, 'pinsDir'> = {}): Promise<ServerConnection> {
    const c = await connectClient(port, { pinsDir: await makeSubDir(this.parent(), 'pins'), ...extra });
    this.open.push(c);
    return c;
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.destroy();
  }
}

/** Runs one download with a pool of its own; the pool is closed whatever happens. */
export async function downloadInto(
  connection: ServerConnection,
  entries: FileEntry[],
  destination: string,
  extra: Partial<Omit<DownloadOptions, 'connection' | 'entries' | 'destination' | 'pool'>> = {},
  timeoutMs = 30_000,
): Promise<DownloadResult> {
  const pool = new WorkerPool();
  try {
    return await within(new Download({ connection, entries, destination, pool, ...extra }).run(), timeoutMs, 'the download');
  } finally {
    await pool.close();
  }
}

/**
 * What a test file of downloads from fake servers shares: each test gets a fresh folder with
 * an empty `dest` in it, and its fake servers and client connections are closed after it.
 */
export function fakeServerDownloads(suite: Test, label: string) {
  let base = '';
  let dest = '';
  const fakes = new WelcomingServers();
  const clients = new OpenClients(() => base);
  suite.before.each(async () => {
    base = await makeTempDir(label);
    dest = join(base, 'dest');
    await mkdir(dest);
  });
  suite.after.each(async () => {
    clients.closeAll();
    await fakes.closeAll();
    await removeDir(base);
  });
  return {
    /** The empty folder downloads go into. */
    dest: () => dest,
    /** A fake server following `script`; `welcome`: more fields for its WELCOME. */
    fake: (script: (peer: FakePeer) => Promise<void>, welcome?: object): Promise<FakeServer> => fakes.start(script, welcome),
    connect: (f: FakeServer): Promise<ServerConnection> => clients.connect(f.port, { replyTimeoutMs: 5_000 }),
  };
}
