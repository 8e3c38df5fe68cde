// The neutralino.config.json a release carries, made from the project's. The differences:
// netcore is the `pss` executable beside the app, started by its ${NL_PATH}-relative path
// (never through `node`), and Neutralino keeps its own data in the app folder.

/** @param {any} config the project's neutralino.config.json */
export function releaseConfig(config, { version, resourcesExclude }) {
  const copy = structuredClone(config);
  copy.version = version;
  // Neutralino's storage and data paths: inside the app folder, as everything else of a portable app.
  copy.dataLocation = 'app';
  copy.storageLocation = 'app';
  copy.logging = { enabled: false, writeToLogFile: false };
  copy.extensions = copy.extensions.map((ext) => ({
    id: ext.id,
    commandLinux: `"\${NL_PATH}/pss" --neutralino`,
    commandDarwin: `"\${NL_PATH}/pss" --neutralino`,
    commandWindows: `"\${NL_PATH}\\pss.exe" --neutralino`,
  }));
  copy.cli = { ...copy.cli, resourcesExclude, distributionPath: '/dist/' };
  delete copy.cli.extensionsPath;
  delete copy.cli.extensionsExclude;
  return copy;
}
