// The import rules of .dependency-cruiser.cjs (what `npm run lint` checks) catch what they
// are written for: a small tree laid out like the engine and the interface, with one
// deliberate break of each kind, fails with that rule named at that import; the same tree
// without the breaks passes; and the parts of the real tree that keep the rules today pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeDir } from '../support/temp-dir';

const ROOT = join(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

interface Outcome {
  /** The exit code of the run as `npm run lint` makes it (errors on stderr); not run when undefined. */
  exitCode: number | undefined;
  violations: Violation[];
  modules: number;
}

function run(cwd: string, args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, '--config', CONFIG, ...args], { cwd, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(`the check did not run: ${err.message}\n${stderr}`));
      else resolve({ exitCode: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** Runs the check on `targets` inside `cwd` for its JSON report and, unless `reportOnly`, as `npm run lint` does. */
async function cruise(cwd: string, targets: string[], extra: string[] = [], reportOnly = false): Promise<Outcome> {
  const asLint = reportOnly ? undefined : await run(cwd, ['--output-type', 'err', ...extra, ...targets]);
  const asJson = await run(cwd, ['--output-type', 'json', ...extra, ...targets]);
  let report: { summary: { violations: Violation[]; totalCruised: number } };
  try {
    report = JSON.parse(asJson.stdout);
  } catch (err) {
    throw new Error(`the check printed no report (${String(err)}):\n${asJson.stderr}`);
  }
  return { exitCode: asLint?.exitCode, violations: report.summary.violations, modules: report.summary.totalCruised };
}

const CLEAN: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true } }),
  'extensions/netcore/src/errors.ts': `export const ErrorCode = { BAD: 'BAD' } as const;\nexport type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];\nexport class PssError extends Error {}\n`,
  'extensions/netcore/src/contract.ts': `import type { ErrorCode } from './errors';\nexport interface Failure { code: ErrorCode }\n`,
  'extensions/netcore/src/ipc.ts': `import type { Failure } from './contract';\nexport const describe = (f: Failure): string => f.code;\n`,
  'extensions/netcore/src/protocol/frames.ts': `import { PssError } from '../errors';\nexport const frame = (n: number): Error => new PssError(String(n));\n`,
  'extensions/netcore/src/transport/socket.ts': `import { frame } from '../protocol/frames';\nexport const send = (): Error => frame(1);\n`,
  'extensions/netcore/src/logs/log.ts': `import { send } from '../transport/socket';\nexport const log = (): Error => send();\n`,
  'extensions/netcore/src/core/core.ts': `import { log } from '../logs/log';\nexport const start = (): Error => log();\n`,
  'extensions/netcore/src/bridge/bridge.ts': `import { start } from '../core/core';\nexport const run = (): Error => start();\n`,
  'extensions/netcore/src/main.ts': `import { run } from './bridge/bridge';\nrun();\n`,
  'resources/ui/src/main.ts': `import type { Failure } from '../../../extensions/netcore/src/contract';\nimport { describe } from '../../../extensions/netcore/src/ipc';\nexport const show = (f: Failure): string => describe(f);\n`,
};

/** The clean tree with a folder cycle closed by a type import, and the interface running engine code. */
const BROKEN: Record<string, string> = {
  ...CLEAN,
  'extensions/netcore/src/transport/socket.ts': `import { frame } from '../protocol/frames';\nimport type { log } from '../logs/log';\nexport const send = (l?: typeof log): Error => l?.() ?? frame(1);\n`,
  'resources/ui/src/main.ts': `import type { Failure } from '../../../extensions/netcore/src/contract';\nimport { PssError } from '../../../extensions/netcore/src/errors';\nexport const show = (f: Failure): Error => new PssError(f.code);\n`,
};

async function writeTree(dir: string, tree: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

const TARGETS = ['extensions/netcore/src', 'resources/ui/src'];

let base: string | undefined;
test.after(() => removeDir(base));

test('the fixture tree without breaks passes every rule', async () => {
  base = await makeTempDir('import-rules');
  const dir = join(base, 'clean');
  await writeTree(dir, CLEAN);
  const outcome = await cruise(dir, TARGETS);
  assert.equal(outcome.violations, []);
  assert.is(outcome.exitCode, 0);
  assert.is(outcome.modules, Object.keys(CLEAN).length - 1, 'every module of the tree was read');
});

test('a folder cycle through a type import and a runtime import of engine code by the interface fail', async () => {
  base ??= await makeTempDir('import-rules');
  const dir = join(base, 'broken');
  await writeTree(dir, BROKEN);
  const outcome = await cruise(dir, TARGETS);
  assert.is.not(outcome.exitCode, 0, 'the check fails');
  // A cycle is reported once per folder on it, once in all for modules; which module it
  // starts from is the tool's choice, so each is named by its members.
  const seen = outcome.violations.map((v) => `${v.rule.name}: ${[v.from, v.to].sort().join(' <-> ')}`).sort();
  assert.equal(
    [...new Set(seen)],
    [
      'no-folder-cycles: extensions/netcore/src/logs <-> extensions/netcore/src/transport',
      'no-module-cycles: extensions/netcore/src/logs/log.ts <-> extensions/netcore/src/transport/socket.ts',
      'ui-imports-only-contract-ipc-units: extensions/netcore/src/errors.ts <-> resources/ui/src/main.ts',
    ],
  );
});

test('each layer rule names the import that breaks it', async () => {
  base ??= await makeTempDir('import-rules');
  const cases: { name: string; path: string; text: string; rule: string }[] = [
    {
      name: 'contract imported for its values',
      path: 'resources/ui/src/main.ts',
      text: `import { Failure } from '../../../extensions/netcore/src/contract';\nimport { describe } from '../../../extensions/netcore/src/ipc';\nexport const show = (f: Failure): string => describe(f);\n`,
      rule: 'ui-imports-contract-as-types',
    },
    {
      name: 'a socket in protocol/',
      path: 'extensions/netcore/src/protocol/frames.ts',
      text: `import { connect } from 'node:net';\nimport { PssError } from '../errors';\nexport const frame = (n: number): Error => (connect(n), new PssError(String(n)));\n`,
      rule: 'protocol-has-no-io',
    },
    {
      name: 'a lower layer reaching up',
      path: 'extensions/netcore/src/transport/socket.ts',
      text: `import { frame } from '../protocol/frames';\nimport type { start } from '../core/core';\nexport const send = (s?: typeof start): Error => s?.() ?? frame(1);\n`,
      rule: 'layer-1',
    },
    {
      name: 'the bridge imported by core',
      path: 'extensions/netcore/src/core/core.ts',
      text: `import { log } from '../logs/log';\nimport type { run } from '../bridge/bridge';\nexport const start = (r?: typeof run): Error => r?.() ?? log();\n`,
      rule: 'only-main-imports-bridge',
    },
  ];
  for (const c of cases) {
    const dir = join(base, c.rule);
    await writeTree(dir, { ...CLEAN, [c.path]: c.text });
    const outcome = await cruise(dir, TARGETS, [], true);
    const found = outcome.violations.find((v) => v.from === c.path && v.rule.name === c.rule);
    assert.ok(found, `${c.name}: ${c.rule} is reported (got ${JSON.stringify(outcome.violations.map((v) => v.rule.name))})`);
    assert.is(found.rule.severity, 'error', `${c.name}: the check fails on it`);
  }
});

test('the real tree keeps every rule', async () => {
  const outcome = await cruise(ROOT, TARGETS, [], true);
  assert.ok(outcome.modules > 100, `the real tree was read (${outcome.modules} modules)`);
  assert.equal(
    outcome.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`),
    [],
  );
});

test.run();
