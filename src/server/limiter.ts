import { AppError } from '../domain/index.ts';

export interface LimiterStats {
  size: number;
  active: number;
  waiting: number;
  queueSize: number;
  /** Totals since start. */
  completed: number;
  rejected: number;
  timedOut: number;
  /** Longest time a caller waited for a slot, in ms. */
  maxWaitMs: number;
}

/**
 * A bounded pool of slots with a bounded, first-come queue: at most `size` jobs run at once, at
 * most `queueSize` wait (each for at most `waitTimeoutMs`), and anything beyond is refused at once
 * with a `busy` error carrying `retryAfterSeconds`, never dropped or left hanging. The server
 * runs the agent (LANDUSE_AGENT_POOL_SIZE) and exports (LANDUSE_MAX_EXPORTS) through one each.
 */
export class Limiter {
  private active = 0;
  private readonly queue: { grant: () => void; timer: NodeJS.Timeout | undefined }[] = [];
  private readonly counters = { completed: 0, rejected: 0, timedOut: 0, maxWaitMs: 0 };

  constructor(
    private readonly options: {
      /** What the slots are, for messages: "agent", "export". */
      name: string;
      size: number;
      queueSize: number;
      waitTimeoutMs: number;
      /** The setting a user raises for more room, named in the refusal. */
      setting: string;
    },
  ) {}

  /** Runs `job` in a slot, waiting in line if all are busy; refuses when the line is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  /** Takes a slot (waiting in line); the caller must call release() exactly once. */
  async acquire(): Promise<void> {
    if (this.active < this.options.size && this.queue.length === 0) {
      this.active++;
      return;
    }
    if (this.queue.length >= this.options.queueSize) {
      this.counters.rejected++;
      throw this.busy(
        `all ${this.options.size} are busy and ${this.queue.length} requests are waiting`,
      );
    }
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          this.counters.maxWaitMs = Math.max(this.counters.maxWaitMs, performance.now() - started);
          resolve();
        },
        timer: undefined as NodeJS.Timeout | undefined,
      };
      entry.timer = setTimeout(() => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        this.counters.timedOut++;
        reject(
          this.busy(`none became free within ${(this.options.waitTimeoutMs / 1000).toFixed(1)} s`),
        );
      }, this.options.waitTimeoutMs);
      this.queue.push(entry);
    });
  }

  /** Frees a slot: the next caller in line gets it directly. */
  release(): void {
    this.counters.completed++;
    const next = this.queue.shift();
    if (next) next.grant();
    else this.active--;
  }

  stats(): LimiterStats {
    return {
      size: this.options.size,
      active: this.active,
      waiting: this.queue.length,
      queueSize: this.options.queueSize,
      ...this.counters,
    };
  }

  private busy(why: string): AppError {
    const { name, size, setting } = this.options;
    return new AppError(
      'busy:' + name,
      `The server is busy: ${why} (${size} ${name} slot${size === 1 ? '' : 's'}, ${setting}). Try again in a few seconds.`,
      { details: { retryAfterSeconds: Math.max(1, Math.ceil(this.options.waitTimeoutMs / 2000)) } },
    );
  }
}

/** A key's count in its current fixed window. */
export interface LimitCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again from 0. */
  ttlMs: number;
}

/**
 * Where per-client counters live (the per-minute rate limit, the daily quota, failed API keys):
 * one process's memory (MemoryLimitStore), the cluster's primary over IPC when several worker
 * processes serve one port (cluster-ipc.ts), or later a shared store such as Redis. Counting
 * in one place keeps a limit per client, whatever worker a request lands on.
 */
export interface LimitStore {
  /**
   * Adds `by` (1 unless said; 0 only reads) to the key's count in its window of `windowMs`,
   * starting a window when none is running, and returns the count with that addition.
   * Rejects when the store cannot be reached; each caller decides whether that lets the
   * request through (they all do: see README, Several processes).
   */
  incr(key: string, windowMs: number, by?: number): Promise<LimitCount>;
}

/** Fixed windows in this process's memory, the least recently used keys forgotten past `max`. */
export class MemoryLimitStore implements LimitStore {
  private readonly windows = new Map<string, { count: number; start: number; windowMs: number }>();

  constructor(
    private readonly max = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  incr(key: string, windowMs: number, by = 1): Promise<LimitCount> {
    return Promise.resolve(this.incrNow(key, windowMs, by));
  }

  /** incr without the promise, for the cluster primary that answers workers from it. */
  incrNow(key: string, windowMs: number, by = 1): LimitCount {
    const now = this.now();
    let w = this.windows.get(key);
    if (w && w.start + w.windowMs <= now) {
      this.windows.delete(key);
      w = undefined;
    }
    // A read of a key with no window running starts none.
    if (!w && by === 0) return { count: 0, ttlMs: 0 };
    if (w) this.windows.delete(key);
    else w = { count: 0, start: now, windowMs };
    w.count += by;
    // Re-inserted last: the Map's order is the recency order, its first key the least recent.
    this.windows.set(key, w);
    if (this.windows.size > this.max) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    return { count: w.count, ttlMs: w.start + w.windowMs - now };
  }
}

/** @fastify/rate-limit's store. */
interface RateLimitStore {
  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void;
  child(): RateLimitStore;
}

/**
 * A LimitStore as @fastify/rate-limit's `store` option wants it: a class the plugin constructs,
 * with incr(key, callback, timeWindow) and child(routeOptions). Keys get `namespace` in front,
 * so two limits over the same clients (a minute, a day) count apart.
 */
export function rateLimitStore(store: LimitStore, namespace: string): new () => RateLimitStore {
  return class implements RateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      store.incr(namespace + key, timeWindow).then(
        (r) => callback(null, { current: r.count, ttl: r.ttlMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): RateLimitStore {
      return this;
    }
  };
}
