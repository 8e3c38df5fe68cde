// The name rules (PROTOCOL.md §5): the wire rule makes the safety checks only; the Windows
// rule adds the checks for names Windows cannot store, and is the host rule of a server
// running on Windows. The wire rule refuses nothing the Windows rule accepts, refuses
// every traversal for the same reason, and differs from it by exactly the names Windows
// cannot store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { join } from 'node:path';
import { MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH } from '../../../extensions/netcore/src/constants';
import {
  HOST_NAMES,
  WINDOWS_NAMES,
  WIRE_NAMES,
  isSafeRelativePath,
  pathProblem,
  resolveInside,
  segmentProblem,
  hostNameRule,
  windowsNameProblem,
  type NameRule,
} from '../../../extensions/netcore/src/protocol/path-rules';
import { CONTROL, ROOT, TROUBLE_FRAGMENTS, UNSAFE_PATHS, WINDOWS_ONLY_PATHS, isInside, pathLikeFrom } from '../../support/path-fixtures';

/** The rule of the wire, and of a server that does not run on Windows. */
const WEB: NameRule = WIRE_NAMES;

test('the default rule is the wire rule: the safety checks only', () => {
  assert.is(WIRE_NAMES.portable, false);
  for (const [what, path] of [...WINDOWS_ONLY_PATHS, ...UNSAFE_PATHS]) {
    assert.is(pathProblem(path), pathProblem(path, WIRE_NAMES), what);
    if (typeof path === 'string') assert.is(segmentProblem(path), segmentProblem(path, WIRE_NAMES), what);
  }
});

test('the host rule adds the Windows checks on a server that runs on Windows only', () => {
  assert.is(hostNameRule('linux'), WIRE_NAMES);
  assert.is(hostNameRule('darwin'), WIRE_NAMES);
  assert.is(hostNameRule('freebsd'), WIRE_NAMES);
  assert.is(hostNameRule('win32'), WINDOWS_NAMES);
  assert.is(HOST_NAMES.portable, process.platform === 'win32');
});

test('names refused only for Windows: refused by the Windows rule, accepted by the wire rule, inside the root', () => {
  for (const [what, path] of WINDOWS_ONLY_PATHS) {
    assert.type(pathProblem(path, WINDOWS_NAMES), 'string', what);
    assert.not.ok(isSafeRelativePath(path, WINDOWS_NAMES), what);
    assert.is(resolveInside(ROOT, path, WINDOWS_NAMES), undefined, what);
    assert.is(pathProblem(path, WEB), undefined, `${what}: ${pathProblem(path, WEB)}`);
    assert.ok(isSafeRelativePath(path, WEB), what);
    const target = resolveInside(ROOT, path, WEB);
    assert.is(target, join(ROOT, ...path.split('/')), what);
    assert.ok(isInside(ROOT, target!), what);
    assert.ok(
      path.split('/').some((s) => windowsNameProblem(s) !== undefined),
      `${what}: no Windows problem`,
    );
  }
});

test('unsafe paths: both rules refuse them, for the same reason', () => {
  for (const [what, path] of UNSAFE_PATHS) {
    const portable = pathProblem(path, WINDOWS_NAMES);
    assert.type(portable, 'string', what);
    assert.is(pathProblem(path, WEB), portable, what);
    assert.not.ok(isSafeRelativePath(path, WEB), what);
    if (typeof path === 'string') assert.is(resolveInside(ROOT, path, WEB), undefined, what);
  }
  // A Windows-only name earlier on the path does not let a later parent through.
  for (const path of ['what?/../x', 'CON/..', 'a./../../etc/passwd', '<x>/C:/y/..', 'C:/../x']) {
    assert.type(pathProblem(path, WEB), 'string', path);
    assert.is(resolveInside(ROOT, path, WEB), undefined, path);
  }
  assert.is(pathProblem('C:x', WEB), undefined);
  assert.is(pathProblem('C:x', WINDOWS_NAMES), 'drive letter');
  assert.is(pathProblem('a/../b', WEB), 'relative segment');
  assert.is(pathProblem('a\\b', WEB), 'forbidden character');
});

test('windowsNameProblem names each Windows-only fault and nothing else', () => {
  assert.is(windowsNameProblem('a<b'), 'forbidden character');
  assert.is(windowsNameProblem('a.'), 'trailing dot or space');
  assert.is(windowsNameProblem('a '), 'trailing dot or space');
  assert.is(windowsNameProblem('Con .txt'), 'reserved device name');
  for (const fine of ['readme.txt', 'console.log', 'COM10', '.hidden', 'a b', '%2e', '😀', 'a..b']) assert.is(windowsNameProblem(fine), undefined, fine);
});

// ---- properties ---------------------------------------------------------------------

// Known trouble of both kinds, with the characters only Windows refuses, mixed with arbitrary text.
const trouble = fc.constantFrom(...TROUBLE_FRAGMENTS, '<', '>', '"', '|', '?', '*');
const pathLike = pathLikeFrom(trouble);

test('property: whatever the wire rule refuses, the Windows rule refuses too', () => {
  fc.assert(
    fc.property(fc.oneof(pathLike, fc.anything()), (path) => {
      if (pathProblem(path, WEB) !== undefined) assert.type(pathProblem(path, WINDOWS_NAMES), 'string', JSON.stringify(path));
    }),
    { numRuns: 3000 },
  );
});

test('property: the Windows rule refuses exactly what the wire rule refuses plus names with a Windows-only fault', () => {
  fc.assert(
    fc.property(pathLike, (path) => {
      const portableRefuses = pathProblem(path, WINDOWS_NAMES) !== undefined;
      const webRefuses = pathProblem(path, WEB) !== undefined;
      const windowsFault = path.split('/').some((s) => windowsNameProblem(s) !== undefined);
      assert.is(portableRefuses, webRefuses || windowsFault, JSON.stringify(path));
      // Segment by segment too: the Windows rule adds the Windows checks and nothing else.
      for (const s of path.split('/')) {
        assert.is(
          segmentProblem(s, WINDOWS_NAMES) !== undefined,
          segmentProblem(s, WEB) !== undefined || windowsNameProblem(s) !== undefined,
          JSON.stringify(s),
        );
      }
    }),
    { numRuns: 3000 },
  );
});

test('property: whatever the wire rule accepts is inside the root, with no .., backslash or control character', () => {
  fc.assert(
    fc.property(pathLike, (path) => {
      if (pathProblem(path, WEB) !== undefined) {
        assert.is(resolveInside(ROOT, path, WEB), undefined);
        return;
      }
      const target = resolveInside(ROOT, path, WEB);
      assert.ok(target !== undefined && isInside(ROOT, target), `${JSON.stringify(path)} resolves to ${target}`);
      const segments = path.split('/');
      assert.not.ok(segments.includes('..') || segments.includes('.') || segments.includes(''), 'a .., . or empty segment');
      assert.not.ok(path.includes('\\'), 'a backslash');
      assert.not.ok(CONTROL.test(path), 'a control character');
      assert.not.ok(path.startsWith('/'), 'absolute');
      assert.ok(Buffer.byteLength(path) <= MAX_PATH_BYTES);
      assert.ok(segments.length <= MAX_PATH_DEPTH);
      assert.ok(segments.every((s) => Buffer.byteLength(s) <= MAX_NAME_BYTES));
      assert.is(Buffer.from(path).toString(), path);
    }),
    { numRuns: 3000 },
  );
});

test.run();
