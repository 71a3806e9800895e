import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionPool } from '../data/pool.ts';
import type { AnalyticsContext } from './context.ts';
import { QUERIES, type Analytics, type QueryName } from './index.ts';
import type { AnalyticsResult } from './result.ts';

/** One opened database file: its pool, its context and the analytics API bound to them. */
export interface Generation {
  /** 1 for the file opened at start, then one more per reload. */
  readonly id: number;
  readonly path: string;
  /** The file's identity when it was opened (databaseFingerprint), to notice a replacement. */
  readonly fileId: string;
  readonly pool: ConnectionPool;
  readonly ctx: AnalyticsContext;
  readonly analytics: Analytics;
  readonly openedAt: Date;
}

/** A hold on a generation: it stays open until every lease on it is released. */
export interface Lease {
  readonly generation: Generation;
  /** Idempotent. */
  release(): void;
}

/**
 * Ten minutes: a lease never released (a bug) must not keep an old DuckDB instance and its
 * memory forever. Closing then still waits for the queries running on it.
 */
const RETIRE_TIMEOUT_MS = 10 * 60_000;

/**
 * The database generations behind one analytics service. `current()` is the generation pinned by
 * the running request (see `run`), else the newest; `switchTo` makes a new one the newest and
 * closes the old one once the last lease on it is released. So a request that started on the old
 * file finishes on it, and nothing started after the switch reads it.
 */
export class Generations {
  private newest: Generation;
  private readonly pins = new AsyncLocalStorage<Generation>();
  private readonly leases = new Map<Generation, number>();
  /** Replaced generations not closed yet: `release` starts the close, `closed` is its end. */
  private readonly retiring = new Map<Generation, { release: () => void; closed: Promise<void> }>();
  private closed = false;

  constructor(
    first: Generation,
    private readonly options: { retireTimeoutMs?: number } = {},
  ) {
    this.newest = first;
  }

  /** The generation the current request is pinned to, else the newest. */
  current(): Generation {
    return this.pins.getStore() ?? this.newest;
  }

  /** The generation new requests get. */
  serving(): Generation {
    return this.newest;
  }

  /** Old generations still open because requests that started on them are running. */
  draining(): number {
    return this.retiring.size;
  }

  /** Holds `generation` (default: the current one) open until `release`. */
  lease(generation: Generation = this.current()): Lease {
    this.leases.set(generation, (this.leases.get(generation) ?? 0) + 1);
    let released = false;
    return {
      generation,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.leases.get(generation) ?? 1) - 1;
        if (left > 0) {
          this.leases.set(generation, left);
          return;
        }
        this.leases.delete(generation);
        this.retiring.get(generation)?.release();
      },
    };
  }

  /** Runs `fn` (and everything it starts) with `generation` as the current one. */
  run<T>(generation: Generation, fn: () => T): T {
    return this.pins.run(generation, fn);
  }

  /**
   * Makes `next` the newest generation. The one it replaces is closed once its last lease is
   * released (at once when none is held, or after ten minutes whatever is held); the returned
   * promise settles then.
   */
  switchTo(next: Generation): Promise<void> {
    if (this.closed) return next.pool.close();
    const old = this.newest;
    this.newest = next;
    return this.retire(old);
  }

  /** Closes every generation (waiting for the queries running on them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = [...this.retiring.values()].map((r) => {
      r.release();
      return r.closed;
    });
    await Promise.all([...closing, this.newest.pool.close()]);
  }

  private retire(old: Generation): Promise<void> {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(release, this.options.retireTimeoutMs ?? RETIRE_TIMEOUT_MS);
    timer.unref();
    const closed = released.then(() => {
      clearTimeout(timer);
      this.retiring.delete(old);
      this.leases.delete(old);
      return old.pool.close();
    });
    this.retiring.set(old, { release, closed });
    if ((this.leases.get(old) ?? 0) === 0) release();
    return closed;
  }
}

/**
 * A context whose every field reads the current generation's: holders that keep the object (the
 * agent's tools, made once per provider) still read the file the request is pinned to.
 */
export function liveContext(generations: Generations): AnalyticsContext {
  const ctx = () => generations.current().ctx;
  return {
    get pool() {
      return ctx().pool;
    },
    get cache() {
      return ctx().cache;
    },
    get fingerprint() {
      return ctx().fingerprint;
    },
    get dataset() {
      return ctx().dataset;
    },
    get loadedAt() {
      return ctx().loadedAt;
    },
    get buildId() {
      return ctx().buildId;
    },
    get counties() {
      return ctx().counties;
    },
    get periods() {
      return ctx().periods;
    },
    get rollups() {
      return ctx().rollups;
    },
  };
}

/** The analytics API with its parameter types erased (each query validates its input). */
type Untyped = Record<QueryName, (input?: unknown) => Promise<AnalyticsResult>>;

/** The analytics API of the current generation, under the same stable object. */
export function liveAnalytics(generations: Generations): Analytics {
  const api = {} as Untyped;
  for (const name of Object.keys(QUERIES) as QueryName[]) {
    api[name] = (input?: unknown) => (generations.current().analytics as Untyped)[name](input);
  }
  return api;
}
