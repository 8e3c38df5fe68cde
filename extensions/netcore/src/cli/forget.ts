// `pss forget`: drop a pinned certificate.
import { KnownServers } from '../certs/known-servers';
import { hostPortKey, parseServerAddress } from '../client/server-address';
import { dataDirFrom, parse, usage } from './shared';
import { out } from './output';

export async function forgetCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' } });
  if (positionals.length !== 1) throw usage('name one server: <host[:port]>');
  const key = hostPortKey(parseServerAddress(positionals[0]!));
  const removed = await new KnownServers(await dataDirFrom(values['data-dir'])).forget(key);
  out(removed ? `forgot the certificate of ${key}\n` : `${key} was not pinned\n`);
  return 0;
}
