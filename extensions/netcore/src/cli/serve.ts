// `pss serve`: share until SIGINT/SIGTERM, printing the ready line and log entries.
import { shortFingerprint } from '../certs/certificate';
import { DEFAULT_MAX_CLIENTS } from '../constants';
import { join } from 'node:path';
import type { LogEntry } from '../logs/log-entry';
import { LOG_DIR_NAME } from '../logs/log-limits';
import { LogStore } from '../logs/log-store';
import { lanAddresses } from '../serving/lan-addresses';
import { startServer, type RunningServer } from '../host/start-server';
import { dataDirFrom, parse, passwordFromEnv, usage } from './shared';
import { out } from './output';

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw usage(`${name} must be a whole number`);
  return Number(value);
}

function printHuman(server: RunningServer): void {
  const hosts = lanAddresses(server.bind);
  const lines = [
    'Pro Secure Suite server is running.',
    `  Sharing      ${server.share.root} (${server.share.kind})`,
    `  Server IP    ${hosts.map((h) => `${h}:${server.mainPort}`).join(', ')}`,
    `  Chat port    ${server.chatPort}`,
    ...server.webAccess.map((w, i) => `  ${i === 0 ? 'Web access' : '          '}   ${w.url}`),
    `  Password     ${server.passwordRequired ? 'required' : 'not required'}`,
    `  Fingerprint  ${server.fingerprint256}`,
    `               (short form ${shortFingerprint(server.fingerprint256)})`,
    `  Clients connect with: pss get ${hosts[0]}:${server.mainPort} --all --fingerprint ${server.fingerprint256}`,
    'Press Ctrl+C to stop.',
  ];
  out(lines.join('\n') + '\n');
}

function printLog(entry: LogEntry, json: boolean): void {
  if (json) {
    out(JSON.stringify({ event: 'log', ...entry }) + '\n');
    return;
  }
  const who = entry.sessionId ? ` ${entry.address ?? ''} #${entry.sessionId}` : entry.address ? ` ${entry.address}` : '';
  out(`${entry.time} [${entry.category}]${who} ${entry.message}\n`);
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    port: { type: 'string' },
    'web-port': { type: 'string' },
    'max-clients': { type: 'string' },
    'password-env': { type: 'string' },
    'data-dir': { type: 'string' },
    bind: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw usage('name exactly one folder or file to share');
  const json = values.json === true;
  const password = passwordFromEnv(values['password-env']);
  const port = intOption(values.port, '--port', 5000);
  const maxClients = intOption(values['max-clients'], '--max-clients', DEFAULT_MAX_CLIENTS);
  const webPort = values['web-port'] === undefined ? undefined : intOption(values['web-port'], '--web-port', 0);
  // Listen for the stop signal before anything is printed: a script may send it as soon
  // as it reads the ready line.
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const dataDir = await dataDirFrom(values['data-dir']);
  // The ready line comes first (scripts wait for it); entries logged while starting wait.
  let early: LogEntry[] | undefined = [];
  // The same log the desktop app keeps: in memory and in the data directory's logs/ folder.
  const logs = new LogStore({ dir: join(dataDir, LOG_DIR_NAME) });
  logs.subscribe((entry) => (early ? early.push(entry) : printLog(entry, json)));
  const server = await startServer({
    sharePath: positionals[0]!,
    dataDir,
    port,
    maxClients,
    ...(webPort !== undefined ? { webPort } : {}),
    ...(values.bind ? { bind: values.bind } : {}),
    ...(password !== undefined ? { password } : {}),
    log: logs.sink,
  }).catch(async (err) => {
    await logs.close();
    throw err;
  });
  if (json) {
    out(
      JSON.stringify({
        event: 'ready',
        mainPort: server.mainPort,
        chatPort: server.chatPort,
        webPort: server.webPort,
        webUrls: server.webAccess.map((w) => w.url),
        fingerprint: server.fingerprint256,
        bind: server.bind,
        addresses: lanAddresses(server.bind),
        share: server.share.root,
        shareKind: server.share.kind,
        passwordRequired: server.passwordRequired,
      }) + '\n',
    );
  } else {
    printHuman(server);
  }
  for (const entry of early) printLog(entry, json);
  early = undefined;
  await stop;
  await server.close();
  await logs.close();
  if (json) out(JSON.stringify({ event: 'stopped' }) + '\n');
  return 0;
}
