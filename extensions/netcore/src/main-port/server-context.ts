// What a session needs from its server, and nothing more.
import type { LogSink } from '../logs/log-entry';
import type { WorkerPool } from '../workers/pool';
import type { LoginGuard } from '../serving/auth';
import type { HashCache } from '../serving/hash-cache';
import type { ClientSession, SessionRegistry } from '../serving/sessions';
import type { Share } from '../serving/share';
import type { ByteBudget } from '../transport/byte-budget';
import type { TurnBudget } from '../serving/turn-budget';

export interface ServerTimeouts {
  handshakeMs: number;
  helloMs: number;
  loginMs: number;
  idleMs: number;
}

export interface ServerContext {
  share: Share;
  /** Checks passwords; undefined when the server has none. */
  login: LoginGuard | undefined;
  pool: WorkerPool;
  hashes: HashCache;
  timeouts: ServerTimeouts;
  log: LogSink;
  /** Every session of the server: max clients, the pause gate, the administrator's view. */
  sessions: SessionRegistry;
  /** What running requests may hold in memory, every session together. */
  requests: ByteBudget;
  /** What control frames being assembled may hold, every connection together. */
  frames: ByteBudget;
  /** Data frames per event-loop turn, shared by every session. */
  turns: TurnBudget;
  /** The chat port clients should use, once it listens. */
  chatPort(): number | undefined;
  /** The session said HELLO: it is listed from now on (it counts once it is ready). */
  listed(session: ClientSession): void;
}
