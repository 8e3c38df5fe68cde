// Limits and defaults in one place. Units are in the names.

export const PRODUCT_NAME = 'Pro Secure Suite';
export const PRODUCT_VERSION = '0.1.0';
export const PROTOCOL_VERSION = 1;

export const DEFAULT_MAIN_PORT = 5000;
/** Chat and web ports sit beside the main port unless configured. */
export const CHAT_PORT_OFFSET = 1;
export const WEB_PORT_OFFSET = 2;
export const DEFAULT_BIND_ADDRESS = '0.0.0.0';
export const DEFAULT_MAX_CLIENTS = 10;
export const MAX_MAX_CLIENTS = 1000;

/** TLS 1.3 suites for the main and chat ports, preferred first. */
export const MAIN_PORT_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

// Framing (PROTOCOL.md §2).
export const FRAME_HEADER_BYTES = 5;
export const MAX_CONTROL_PAYLOAD_BYTES = 1 << 20;
export const MAX_DATA_PAYLOAD_BYTES = 1 << 20;
/** A FILE_LIST page stays well under the control-frame cap. */
export const LIST_PAGE_TARGET_BYTES = 256 * 1024;

// Names and requests (PROTOCOL.md §5).
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4096;
export const MAX_PATH_DEPTH = 128;
export const MAX_FILES_PER_REQUEST = 10_000;
/**
 * A download's first request asks for this many files (or all, when fewer), sent as soon as
 * they are decided; each later one asks for the next MAX_FILES_PER_REQUEST, decided while
 * the one before ran.
 */
export const FIRST_REQUEST_FILES = 1024;
export const MAX_DISPLAY_NAME_CHARS = 64;
export const MAX_PASSWORD_BYTES = 1024;
export const MAX_CHAT_CHARS = 4000;
/** A chat frame after CHAT_HELLO: 4000 characters escaped as JSON fit with room to spare. */
export const CHAT_MAX_FRAME_BYTES = 64 * 1024;
/** Messages kept per session for the chat window. */
export const CHAT_HISTORY_MAX = 1000;
/** Session updates are coalesced to at most one per this interval. */
export const SESSION_EVENT_INTERVAL_MS = 250;
export const MAX_SHARED_FILES = 1_000_000;
/**
 * Folders a share may have for its whole listing to be kept between listings, each with a
 * change watch of its own on Linux (serving/listing-watch.ts); a bigger share is listed anew
 * each time, as the system's watches are a shared resource.
 */
export const MAX_WATCHED_FOLDERS = 4096;
/** Items named in one log entry about what the share leaves out; the rest are counted. */
export const NOT_SHARED_LOG_NAMES = 200;

/**
 * Bytes waiting to be written to one peer beyond which that peer is not read any more
 * until they drain (transport/framed-socket.ts). A data frame in flight is 1 MiB.
 */
export const REPLY_QUEUE_HIGH_BYTES = 256 * 1024;
/** Bytes waiting for one peer beyond which it is dropped: it asks and does not read. */
export const REPLY_QUEUE_MAX_BYTES = 4 * 1024 * 1024;
/** A peer that reads nothing for this long while answers wait for it is dropped. */
export const WRITE_STALL_MS = 60_000;
/** What running DOWNLOAD_FILES lists may hold in memory, all sessions together (transport/byte-budget.ts). */
export const REQUEST_BUDGET_BYTES = 4 * 1024 * 1024;
/** What control frames bigger than FRAME_BUDGET_MIN_BYTES may hold while they arrive, all connections together. */
export const FRAME_BUDGET_BYTES = 4 * 1024 * 1024;
/** Control frames up to this size are not counted (PINGs, HELLO, small requests). */
export const FRAME_BUDGET_MIN_BYTES = 64 * 1024;
/** PINGs a session may send per window; one more ends it (a keep-alive needs one a minute). */
export const PING_MAX_PER_WINDOW = 100;
export const PING_WINDOW_MS = 10_000;
/** FILE_ERRORs of one request logged one by one; the rest are summed up in one line. */
export const FILE_ERRORS_LOGGED_PER_REQUEST = 20;
/** Data bytes all sessions together may send per event-loop turn: two of the largest frames' payloads (serving/turn-budget.ts). */
export const BYTES_PER_TURN = 2 * 1024 * 1024;

/**
 * The most of a data frame handed to a TLS socket at once (transport/framed-socket.ts,
 * web/response-writer.ts): what TLS has encrypted and the kernel has not taken yet is at
 * most this per connection. Measured: with 200 clients at once, the server's RSS 60 s
 * after was +380 MiB with whole 1 MiB writes (before the shared slabs), +68 MiB with 256 KiB
 * pieces and +57 MiB with 64 KiB; and 64 KiB pieces made the main port faster, not slower
 * (1.31x the raw TLS stream against 0.93x, server CPU per GiB 0.84x s_server against 1.16x).
 */
