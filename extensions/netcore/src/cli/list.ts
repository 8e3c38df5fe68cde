// `pss list`: what a server shares.
import { describeNotShared, notSharedTotal } from '../protocol/not-shared';
import { formatBytes } from '../units';
import { formatTime } from './format';
import { CLIENT_OPTIONS, connectAndLogin, parse, usage } from './shared';

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CLIENT_OPTIONS);
  if (positionals.length > 1) throw usage('list takes one server address');
  const connection = await connectAndLogin(positionals[0], values);
  try {
    const listing = await connection.list();
    if (values.json) {
      process.stdout.write(JSON.stringify({ server: connection.hostPort, fingerprint: connection.fingerprint256, ...listing }) + '\n');
      return 0;
    }
    let total = 0;
    for (const e of listing.entries) {
      total += e.size;
      process.stdout.write(`${formatBytes(e.size).padStart(10)}  ${formatTime(e.mtimeMs)}  ${e.path}\n`);
    }
    const count = listing.entries.length;
    process.stdout.write(`${count} ${count === 1 ? 'file' : 'files'}, ${formatBytes(total)} in ${listing.share.kind} "${listing.share.name}"\n`);
    if (notSharedTotal(listing.notShared) > 0) process.stdout.write(`${describeNotShared(listing.notShared, 'not offered by the server')}\n`);
    return 0;
  } finally {
    connection.close();
  }
}
