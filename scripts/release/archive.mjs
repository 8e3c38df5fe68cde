// The archives of a release folder: a .zip for every target, and a .tar.gz as well for
// Linux and macOS. Both hold the folder itself (unzipping gives one folder), with Unix
// permissions kept so that the executables can be started straight away where that matters.
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import yazl from 'yazl';

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const st = statSync(full);
    out.push({ full, st });
    if (st.isDirectory()) walk(full, out);
  }
  return out;
}

export async function writeZip(folder, zipPath) {
  const zip = new yazl.ZipFile();
  const parent = dirname(folder);
  zip.addEmptyDirectory(`${basename(folder)}/`, { mode: 0o40755 });
  for (const { full, st } of walk(folder)) {
    const name = relative(parent, full).split('\\').join('/');
    const mode = st.mode & 0o111 ? 0o100755 : 0o100644;
    if (st.isDirectory()) zip.addEmptyDirectory(`${name}/`, { mode: 0o40755, mtime: st.mtime });
    else zip.addFile(full, name, { mode, mtime: st.mtime });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

export async function writeTarGz(folder, tarPath) {
  await tar.c({ gzip: true, file: tarPath, cwd: dirname(folder), portable: true }, [basename(folder)]);
}
