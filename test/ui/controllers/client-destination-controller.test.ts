// The Client screen's Save Destination: the folder dialog, remembered, and the sub-folder's check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SETTINGS_STORAGE_KEY } from '../../../resources/ui/src/logic/settings';
import { connected } from '../support/client-screen';
import { settle } from '../support/fake-netcore';

test('the destination comes from the folder dialog and is remembered', async () => {
  const { shell, c } = await connected({ downloadFolder: '' });
  shell.folderAnswers.push('/home/b/Downloads');
  await c.destination.chooseDestination();
  assert.is(c.destination.state.destination, '/home/b/Downloads');
  await settle();
  assert.is(JSON.parse(shell.storage.get(SETTINGS_STORAGE_KEY)!).downloadFolder, '/home/b/Downloads');
  shell.folderAnswers.push(null);
  await c.destination.chooseDestination();
  assert.is(c.destination.state.destination, '/home/b/Downloads', 'cancelling keeps the folder');
});

test.run();
