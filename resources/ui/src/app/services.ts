// What every controller is built from: the engine, the shell and the remembered settings.
import type { NetcoreApi } from '../../../../extensions/netcore/src/contract';
import { SettingsStore } from '../controllers/settings-store';
import type { Shell } from './shell';

export interface Services {
  api: NetcoreApi;
  shell: Shell;
  settings: SettingsStore;
}

export async function createServices(api: NetcoreApi, shell: Shell): Promise<Services> {
  return { api, shell, settings: await SettingsStore.load(shell) };
}