export const SEND_PIECE_BYTES = 64 * 1024;
/** 1 MiB reads: 64 KiB reads cost about 40% of throughput (DESIGN §3). */
export const READ_CHUNK_BYTES = 1 << 20;
/** Files of a request opened and read ahead of the one being sent (serving/read-ahead.ts). */
export const READ_AHEAD_FILES = 16;
/**
 * Packs of small files (PROTOCOL.md §6.4): a file of at most PACK_FILE_MAX_BYTES asked for
 * from 0 may travel in a pack; a pack holds at most PACK_MAX_FILES files and its data is one
 * DATA frame (at most READ_CHUNK_BYTES). The server keeps a pack's FILES_PACKED message
 * under PACK_MAX_JSON_BYTES, far below the 1 MiB a control frame may have.
 */
export const PACK_FILE_MAX_BYTES = 64 * 1024;
export const PACK_MAX_FILES = 1024;
export const PACK_MAX_JSON_BYTES = 256 * 1024;

/**
 * 1 MiB frames to a slab of the server's frame pool (transport/slab-pool.ts): 32 frames and
 * their headers are just over 32 MiB, the most glibc ever serves from its heap, so every
 * slab is a mapping of its own that goes back to the system whole.
 */
export const FRAMES_PER_SLAB = 32;
/**
 * Pieces of SEND_PIECE_BYTES to a slab of the outbox pool (transport/outbox.ts): 520 of
 * them are just over 32 MiB, for the same reason.
 */
export const SEND_PIECES_PER_SLAB = 520;
/**
 * A slab none of whose frames was used for a whole interval this long goes back to the
 * system (5–10 s after a burst); a new one costs only a mapping, its pages come on use.
 */
export const SLAB_TRIM_INTERVAL_MS = 5_000;
/** Pooled buffers idle this long are released (transport/buffer-pool.ts). */
export const POOL_TRIM_INTERVAL_MS = 10_000;
/** Idle 1 MiB blocks downloads keep for reuse (client/file-sink.ts). */
export const BLOCK_POOL_MAX_FREE = 24;
/**
 * The most a download hands the kernel per write() when a worker writes it. Linux sizes
 * page-cache folios by the write: a 1 MiB write asks for 1 MiB of contiguous free memory,
 * and in a virtual machine that returns free memory to its host that memory is often
 * faulted in afresh. A 1 GiB file written in 1 MiB pieces measured 1.0–2.6 s of kernel time
 * after another program's download had freed its file, in 64 KiB pieces 0.5 s whatever ran
 * before (128 KiB: 1.4 s). The extra calls cost the worker a few microseconds each.
 */
export const DISK_WRITE_PIECE_BYTES = 64 * 1024;

// Memory after a burst (serving/idle-memory.ts).
/** How often a running server looks at its event loop's utilization and resident set. */
export const IDLE_MEMORY_CHECK_MS = 2_000;
/** An interval with the event loop busy less than this share of it is quiet. */
export const IDLE_MEMORY_QUIET_UTILIZATION = 0.05;
/** One busy at least this share of it owes a collection once the server is quiet. */
export const IDLE_MEMORY_BUSY_UTILIZATION = 0.2;
/** So does this much growth of the resident set since the last collection. */
export const IDLE_MEMORY_GROWTH_BYTES = 16 * 1024 * 1024;
/** A pool worker idle this long after reading shared frames collects its garbage (workers/worker-main.ts). */
export const WORKER_SHARED_COLLECT_MS = 2_000;
/** At most one full collection this often in the whole process. */
export const IDLE_MEMORY_MIN_GAP_MS = 5_000;

// Connections before they are sessions (serving/admission.ts, PROTOCOL.md §11).
/** Connections one address may have waiting for HELLO, login, CHAT_HELLO or a first web request. */
export const PENDING_PER_ADDRESS = 32;
/** The same, all addresses together (all three ports). */
export const PENDING_TOTAL = 256;
/** A waiting connection this young is never dropped to make room for a newer one. */
export const PENDING_GRACE_MS = 1_000;
/** Frames before HELLO / login / CHAT_HELLO may be at most this big (a LOGIN fits). */
export const PENDING_MAX_FRAME_BYTES = 8 * 1024;
/**
 * What a peer may still send once the server has ended its connection (an error, BUSY, a
 * disconnect) before the connection is cut off instead of read to its close.
 */
export const END_DISCARD_BYTES = 64 * 1024;
/** How long an ended connection waits for the peer to close its side before it is destroyed. */
export const END_LINGER_MS = 1_000;
/** Ended connections that may wait for their peers at once, in the whole process (transport/lingering.ts). */
export const MAX_LINGERING = 32;
/** What a connection answered BUSY is told to wait before trying again. */
export const BUSY_RETRY_MS = 1_000;

// Timeouts.
/**
 * Stopping the server: clients get SHUTTING_DOWN and this long to take it; then every
 * connection still open, whatever its state, is destroyed.
 */
