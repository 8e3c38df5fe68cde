// Gives memory back once a running server goes quiet (README "Bounded memory").
//
// V8 collects garbage when JavaScript allocates, so after a burst (a hundred downloads, a
// flood of requests from a hostile peer) the memory that burst used stays with the process
// for as long as nothing allocates: freed 1 MiB frames, parsed requests, log strings. And
// the young generation grows to 2 × 16 MiB under allocation-heavy traffic and keeps that
// size for good. So a server does two things:
// - it asks V8 to keep the young generation at its starting size (workers/young-generation.ts);
//   scavenges stay cheap because almost everything the server allocates dies young, and a
//   burst of requests costs megabytes, not tens of them. What a request must keep while it
//   is served (its list of files) is held outside V8's heap (request-list.ts), so a small
//   young generation does not push it into the old one;
// - it watches its own event loop, and once it has been busy (or grown) and is quiet again,
//   runs one full garbage collection, at most one every MIN_GAP_MS in the whole process.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import {
  IDLE_MEMORY_BUSY_UTILIZATION,
  IDLE_MEMORY_CHECK_MS,
  IDLE_MEMORY_GROWTH_BYTES,
  IDLE_MEMORY_MIN_GAP_MS,
  IDLE_MEMORY_QUIET_UTILIZATION,
} from '../constants';
import { collectGarbage } from '../workers/full-collection';
import { pinYoungGeneration } from '../workers/young-generation';

export interface IdleMemorySample {
  /** Share of the last interval the event loop was busy, 0 to 1. */
  utilization: number;
  rssBytes: number;
}

export interface IdleMemoryOptions {
  checkMs: number;
  /** Below this utilization an interval counts as quiet. */
  quietUtilization: number;
  /** At or above it, an interval counts as busy. */
  busyUtilization: number;
  /** Growth of the resident set since the last collection that calls for one by itself. */
  growthBytes: number;
  minGapMs: number;
  now: () => number;
  sample: () => IdleMemorySample;
  collect: () => void;
  /** What every server of the process shares: when it last collected, what was let go since. */
  process: ProcessMemory;
}

export interface ProcessMemory {
  lastCollectAt: number;
  /** Bytes let go (pooled frames dropped after a burst) that only a collection frees. */
  releasedBytes: number;
}

const thisProcess: ProcessMemory = { lastCollectAt: Number.NEGATIVE_INFINITY, releasedBytes: 0 };

/** Notes memory let go by the process's pools: the next quiet check collects it. */
export function memoryReleased(bytes: number): void {
  thisProcess.releasedBytes += bytes;
}
/** The event loop's utilization since the previous call, and the resident set now. */
function liveSampler(): () => IdleMemorySample {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const current = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(current, previous);
    previous = current;
    return { utilization: delta.utilization, rssBytes: process.memoryUsage.rss() };
  };
}

export class IdleMemory {
  private readonly timer: NodeJS.Timeout;
  private readonly o: IdleMemoryOptions;
  /** Busy, or grown, since the last collection. */
  private owed = false;
  private rssAfterCollect: number;

  constructor(options: Partial<IdleMemoryOptions> = {}) {
    const live = options.sample === undefined && options.collect === undefined;
    if (live) pinYoungGeneration();
    this.o = {
      checkMs: IDLE_MEMORY_CHECK_MS,
      quietUtilization: IDLE_MEMORY_QUIET_UTILIZATION,
      busyUtilization: IDLE_MEMORY_BUSY_UTILIZATION,
      growthBytes: IDLE_MEMORY_GROWTH_BYTES,
      minGapMs: IDLE_MEMORY_MIN_GAP_MS,
      now: Date.now,
      sample: liveSampler(),
      collect: collectGarbage,
      process: thisProcess,
      ...options,
    };
    this.rssAfterCollect = this.o.sample().rssBytes;
    this.timer = setInterval(() => this.check(), this.o.checkMs);
    this.timer.unref();
  }

  /** One look at the last interval; collects when the server was busy and is quiet now. */
  check(): boolean {
    const { utilization, rssBytes } = this.o.sample();
    const p = this.o.process;
    if (utilization >= this.o.busyUtilization || rssBytes - this.rssAfterCollect >= this.o.growthBytes || p.releasedBytes > 0) this.owed = true;
    // A lower resident set (the allocator gave memory back) is the new reference point.
    this.rssAfterCollect = Math.min(this.rssAfterCollect, rssBytes);
    if (!this.owed || utilization >= this.o.quietUtilization) return false;
    const now = this.o.now();
    if (now - p.lastCollectAt < this.o.minGapMs) return false;
    p.lastCollectAt = now;
    p.releasedBytes = 0;
    this.owed = false;
    this.o.collect();
    this.rssAfterCollect = this.o.sample().rssBytes;
    return true;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
