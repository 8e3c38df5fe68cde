// Where the app meets its host: Neutralino's globals, the netcore client over the extension
// IPC, the shell, and a clean exit when the window closes. Tests build the same pieces from
// fakes instead.
import { init } from '@neutralinojs/lib';
import type { NetcoreApi } from '../../../../extensions/netcore/src/contract';
import { createNetcoreClient } from '../ipc/netcore-client';
import { exitAfterNetcoreOnWindowClose, neutralinoTransport } from '../ipc/neutralino-transport';
import { neutralinoShell } from './neutralino-shell';
import type { Shell } from './shell';

export interface Host {
  api: NetcoreApi;
  shell: Shell;
}

export function connectHost(): Host {
  init();
  const api = createNetcoreClient(neutralinoTransport());
  exitAfterNetcoreOnWindowClose();
  return { api, shell: neutralinoShell() };
}
