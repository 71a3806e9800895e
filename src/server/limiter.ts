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