export const CLOSE_DEADLINE_MS = 2_000;
/** After destroying what was left, the most a close waits for the sockets to report it. */
export const CLOSE_SETTLE_MS = 500;
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
export const HELLO_TIMEOUT_MS = 5_000;
export const LOGIN_TIMEOUT_MS = 60_000;
export const IDLE_TIMEOUT_MS = 15 * 60_000;
export const CLIENT_CONNECT_TIMEOUT_MS = 15_000;
/** Attempts a client makes while the server answers BUSY, waiting longer each time. */
export const CLIENT_BUSY_ATTEMPTS = 5;
/** The longest a client waits between two of those attempts (times the attempt number). */
export const CLIENT_BUSY_WAIT_MS = 2_000;
/** How long a client waits for any byte while a reply is due. */
export const CLIENT_REPLY_TIMEOUT_MS = 60_000;

// Passwords (DESIGN §2).
export const SCRYPT_COST_N = 1 << 17;
export const SCRYPT_BLOCK_R = 8;
export const SCRYPT_PARALLEL_P = 1;
export const SCRYPT_KEY_BYTES = 32;
export const SCRYPT_SALT_BYTES = 16;
/** N=2^17, r=8 needs 128 MiB; Node's default cap is 32 MiB. */
export const SCRYPT_MAXMEM_BYTES = 256 * 1024 * 1024;
/**
 * scrypt at these costs takes 128 MiB and a core each; at most this many run at once in the
 * whole process, so a flood of logins leaves the other core to transfers and the event loop.
 */
export const SCRYPT_CONCURRENCY = 1;
export const THROTTLE_BASE_DELAY_MS = 500;
export const THROTTLE_MAX_DELAY_MS = 8_000;
export const LOCKOUT_AFTER_FAILURES = 5;
export const LOCKOUT_DURATION_MS = 5 * 60_000;
/** Failures older than this are forgotten. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Password checks one address may have waiting (each waits for the one before it). */
export const LOGIN_QUEUE_PER_ADDRESS = 8;
/** Password checks all addresses together may have waiting. */
export const LOGIN_QUEUE_TOTAL = 64;
/** What a login answered BUSY is told to wait before trying again. */
export const LOGIN_BUSY_RETRY_MS = 2_000;

// Certificates (DESIGN §2).
export const CERT_VALIDITY_DAYS = 3650;
export const CERT_FILE = 'server.crt';
export const KEY_FILE = 'server.key';
export const KNOWN_SERVERS_FILE = 'known-servers.json';
export const DATA_DIR_NAME = 'pro-secure-suite';
export const DATA_DIR_ENV = 'PSS_DATA_DIR';

// Client downloads.
export const PART_SUFFIX = '.part';
/** Beside each .part: the size and mtime it was started against. */
export const PART_META_SUFFIX = '.part.json';
/** The temporary name of a file whose own name cannot take `.part.json` (§6.2). */
export const SHORT_PART_PREFIX = '.pss-';
export const PROGRESS_INTERVAL_MS = 250;
/** How often a download reports progress while no bytes arrive. */
export const PROGRESS_TICK_MS = 1_000;
export const SPEED_WINDOW_MS = 3_000;

// Web port (PROTOCOL.md §10).
/** TLS 1.2 suites the web port offers to older browsers (TLS 1.3 uses Node's defaults). */
export const WEB_PORT_TLS12_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305';
/** All request headers must arrive within this time of the first byte. */
export const WEB_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request (headers and a form body) must arrive within this time. */
export const WEB_REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this long. */
export const WEB_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A connection that moves no byte for this long (a reader that stopped reading) is dropped. */
export const WEB_SOCKET_IDLE_MS = 60_000;
/** How often the header and request deadlines are checked. */
export const WEB_DEADLINE_CHECK_MS = 1_000;
/** A browser session with no request and no download for this long ends. */
export const WEB_SESSION_IDLE_MS = 15 * 60_000;
/** How long a disconnected browser still gets the administrator's reason. */
export const WEB_REVOKED_MEMORY_MS = 15 * 60_000;
export const WEB_MAX_CONNECTIONS = 1024;
export const WEB_MAX_HEADER_BYTES = 16 * 1024;
export const WEB_MAX_LOGIN_FORM_BYTES = 8 * 1024;
/** A ZIP selection form: up to MAX_FILES_PER_REQUEST paths. */
export const WEB_MAX_SELECTION_FORM_BYTES = 4 * 1024 * 1024;
/** The `__Host-` prefix makes browsers insist on Secure, Path=/ and no Domain. */
export const WEB_SESSION_COOKIE = '__Host-pss-session';
export const WEB_SESSION_COOKIE_BYTES = 32;

export const HASH_WORKERS_MAX = 2;
/** Files at least this big are hashed in a worker while they stream. */
export const HASH_OFFLOAD_MIN_BYTES = 8 * READ_CHUNK_BYTES;
