// Tests that need an outside tool (Chromium, curl, aria2c, wine, LibreOffice...) decide at
// module load whether the tool is here, so that a missing one is counted by uvu as skipped
// (its final "Skipped:" line) rather than passing with nothing checked. A tool .ci/run
// installs is the machine's to provide: under CI=true its absence is a failure that says
// what is missing. A tool .ci/run does not install (LibreOffice, the Neutralino binary) and
// a machine that lacks a facility (no /proc, an older Node) skip everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Callback, Test } from 'uvu';
import { CHROMIUM_PATH } from './browser';

const IN_CI = process.env.CI === 'true';

/** Something a test needs from the machine. */
export interface Need {
  /** Undefined when it is here; otherwise the reason the tests skip, said the test's way. */
  readonly missing: string | undefined;
  /** Whether .ci/run installs it, which makes its absence under CI=true a failure. */
  readonly ciInstalls: boolean;
}

/** Debian's Chromium (or the one PSS_CHROMIUM names), which .ci/run installs. */
export function chromiumNeed(): Need {
  return {
    missing: existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (install the chromium package), so the browser tests do not run`,
    ciInstalls: true,
  };
}

const probed = new Map<string, boolean>();

/** A command that runs here: `cmd --version` (or the probe given) exits 0 on the PATH. */
export function commandNeed(cmd: string, options: { ciInstalls: boolean; probe?: string[]; why?: string }): Need {
  let found = probed.get(cmd);
  if (found === undefined) {
    found = spawnSync(cmd, options.probe ?? ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    probed.set(cmd, found);
  }
  return { missing: found ? undefined : (options.why ?? `${cmd} is not installed, so the tests that need it do not run`), ciInstalls: options.ciInstalls };
}

/** Anything else: `missing` is the reason, or undefined when the test can run. */
export function conditionNeed(missing: string | undefined, ciInstalls = false): Need {
  return { missing, ciInstalls };
}

const said = new Set<string>();

function sayOnce(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  process.stdout.write(`\n  ${line}\n`);
}

/**
 * `test` itself when every need is met. Otherwise a stand-in that registers each test with
 * `test.skip` (so uvu counts it as skipped) and says why once; under CI=true a missing need
 * that .ci/run installs makes each test a failure naming it instead.
 */
export function testIf<T>(test: Test<T>, ...needs: Need[]): (name: string, fn: Callback<T>) => void {
  const missing = needs.filter((n) => n.missing !== undefined);
  if (missing.length === 0) return (name, fn) => test(name, fn);
  const required = IN_CI ? missing.filter((n) => n.ciInstalls) : [];
  if (required.length > 0) {
    const why = required.map((n) => n.missing).join('; ');
    return (name) =>
      test(name, () => {
        throw new Error(`missing under CI=true, where .ci/run installs it, so this fails instead of skipping: ${why}`);
      });
  }
  return (name) => {
    for (const n of missing) sayOnce(`skipped: ${n.missing}`);
    test.skip(name);
  };
}
