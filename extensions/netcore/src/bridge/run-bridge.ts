// `netcore --neutralino`: the extension process of the desktop app. Reads Neutralino's
// start-up data, connects, serves the UI through the core, and ends itself when the app goes
// away: the socket closes, the window asks to close, the parent process is gone, or a
// signal comes. Neutralino never stops an extension, so every path ends in an exit here.
import { Core } from '../core/core';
import { defaultAppDir, ensureDataDir, resolveDataDir } from '../data-dir';
import { PRODUCT_VERSION } from '../constants';
import { Bridge } from './bridge';
import { BridgeLog } from './bridge-log';
import { connectNeutralino, type NeutralinoSocket } from './neutralino-socket';
import { watchParent } from './parent-watch';
import { readHandshake } from './stdin-handshake';

/** The core gets this long to close its server and client cleanly. */
const SHUTDOWN_GRACE_MS = 8_000;

/** Runs the bridge until the app goes away; resolves with the exit status. */
export async function runBridge(): Promise<number> {
  let log: BridgeLog;
  let dataDir: string;
  try {
    dataDir = await ensureDataDir(resolveDataDir({ env: process.env, appDir: defaultAppDir() }));
    log = new BridgeLog(dataDir);
  } catch (err) {
    process.stderr.write(`netcore: ${(err as Error).message}\n`);
    return 1;
  }
  log.info('netcore is starting as the Neutralino extension', { pid: process.pid, ppid: process.ppid, version: PRODUCT_VERSION });

  let stopWith: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stopWith = resolve));
  const parent = watchParent((reason) => stopWith(reason));
  const onSignal = (signal: NodeJS.Signals) => stopWith(`received ${signal}`);
  process.once('SIGTERM', onSignal).once('SIGINT', onSignal);
  process.on('uncaughtException', (err) => {
    log.error('netcore crashed', { error: String(err?.stack ?? err) });
    log.close();
    process.exit(1);
  });

  // Starting up gives way to a stop that comes meanwhile (the process exits right after).
  const abandoned = stopped.then((reason) => Promise.reject(new Error(`stopped while starting: ${reason}`)));
  abandoned.catch(() => undefined);
  let socket: NeutralinoSocket | undefined;
  let core: Core | undefined;
  try {
    const handshake = await Promise.race([readHandshake(process.stdin), abandoned]);
    const connecting = connectNeutralino(handshake, {
      onRetry: (attempt, err) => log.warn('connecting to Neutralino failed; trying again', { attempt, error: err.message }),
    });
    socket = await Promise.race([connecting, abandoned]);
    const s = socket;
    const bridge = new Bridge({
      broadcast: (event, data) => s.call('app.broadcast', { event, data }),
      target: { handle: (command, payload) => core!.handle(command, payload) },
      log,
      onWindowClose: () => stopWith('the window was closed'),
    });
    core = new Core({ dataDir, emit: bridge.emit });
    s.onEvent((e) => bridge.receive(e));
    s.onNativeError((e) => log.warn('Neutralino refused a call', { ...e }));
    void s.closed.then(({ code }) => stopWith(`the connection to Neutralino closed (${code})`));
    log.info('connected to Neutralino', { port: handshake.port, extensionId: handshake.extensionId, pid: process.pid, watching: parent.pids });
  } catch (err) {
    log.error('netcore could not start', { error: (err as Error).message });
    parent.stop();
    await socket?.close();
    log.close();
    return 1;
  }

  const reason = await stopped;
  log.info('netcore is stopping', { reason });
  parent.stop();
  let status = 0;
  const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), SHUTDOWN_GRACE_MS).unref());
  try {
    if ((await Promise.race([core.close().then(() => 'closed' as const), grace])) === 'late') {
      log.warn('the core did not close in time', { graceMs: SHUTDOWN_GRACE_MS });
      status = 1;
    }
  } catch (err) {
    log.error('closing the core failed', { error: String((err as Error)?.stack ?? err) });
    status = 1;
  }
  await socket.close();
  log.info('netcore stopped', { status });
  log.close();
  return status;
}
