// `pss list`: what a server shares.
import { describeNotShared, notSharedTotal } from '../protocol/not-shared';
import { formatBytes } from '../units';
import { formatTime } from './format';
import { CLIENT_OPTIONS, connectAndLogin, parse, usage } from './shared';
import { out } from './output';

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CLIENT_OPTIONS);
  if (positionals.length > 1) throw usage('list takes one server address');
  const connection = await connectAndLogin(positionals[0], values);
  try {
    const listing = await connection.list();
    if (values.json) {
      out(JSON.stringify({ server: connection.hostPort, fingerprint: connection.fingerprint256, ...listing }) + '\n');
      return 0;
    }
    let total = 0;
    for (const e of listing.entries) {
      total += e.size;
      out(`${formatBytes(e.size).padStart(10)}  ${formatTime(e.mtimeMs)}  ${e.path}\n`);
    }
    const count = listing.entries.length;
    out(`${count} ${count === 1 ? 'file' : 'files'}, ${formatBytes(total)} in ${listing.share.kind} "${listing.share.name}"\n`);
    if (notSharedTotal(listing.notShared) > 0) out(`${describeNotShared(listing.notShared, 'not offered by the server')}\n`);
    return 0;
  } finally {
    connection.close();
  }
}
