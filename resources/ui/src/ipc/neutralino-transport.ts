// The NetcoreTransport of the desktop app: Neutralino's extension IPC through
// @neutralinojs/lib. Requests go out with extensions.dispatch (the library holds them until
// netcore has connected); netcore's app.broadcast messages arrive as window events.
// Call Neutralino's init() once before using it.
import { app, events, extensions } from '@neutralinojs/lib';
import { NETCORE_EXTENSION_ID } from '../../../../extensions/netcore/src/ipc';
import type { NetcoreTransport } from './netcore-client';

export function neutralinoTransport(extensionId = NETCORE_EXTENSION_ID): NetcoreTransport {
  return {
    async send(event, data) {
      await extensions.dispatch(extensionId, event, data);
    },
    listen(event, handler) {
      const listener = (e: CustomEvent) => handler(e.detail);
      void events.on(event, listener);
      return () => void events.off(event, listener);
    },
  };
}

/**
 * With exitProcessOnClose false, closing the window only sends windowClose: netcore then
 * closes its server and client cleanly and disconnects, and this exits the app once it has
 * (or after `graceMs`, or at once when netcore is not connected). Returns the unsubscriber.
 */
export function exitAfterNetcoreOnWindowClose(graceMs = 10_000, extensionId = NETCORE_EXTENSION_ID): () => void {
  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    void app.exit();
  };
  const onDisconnect = (e: CustomEvent) => {
    if (e.detail === extensionId) exit();
  };
  const onWindowClose = async () => {
    void events.on('extClientDisconnect', onDisconnect);
    setTimeout(exit, graceMs);
    try {
      const stats = await extensions.getStats();
      if (!stats.connected.includes(extensionId)) exit();
    } catch {
      exit();
    }
  };
  void events.on('windowClose', onWindowClose);
  return () => {
    void events.off('windowClose', onWindowClose);
    void events.off('extClientDisconnect', onDisconnect);
  };
}
