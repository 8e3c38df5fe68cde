// The Client screen's controllers on a fake engine and shell, for the controller tests:
// a share of two files, a download summary, and a screen already connected to it.
import type { DownloadSummary } from '../../../extensions/netcore/src/contract';
import { ClientController } from '../../../resources/ui/src/controllers/client-controller';
import { SettingsStore } from '../../../resources/ui/src/controllers/settings-store';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { FakeNetcore } from './fake-netcore';
import { FakeShell } from './fake-shell';
import { clientState } from './samples';

export const listing = {
  share: { kind: 'directory' as const, name: 'Shared' },
  entries: [
    { path: 'a.bin', size: 100, mtimeMs: 1 },
    { path: 'docs/b.txt', size: 10, mtimeMs: 1 },
  ],
  notShared: { link: 2, unreadable: 1 },
};

export function summary(over: Partial<DownloadSummary> = {}): DownloadSummary {
  return { ok: true, cancelled: false, files: [{ path: 'a.bin', status: 'done' }], bytes: 100, durationMs: 10, destination: '/dl', ...over };
}

/** A Client screen with `stored` as the remembered settings. */
export async function setup(stored?: object) {
  const api = new FakeNetcore();
  const shell = new FakeShell();
  if (stored) shell.storage.set(SETTINGS_STORAGE_KEY, JSON.stringify(stored));
  const settings = await SettingsStore.load(shell);
  const c = new ClientController(api, shell, settings);
  return { api, shell, c };
}

/** A Client screen connected to 192.168.1.20 and showing `listing`, saving to /dl. */
export async function connected(stored?: object) {
  const t = await setup({ downloadFolder: '/dl', ...stored });
  t.api.handle('client.connect', () => clientState()).handle('client.list', () => listing);
  t.c.connection.setHost('192.168.1.20');
  await t.c.connection.connect();
  return t;
}
