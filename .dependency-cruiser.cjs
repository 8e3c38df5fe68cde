// Import boundaries of the engine and the interface (README "Checks"; DESIGN.md §1).
// `npm run lint` runs `depcruise` with this file; test/lint/import-boundaries.test.ts shows
// that each kind of rule fails on a small tree that breaks it.
//
// Layers of extensions/netcore/src, each importing only downward (type imports included):
//   L0  errors.ts constants.ts contract.ts ipc.ts units.ts protocol/
//   L1  transport/ certs/ workers/ logs/ client/
//   L2  serving/
//   L3  main-port/ | chat/ | web/      (siblings: never each other)
//   L4  host/
//   L5  core/
//   L6  bridge/ | cli/                 (only main.ts imports bridge/; main.ts and cli.ts import cli/)
//   data-dir.ts, single-executable.ts: small entry-level helpers anything above L0 may use.
//   main.ts, cli.ts: the entry points.

const SRC = '^extensions/netcore/src/';
const UI = '^resources/ui/src/';

const dirs = (...names) => `${SRC}(${names.join('|')})/`;
const files = (...names) => `${SRC}(${names.join('|')})\\.ts$`;

const L0 = [files('errors', 'constants', 'contract', 'ipc', 'units'), dirs('protocol')];
const HELPERS = [files('data-dir', 'single-executable')];
const L1 = [dirs('transport', 'certs', 'workers', 'logs', 'client')];
const L2 = [dirs('serving')];
const L3_NAMES = ['main-port', 'chat', 'web'];
const L4 = [dirs('host')];
const L5 = [dirs('core')];

const either = (patterns) => patterns.flat().join('|');

/** Code in `from` may import, inside the engine, only what `allowed` names. */
function layer(name, from, allowed, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: { path: either(from) },
    to: { path: SRC, pathNot: either(allowed) },
  };
}

const NODE_IO = ['fs', 'fs/promises', 'net', 'tls', 'child_process', 'worker_threads', 'http', 'https', 'http2', 'dgram', 'os', 'cluster', 'dns', 'readline'];

module.exports = {
  forbidden: [
    layer('layer-0', L0, [L0], 'errors, constants, contract, ipc, units and protocol/ are the bottom layer: they import only each other.'),
    layer('layer-1', L1, [L0, HELPERS, L1], 'transport, certs, workers, logs and client import only L0, L1 and the data-dir helpers; never a server part.'),
    layer('layer-2', L2, [L0, HELPERS, L1, L2], 'serving/ (shared server pieces) imports only L0-L2.'),
    ...L3_NAMES.map((port) =>
      layer(
        `layer-3-${port}`,
        [dirs(port)],
        [L0, HELPERS, L1, L2, dirs(port)],
        `${port}/ imports L0-L2 and itself; the three ports meet in serving/, never in each other.`,
      ),
    ),
    layer('layer-4', L4, [L0, HELPERS, L1, L2, dirs(...L3_NAMES), L4], 'host/ wires the ports; it imports L0-L4.'),
    layer('layer-5', L5, [L0, HELPERS, L1, L2, dirs(...L3_NAMES), L4, L5], 'core/ imports L0-L5.'),
    layer(
      'layer-6-bridge',
      [dirs('bridge')],
      [L0, HELPERS, L1, L2, dirs(...L3_NAMES), L4, L5, dirs('bridge')],
      'bridge/ imports L0-L5 and itself, never cli/.',
    ),
    layer('layer-6-cli', [dirs('cli')], [L0, HELPERS, L1, L2, dirs(...L3_NAMES), L4, L5, dirs('cli')], 'cli/ imports L0-L5 and itself, never bridge/.'),
    layer('helpers', HELPERS, [L0, HELPERS], 'data-dir.ts and single-executable.ts import only L0 and each other.'),
    {
      name: 'only-main-imports-bridge',
      severity: 'error',
      comment: 'The bridge is reached only through main.ts (the Neutralino entry).',
      from: { path: SRC, pathNot: `${files('main')}|${dirs('bridge')}` },
      to: { path: dirs('bridge') },
    },
    {
      name: 'only-entry-points-import-cli',
      severity: 'error',
      comment: 'The command line is reached only through main.ts and cli.ts.',
      from: { path: SRC, pathNot: `${files('main', 'cli')}|${dirs('cli')}` },
      to: { path: `${dirs('cli')}|${files('cli')}` },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      from: {},
      to: { path: files('main') },
    },
    {
      name: 'ui-imports-only-contract-ipc-units',
      severity: 'error',
      comment: 'The interface may import from the engine only contract.ts (types), ipc.ts and units.ts, which run without Node.',
      from: { path: UI },
      to: { path: '^extensions/', pathNot: files('contract', 'ipc', 'units') },
    },
    {
      name: 'ui-imports-contract-as-types',
      severity: 'error',
      comment: 'contract.ts is imported with `import type` only: nothing of the engine runs in the page.',
      from: { path: UI },
      to: { path: files('contract'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ui-uses-no-node',
      severity: 'error',
      comment: 'The interface runs in a browser page.',
      from: { path: UI },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'node-free-modules',
      severity: 'error',
      comment: 'ipc.ts, units.ts and contract.ts are loaded by the interface too: no Node module, not even a type.',
      from: { path: files('ipc', 'units', 'contract') },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'protocol-has-no-io',
      severity: 'error',
      comment: 'protocol/ is pure: framing and message rules, no sockets, files, processes or threads.',
      from: { path: dirs('protocol') },
      to: { dependencyTypes: ['core'], path: `^(node:)?(${NODE_IO.join('|')})$` },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment: 'A module that imports itself through others, type imports included.',
      from: { path: `${SRC}|${UI}` },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Two folders of the engine that import each other, directly or through others (type imports included).',
      scope: 'folder',
      from: { path: `${SRC}[^/]+$` },
      to: { path: `${SRC}[^/]+$`, circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file or package.',
      from: { path: `${SRC}|${UI}` },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Type-only imports are dependencies too: without this they vanish before the check.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
