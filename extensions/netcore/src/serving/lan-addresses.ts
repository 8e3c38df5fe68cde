// The addresses a client on the LAN can use to reach a server bound to `bind`.
import { networkInterfaces } from 'node:os';

export function lanAddresses(bind: string): string[] {
  if (bind !== '0.0.0.0' && bind !== '::') return [bind];
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out.length > 0 ? out : ['127.0.0.1'];
}
