// Available Files: the tree built from the flat list, tri-state check boxes, Select All, the
// filter, open/closed folders, and the paths a selection sends to client.download.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileEntry } from '../../../extensions/netcore/src/contract';
import { FileTree, TreeSelection } from '../../../resources/ui/src/logic/file-tree';

const entries: FileEntry[] = [
  { path: 'notes.txt', size: 10, mtimeMs: 1 },
  { path: 'Photos/2024/a.jpg', size: 100, mtimeMs: 5 },
  { path: 'Photos/2024/b.jpg', size: 200, mtimeMs: 6 },
  { path: 'Photos/2023/c.jpg', size: 300, mtimeMs: 3 },
  { path: 'Photos/readme.md', size: 5, mtimeMs: 2 },
  { path: 'docs/report.pdf', size: 50, mtimeMs: 4 },
];

function make(): TreeSelection {
  return new TreeSelection(FileTree.fromEntries(entries));
}

function indexOf(sel: TreeSelection, path: string): number {
  const i = sel.tree.nodes.findIndex((n) => n.path === path);
  if (i < 0) throw new Error(`no node ${path}`);
  return i;
}

function openAll(sel: TreeSelection): void {
  sel.tree.nodes.forEach((n, i) => {
    if (n.isDir) sel.setExpanded(i, true);
  });
}

function visiblePaths(sel: TreeSelection): string[] {
  return sel.rows().map((r) => r.node.path);
}

test('folders come from the paths, with sizes and counts summed, folders before files', () => {
  const sel = make();
  const root = sel.tree.root;
  assert.is(root.fileCount, 6);
  assert.is(root.size, 665);
  const photos = sel.tree.nodes[indexOf(sel, 'Photos')]!;
  assert.is(photos.fileCount, 4);
  assert.is(photos.size, 605);
  assert.is(photos.mtimeMs, 6);
  assert.equal(visiblePaths(sel), ['docs', 'Photos', 'notes.txt'], 'closed folders, sorted case-insensitively, folders first');
  openAll(sel);
  assert.equal(visiblePaths(sel), [
    'docs',
    'docs/report.pdf',
    'Photos',
    'Photos/2023',
    'Photos/2023/c.jpg',
    'Photos/2024',
    'Photos/2024/a.jpg',
    'Photos/2024/b.jpg',
    'Photos/readme.md',
    'notes.txt',
  ]);
  assert.is(sel.rows()[3]!.level, 2);
});

test('checking a file makes its folders mixed; checking all of them makes them checked', () => {
  const sel = make();
  sel.toggle(indexOf(sel, 'Photos/2024/a.jpg'));
  assert.is(sel.checkState(indexOf(sel, 'Photos/2024')), 'mixed');
  assert.is(sel.checkState(indexOf(sel, 'Photos')), 'mixed');
  assert.is(sel.allState, 'mixed');
  sel.toggle(indexOf(sel, 'Photos/2024/b.jpg'));
  assert.is(sel.checkState(indexOf(sel, 'Photos/2024')), 'checked');
  assert.is(sel.checkState(indexOf(sel, 'Photos')), 'mixed');
  assert.is(sel.checkState(indexOf(sel, 'docs')), 'unchecked');
});

test('a folder click checks everything below it, and a second click clears it', () => {
  const sel = make();
  const photos = indexOf(sel, 'Photos');
  sel.toggle(indexOf(sel, 'Photos/2023/c.jpg'));
  sel.toggle(photos);
  assert.is(sel.checkState(photos), 'checked', 'a mixed folder becomes fully checked');
  assert.is(sel.selectedPaths().files, 4);
  sel.toggle(photos);
  assert.is(sel.checkState(photos), 'unchecked');
  assert.is(sel.selectedPaths().files, 0);
});

test('the selection becomes the fewest paths: whole folders where complete, files otherwise', () => {
  const sel = make();
  sel.toggle(indexOf(sel, 'Photos/2024'));
  sel.toggle(indexOf(sel, 'Photos/2023/c.jpg'));
  sel.toggle(indexOf(sel, 'notes.txt'));
  const s = sel.selectedPaths();
  assert.equal(s.paths, ['Photos/2023', 'Photos/2024', 'notes.txt']);
  assert.is(s.all, false);
  assert.is(s.files, 4);
  assert.is(s.bytes, 610);
  sel.toggle(indexOf(sel, 'Photos/readme.md'));
  assert.equal(sel.selectedPaths().paths, ['Photos', 'notes.txt'], 'a complete folder is one path');
});

