// The Client screen's file list against a fake engine: the tree, the share's name and what the
// server leaves out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connected } from '../support/client-screen';
import { withoutIsolates as plain } from '../../support/isolates';

test('connected: the file list becomes the tree, and the status line says so', async () => {
  const { c } = await connected();
  assert.ok(c.files.state.tree);
  assert.is(c.files.state.tree!.tree.root.fileCount, 2);
  assert.is(c.files.state.share!.name, 'Shared');
  assert.match(plain(c.statusLine()), /Connected to 192\.168\.1\.20:5000 · 2 files shared/);
});

test.run();
