/**
 * Performance history: a snapshot of the key figures every LANDUSE_METRICS_INTERVAL seconds,
 * kept in a bounded in-memory ring (the last hour) and, on a server that keeps its threads on
 * disk, in a SQLite file beside them for LANDUSE_METRICS_RETENTION hours (older rows are
 * deleted as new ones are written). GET /api/metrics/history reads it.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The figures of one interval. Counts are for the interval; gauges are read at its end. */
export interface Snapshot {
  /** End of the interval, epoch milliseconds. */
  t: number;
  /** Length of the interval, seconds. */
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Server errors (5xx) among the requests. */
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  cacheHits: number;
  cacheMisses: number;
  cacheHitRate: number | null;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  rssBytes: number;
  heapUsedBytes: number;
  agentsBusy: number;
  agentsQueued: number;
  agentPoolSize: number;
  dbConnectionsInUse: number;
  dbConnectionsWaiting: number;
  dbPoolSize: number;
  activeStreams: number;
  activeAlerts: number;
}

/** The newest `capacity` snapshots, oldest first. */
export class HistoryRing {
  private readonly items: Snapshot[] = [];

  constructor(readonly capacity: number) {}

  push(s: Snapshot): void {
    this.items.push(s);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Snapshots at or after `since` (epoch ms). */
  since(since: number): Snapshot[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.t < since) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo);
  }

  /** The oldest snapshot's time, or undefined when empty. */
  oldest(): number | undefined {
    return this.items[0]?.t;
  }

  latest(): Snapshot | undefined {
    return this.items.at(-1);
  }
}

/** Snapshots in SQLite, one row each (the figures as JSON), pruned to the retention. */
export class HistoryStore {
  private readonly db: Database.Database;
  private readonly insertRow: Database.Statement<[number, string]>;
  private readonly pruneRows: Database.Statement<[number]>;
  private readonly readRows: Database.Statement<[number, number], { data: string }>;

  constructor(
    path: string,
    private readonly retentionMs: number,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS metric_snapshots (t INTEGER PRIMARY KEY, data TEXT NOT NULL)',
    );
    this.insertRow = this.db.prepare(
      'INSERT OR REPLACE INTO metric_snapshots (t, data) VALUES (?, ?)',
    );
    this.pruneRows = this.db.prepare('DELETE FROM metric_snapshots WHERE t < ?');
    this.readRows = this.db.prepare(
      'SELECT data FROM metric_snapshots WHERE t >= ? ORDER BY t LIMIT ?',
    );
  }

  /** Writes a snapshot and deletes those past the retention. */
  write(s: Snapshot): void {
    this.insertRow.run(s.t, JSON.stringify(s));
    this.pruneRows.run(s.t - this.retentionMs);
  }

  /** Snapshots at or after `since`, oldest first, at most `limit`. */
  since(since: number, limit: number): Snapshot[] {
    return this.readRows.all(since, limit).map((r) => JSON.parse(r.data) as Snapshot);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM metric_snapshots').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Snapshots merged into steps of `stepSeconds`: counts summed and rates recomputed; quantiles the
 * highest of the merged snapshots (the worst moment of the step); gauges as at the step's end.
 */
export function downsample(points: readonly Snapshot[], stepSeconds: number): Snapshot[] {
  const stepMs = stepSeconds * 1000;
  const out: Snapshot[] = [];
  let group: Snapshot[] = [];
  let groupEnd = 0;
  const flush = () => {
    if (group.length > 0) out.push(merge(group));
    group = [];
  };
  for (const p of points) {
    const end = Math.ceil(p.t / stepMs) * stepMs;
    if (end !== groupEnd) {
      flush();
      groupEnd = end;
    }
    group.push(p);
  }
  flush();
  return out;
}

function merge(group: readonly Snapshot[]): Snapshot {
  if (group.length === 1) return group[0]!;
  const last = group.at(-1)!;
  const sum = (k: keyof Snapshot) => group.reduce((s, p) => s + (p[k] ?? 0), 0);
  const max = (k: 'p50Ms' | 'p95Ms' | 'p99Ms') => {
    const xs = group.map((p) => p[k]).filter((v): v is number => v !== null);
    return xs.length > 0 ? Math.max(...xs) : null;
  };
  const seconds = sum('seconds');
  const requests = sum('requests');
  const errors = sum('errors');
  const hits = sum('cacheHits');
  const misses = sum('cacheMisses');
  return {
    ...last,
    seconds,
    requests,
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    errors,
    errorRate: requests > 0 ? errors / requests : null,
    p50Ms: max('p50Ms'),
    p95Ms: max('p95Ms'),
    p99Ms: max('p99Ms'),
    cacheHits: hits,
    cacheMisses: misses,
    cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : null,
    modelCalls: sum('modelCalls'),
    inputTokens: sum('inputTokens'),
    outputTokens: sum('outputTokens'),
    rssBytes: Math.max(...group.map((p) => p.rssBytes)),
  };
}
