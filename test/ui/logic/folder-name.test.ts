// The sub-folder name for "Download into a new sub-folder".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { folderNameProblem, joinDestination } from '../../../resources/ui/src/logic/folder-name';

test('ordinary names pass, including non-Latin ones', () => {
  for (const name of ['from-ana', 'Photos 2024', 'عکس‌ها', 'a.b']) assert.is(folderNameProblem(name), null, name);
});

test('names no file system takes are refused with a reason', () => {
  assert.is(folderNameProblem(''), 'subfolder.problem.empty');
  assert.is(folderNameProblem('   '), 'subfolder.problem.empty');
  assert.is(folderNameProblem('..'), 'subfolder.problem.dots');
  assert.is(folderNameProblem('a/b'), 'subfolder.problem.characters');
  assert.is(folderNameProblem('a\\b'), 'subfolder.problem.characters');
  assert.is(folderNameProblem('what?'), 'subfolder.problem.characters');
  assert.is(folderNameProblem('tab\there'), 'subfolder.problem.characters');
  assert.is(folderNameProblem('CON'), 'subfolder.problem.reserved');
  assert.is(folderNameProblem('nul.txt'), 'subfolder.problem.reserved');
  assert.is(folderNameProblem('name.'), 'subfolder.problem.trailing');
  assert.is(folderNameProblem('x'.repeat(256)), 'subfolder.problem.long');
});

test('joinDestination uses the base path’s own separator', () => {
  assert.is(joinDestination('/home/b/Downloads', 'new'), '/home/b/Downloads/new');
  assert.is(joinDestination('/home/b/Downloads/', 'new'), '/home/b/Downloads/new');
  assert.is(joinDestination('C:\\Users\\b', 'new'), 'C:\\Users\\b\\new');
  assert.is(joinDestination('/x', null), '/x');
});

test.run();
