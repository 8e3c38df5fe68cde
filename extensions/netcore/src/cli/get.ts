// `pss get`: download a selection with a progress bar; re-running resumes.
import { resolve, join } from 'node:path';
import { Download, type FileOutcome } from '../client/download';
import { selectEntries } from '../client/selection';
import type { ServerConnection } from '../client/connection';
import { ErrorCode, PssError } from '../errors';
import { describeNotShared, notSharedTotal } from '../protocol/not-shared';
import { HOST_NAMES, segmentProblem } from '../protocol/path-rules';
import { formatBytes, formatClockDuration, formatSpeed } from '../units';
import { WorkerPool } from '../workers/pool';
import { ProgressLine } from './progress-bar';
import { CLIENT_OPTIONS, connectAndLogin, parse, usage } from './shared';
import { out } from './output';

export async function getCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...CLIENT_OPTIONS,
    all: { type: 'boolean' },
    out: { type: 'string' },
    subfolder: { type: 'string' },
    stdout: { type: 'boolean' },
  });
  const [target, ...names] = positionals;
  if (!values.all && names.length === 0) throw usage('name the files or folders to get, or use --all');
  if (values.all && names.length > 0) throw usage('use either --all or a list of paths, not both');
  let destination = resolve(values.out ?? '.');
  if (values.subfolder !== undefined) {
    const problem = segmentProblem(values.subfolder, HOST_NAMES);
    if (problem) throw usage(`--subfolder must be a plain folder name (${problem})`);
    destination = join(destination, values.subfolder);
  }
  const toStdout = values.stdout === true;
  if (toStdout && (values.all || names.length !== 1 || values.json)) throw usage('--stdout takes exactly one file, without --all or --json');
  const json = values.json === true;
  const pool = new WorkerPool();
  pool.warmUp();
  let connection: ServerConnection;
  try {
    connection = await connectAndLogin(target, values);
  } catch (err) {
    await pool.close();
    throw err;
  }
  const tty = !json && process.stderr.isTTY === true;
  const bar = tty ? new ProgressLine(process.stderr) : undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const listing = await connection.list();
    const entries = selectEntries(listing.entries, names, values.all === true);
    const report = (o: FileOutcome) => {
      if (json) {
        // When the file was done, by the client's clock: a reader of the pipe may get many lines at once.
        out(JSON.stringify({ event: 'file', ...o, time: new Date().toISOString() }) + '\n');
        return;
      }
      bar?.clear();
      if (o.status === 'failed') process.stderr.write(`✗ ${o.path}: ${o.message} [${o.code}]\n`);
      else if (toStdout) return;
      else if (o.status === 'skipped') out(`= ${o.path} (${o.message})\n`);
      else out(`✓ ${o.path}${o.resumedFrom ? ` (resumed at ${formatBytes(o.resumedFrom)})` : ''}\n`);
      if (o.savedAs !== undefined && o.status !== 'failed' && !toStdout) out(`  saved as ${o.savedAs}\n`);
    };
    const result = await new Download({
      connection,
      entries,
      listing: listing.entries,
      destination,
      pool,
      onFile: report,
      ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      signal: abort.signal,
      ...(toStdout ? { output: process.stdout } : {}),
      // A server too busy for the request says so and closes; the download connects again.
      reconnect: async () => {
        connection = await connectAndLogin(target, values);
        return connection;
      },
    }).run();
    bar?.clear();
    const failed = result.files.filter((f) => f.status === 'failed');
    const seconds = result.durationMs / 1000;
    if (json) {
      const renamed = result.files.filter((f) => f.savedAs !== undefined && f.status !== 'failed').length;
      out(
        JSON.stringify({
          event: 'done',
          ok: result.ok,
          files: result.files.length,
          failed: failed.length,
          renamed,
          bytes: result.bytes,
          durationMs: result.durationMs,
          destination,
          notOffered: listing.notShared,
        }) + '\n',
      );
    } else if (!toStdout) {
      out(
        `${result.files.length - failed.length} of ${result.files.length} files in ${destination}, ` +
          `${formatBytes(result.bytes)} in ${formatClockDuration(seconds)} (${formatSpeed(seconds > 0 ? result.bytes / seconds : 0)})\n`,
      );
      const renamed = result.files.filter((f) => f.savedAs !== undefined && f.status !== 'failed').length;
      if (renamed > 0)
        out(
          `${renamed} ${renamed === 1 ? 'file was' : 'files were'} saved under another name: this system cannot store ${renamed === 1 ? 'its name' : 'their names'}\n`,
        );
      // Only --all fetches the whole share; then what the server left out is part of the answer.
      if (values.all && notSharedTotal(listing.notShared) > 0) out(`${describeNotShared(listing.notShared, 'not offered by the server')}\n`);
    }
    if (result.ok) return 0;
    const first = failed[0]!;
    const why =
      first.code === ErrorCode.DISK_FULL
        ? `${first.path}: ${first.message}; free some space first, then run the same command again to resume`
        : result.cancelled
          ? 'interrupted; run the same command again to resume'
          : `${first.path}: ${first.message}`;
    throw new PssError(first.code ?? ErrorCode.INTERNAL, failed.length > 1 ? `${failed.length} files failed; first: ${why}` : why);
  } finally {
    process.removeListener('SIGINT', onSignal);
    connection.close();
    await pool.close();
  }
}
