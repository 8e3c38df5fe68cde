// The test page's script: the real @neutralinojs/lib and the UI's netcore client, as the
// desktop UI uses them, exposed on window.pss for the test to drive.
import * as Neutralino from '@neutralinojs/lib';
import { createNetcoreClient } from '../../../../resources/ui/src/ipc/netcore-client';
import { exitAfterNetcoreOnWindowClose, neutralinoTransport } from '../../../../resources/ui/src/ipc/neutralino-transport';

Neutralino.init();
const events = [];
const problems = [];
const client = createNetcoreClient(neutralinoTransport(), { onProblem: (p) => problems.push(p) });
client.onAny((event, payload) => events.push({ event, payload }));
exitAfterNetcoreOnWindowClose(5_000);
window.pss = { Neutralino, client, events, problems };
document.body.dataset.ready = 'true';
