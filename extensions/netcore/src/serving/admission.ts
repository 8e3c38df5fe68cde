// Connections that have not yet earned a session (PROTOCOL.md §11): on the main port before
// HELLO (and the login, when a password is set), on the chat port before CHAT_HELLO, on the
// web port before the first request. They do not count against max clients; each port has
// a budget of them of its own, per address and in total, so that silent or slow
// connections can never keep real clients out.
//
// When the budget is spent, the oldest waiting connection of the address that holds the
// most (and is not waiting on the server, e.g. for a password check) is dropped to make
// room, provided it has had a moment to speak; otherwise the newcomer is told BUSY. A real
// client speaks within a round trip, so a squatter that keeps re-opening only ever evicts
// its own connections.
import { addressKey } from './auth';

export interface AdmissionLimits {
  /** Waiting connections one address may hold. */
  perAddress: number;
  /** Waiting connections all addresses together may hold. */
  total: number;
  /** A waiting connection younger than this is never dropped for a newcomer. */
  graceMs: number;
}

export interface WaitingConnection {
  /** True while the server owes it an answer (a password being checked): not dropped then. */
  readonly working?: boolean;
  /** Drops the connection to make room; it leaves the budget at once. */
  evict(reason: string): void;
}

/** A connection's place in the budget; leave() once it is admitted or gone (idempotent). */
export interface AdmissionTicket {
  leave(): void;
}

interface Entry {
  key: string;
  since: number;
  conn: WaitingConnection;
  left: boolean;
}

export class Admission {
  private readonly byAddress = new Map<string, Entry[]>();
  private count = 0;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Connections waiting right now (all ports). */
  get waiting(): number {
    return this.count;
  }

  /** A place for a new connection, or undefined when none can be made (answer BUSY). */
  enter(address: string, conn: WaitingConnection): AdmissionTicket | undefined {
    const key = addressKey(address);
    const own = this.byAddress.get(key) ?? [];
    if (own.length >= this.limits.perAddress && !this.evictFrom(own, 'too many connections from this address are waiting')) return undefined;
    if (this.count >= this.limits.total && !this.evictBusiest()) return undefined;
    const entry: Entry = { key, since: this.now(), conn, left: false };
    own.push(entry);
    this.byAddress.set(key, own);
    this.count++;
    return { leave: () => this.remove(entry) };
  }

  private evictBusiest(): boolean {
    const addresses = [...this.byAddress.values()].sort((a, b) => b.length - a.length);
    for (const entries of addresses) if (this.evictFrom(entries, 'too many connections are waiting')) return true;
    return false;
  }

  /** Drops the oldest connection of the list that may be dropped; false when none may. */
  private evictFrom(entries: Entry[], reason: string): boolean {
    const cutoff = this.now() - this.limits.graceMs;
    const victim = entries.find((e) => e.since <= cutoff && !e.conn.working);
    if (!victim) return false;
    this.remove(victim);
    victim.conn.evict(reason);
    return true;
  }

  private remove(entry: Entry): void {
    if (entry.left) return;
    entry.left = true;
    this.count--;
    const list = this.byAddress.get(entry.key);
    if (!list) return;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byAddress.delete(entry.key);
  }
}