test('Select All checks every file (paths [] means everything) and clears them again', () => {
  const sel = make();
  sel.toggleAll();
  assert.is(sel.allState, 'checked');
  assert.equal(sel.selectedPaths(), { paths: [], all: true, files: 6, bytes: 665 });
  sel.toggleAll();
  assert.is(sel.allState, 'unchecked');
  assert.equal(sel.selectedPaths(), { paths: [], all: false, files: 0, bytes: 0 }, 'nothing chosen is not "everything"');
});

test('the filter shows matches with their folders open; Select All and folder clicks touch only matches', () => {
  const sel = make();
  sel.setFilter('JPG');
  assert.equal(visiblePaths(sel), ['Photos', 'Photos/2023', 'Photos/2023/c.jpg', 'Photos/2024', 'Photos/2024/a.jpg', 'Photos/2024/b.jpg']);
  assert.is(sel.matchingFiles, 3);
  sel.toggleAll();
  assert.is(sel.allState, 'checked', 'every shown file is checked');
  assert.equal(sel.selectedPaths().paths, ['Photos/2023', 'Photos/2024'], 'readme.md was hidden and stays unchecked');
  sel.setFilter('');
  assert.is(sel.checkState(indexOf(sel, 'Photos')), 'mixed', 'without the filter the folder is partly chosen');
  assert.is(sel.allState, 'mixed');
});

test('files hidden by the filter keep their check marks', () => {
  const sel = make();
  sel.toggle(indexOf(sel, 'notes.txt'));
  sel.setFilter('2024');
  assert.equal(visiblePaths(sel), ['Photos', 'Photos/2024', 'Photos/2024/a.jpg', 'Photos/2024/b.jpg']);
  assert.is(sel.allState, 'unchecked', 'Select All speaks for what is shown');
  sel.toggle(indexOf(sel, 'Photos'));
  assert.equal(sel.selectedPaths().paths, ['Photos/2024', 'notes.txt']);
});

test('folders can be closed while filtering, and the filter resets that', () => {
  const sel = make();
  sel.setFilter('jpg');
  sel.setExpanded(indexOf(sel, 'Photos/2024'), false);
  assert.equal(visiblePaths(sel), ['Photos', 'Photos/2023', 'Photos/2023/c.jpg', 'Photos/2024']);
  sel.setFilter('a.jpg');
  assert.equal(visiblePaths(sel), ['Photos', 'Photos/2024', 'Photos/2024/a.jpg']);
  sel.setFilter('nothing-like-this');
  assert.equal(visiblePaths(sel), []);
});

test('rows reflect check changes (the row cache is refreshed)', () => {
  const sel = make();
  const before = sel.rows();
  sel.toggle(indexOf(sel, 'notes.txt'));
  const after = sel.rows();
  assert.is.not(before, after);
  assert.is(after.find((r) => r.node.path === 'notes.txt')!.check, 'checked');
});

test('a single-file share is a tree of one file', () => {
  const sel = new TreeSelection(FileTree.fromEntries([{ path: 'movie.mkv', size: 7, mtimeMs: 1 }]));
  assert.equal(visiblePaths(sel), ['movie.mkv']);
  sel.toggleAll();
  assert.equal(sel.selectedPaths(), { paths: [], all: true, files: 1, bytes: 7 });
});

test('100,000 files: counts, select all, open all and a filter are all exact', () => {
  const many: FileEntry[] = [];
  for (let d = 0; d < 100; d++) for (let f = 0; f < 1000; f++) many.push({ path: `dir${d}/sub${f % 10}/file${f}.bin`, size: f, mtimeMs: f });
  const sel = new TreeSelection(FileTree.fromEntries(many));
  assert.is(sel.tree.root.fileCount, 100_000);
  sel.toggleAll();
  assert.is(sel.selectedPaths().files, 100_000);
  openAll(sel);
  assert.is(sel.rows().length, 100 + 1000 + 100_000);
  sel.setFilter('file999');
  assert.is(sel.rows().length, 100 + 100 + 100);
});

test.run();
