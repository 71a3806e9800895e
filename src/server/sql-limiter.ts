import { Limiter, type LimiterStats } from './limiter.ts';

interface SqlLimiterOptions {
  /** Free-form queries running at once over all clients; kept below the pool size. */
  size: number;
  /** Free-form queries one client may run at once. */
  perClient: number;
  /** Queries that may wait for a slot (overall, and per client) before a 503. */
  queueSize: number;
  waitTimeoutMs: number;
}

/**
 * Fair room for free-form SQL: a `Limiter` for all clients together and one per client, so one
 * client's slow queries wait behind each other (or get a 503 + Retry-After) instead of filling
 * the shared slots, and free SQL as a whole never holds every DuckDB connection: the agent and
 * the dashboards always find one. A client's limiter is dropped once it is idle.
 */
export class SqlLimiter {
  private readonly overall: Limiter;
  private readonly clients = new Map<string, Limiter>();

  constructor(private readonly options: SqlLimiterOptions) {
    this.overall = new Limiter({
      name: 'sql',
      size: options.size,
      queueSize: options.queueSize,
      waitTimeoutMs: options.waitTimeoutMs,
      setting: 'LANDUSE_POOL_SIZE',
    });
  }

  /** Runs `job` once both the client and the service have a free slot. */
  async run<T>(client: string, job: () => Promise<T>): Promise<T> {
    let mine = this.clients.get(client);
    if (!mine) {
      mine = new Limiter({
        name: 'sql',
        size: this.options.perClient,
        queueSize: this.options.queueSize,
        waitTimeoutMs: this.options.waitTimeoutMs,
        setting: `${this.options.perClient} per client`,
      });
      this.clients.set(client, mine);
    }
    const limiter = mine;
    try {
      return await limiter.run(() => this.overall.run(job));
    } finally {
      const s = limiter.stats();
      if (s.active === 0 && s.waiting === 0) this.clients.delete(client);
    }
  }

  stats(): LimiterStats & { clients: number } {
    return { ...this.overall.stats(), clients: this.clients.size };
  }
}
