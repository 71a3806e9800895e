/**
 * The query benchmark: every domain query on the full-size demo database, uncached and cached,
 * against the same SQL run straight through DuckDB (a prepared statement on a bare connection),
 * and uncached again with the rollups switched off (every query on the county fact tables), so
 * one run gives the before and the after of the rollups on the same machine under the same load.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import os from 'node:os';
import {
  createAnalytics,
  createAnalyticsContext,
  type AnalyticsContext,
  type QueryName,
} from '../src/analytics/index.ts';
import { writeResults } from './results-files.ts';
import { createMemoryCache } from '../src/cache/index.ts';
import { ConnectionPool } from '../src/data/pool.ts';
import type { SqlQuery } from '../src/data/sql.ts';

/**
 * One representative call per domain query (what the dashboard and the agent ask most), and
 * two plans; `county` marks the calls that need county rows (the fact tables, never a rollup).
 */
const CASES: [QueryName, Record<string, unknown>, 'county'?][] = [
  ['landUseArea', { states: ['CA'], land_use: 'forest' }],
  ['transitions', { states: ['TX'], year_range: '2020-2050' }],
  ['urbanExpansion', {}],
  ['forestChange', { states: ['South'] }],
  ['agriculturalChange', { states: ['IA', 'IL'] }],
  ['scenarioComparison', { metric: 'forest_loss' }],
  ['stateComparison', { metric: 'urban_expansion' }],
  ['timeSeries', { states: ['FL'] }],
  ['countyDetail', { county: 'Orange County, FL' }, 'county'],
  ['topCounties', { metric: 'urban_expansion', states: ['FL'], limit: 10 }, 'county'],
  ['climateModelSpread', { metric: 'urban_expansion', scenario: 'HH' }],
  ['mapValues', { metric: 'forest_change_pct', level: 'state' }],
  [
    'queryLandUse',
    { measure: 'urban_expansion', breakdown: ['rpa_region', 'scenario'], years: { end: 2050 } },
  ],
  ['dataSummary', {}],
];

interface QueryBenchRow {
  query: QueryName;
  args: Record<string, unknown>;
  /** county: needs county rows, so reads the fact tables with or without rollups. */
  level: 'county' | 'state or nation';
  /** Whether its SQL read a rollup (false for county queries, or a database without them). */
  rollup: boolean;
  statements: number;
  /** Uncached with the rollups switched off: every statement on the county fact tables. */
  factsP50: number;
  factsP95: number;
  uncachedP50: number;
  uncachedP95: number;
  cachedP50: number;
  cachedP95: number;
  directP50: number;
  directP95: number;
  overhead: number;
}

export interface QueryBenchmark {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    /** The 1-minute load average at the start and the end of the run (other work on the machine). */
    loadAverage: [number, number];
  };
  database: string;
  iterations: number;
  /** Whether the database has the rollups (schema version 2). */
  rollups: boolean;
  rows: QueryBenchRow[];
  targets: {
    uncachedP95Ms: number;
    cachedP95Ms: number;
    overhead: number;
    /** Issue 13: every state- or nation-level query, uncached, on the rollups. */
    rollupP95Ms: number;
  };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function timeIt(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runQueryBenchmark(
  options: { db: string; iterations: number; threads: number },
  progress: (fraction: number, stage: string) => void,
): Promise<QueryBenchmark> {
  const loadAtStart = os.loadavg()[0]!;
  const pool = await ConnectionPool.open({
    path: options.db,
    size: 2,
    acquireTimeoutMs: 10_000,
    queryTimeoutMs: 60_000,
    threads: options.threads,
  });
  // The direct baseline: the same read-only settings, one bare connection, prepared statements.
  const instance = await DuckDBInstance.create(options.db, {
    access_mode: 'READ_ONLY',
    enable_external_access: 'false',
    threads: String(options.threads),
  });
  const direct = await instance.connect();
  try {
    const base = await createAnalyticsContext({ pool, path: options.db });
    const cache = createMemoryCache({ maxBytes: 64 << 20, ttlMs: 3_600_000 });
    const uncached = createAnalytics(base);
    const facts = createAnalytics({ ...base, rollups: false });
    const cachedCtx: AnalyticsContext = { ...base, cache };
    const cached = createAnalytics(cachedCtx);
    const rows: QueryBenchRow[] = [];
    for (const [i, [name, args, level]] of CASES.entries()) {
      progress(i / CASES.length, name);
      // Record the statements one call issues, to replay them straight through DuckDB.
      const statements: SqlQuery[] = [];
      const recordingPool = Object.create(pool) as ConnectionPool;
      recordingPool.query = (q) => {
        statements.push('kind' in q ? (q as never) : q);
        return pool.query(q);
      };
      await createAnalytics({ ...base, pool: recordingPool })[name](args as never);
      const run = {
        uncached: () => uncached[name](args as never),
        facts: () => facts[name](args as never),
        cached: () => cached[name](args as never),
        direct: async () => {
          for (const s of statements) {
            const p = await direct.prepare(s.text);
            if (s.params.length) p.bind(s.params, s.types as never);
            await (await p.run()).getRowObjectsJS();
          }
        },
      };
      for (const f of Object.values(run)) await f(); // warm up DuckDB's buffers and the cache
      const n = options.iterations;
      // Uncached and direct alternate, so drift in the machine's load hits both alike. The fact
      // tables run after, on their own: interleaved, their tens of milliseconds of work on both
      // DuckDB threads lengthened the tail of the small queries run just after them.
      const u: number[] = [];
      const d: number[] = [];
      const f: number[] = [];
      for (let k = 0; k < n; k++) {
        u.push(...(await timeIt(1, run.uncached)));
        d.push(...(await timeIt(1, run.direct)));
      }
      for (let k = 0; k < n; k++) f.push(...(await timeIt(1, run.facts)));
      // Cache hits are sub-millisecond: ten times the samples keep p95 from resting on two.
      const c = await timeIt(n * 10, run.cached);
      rows.push({
        query: name,
        args,
        level: level ?? 'state or nation',
        rollup: statements.some((s) => /\bagg_transitions_/.test(s.text)),
        statements: statements.length,
        factsP50: quantile(f, 0.5),
        factsP95: quantile(f, 0.95),
        uncachedP50: quantile(u, 0.5),
        uncachedP95: quantile(u, 0.95),
        cachedP50: quantile(c, 0.5),
        cachedP95: quantile(c, 0.95),
        directP50: quantile(d, 0.5),
        directP95: quantile(d, 0.95),
        overhead: quantile(u, 0.5) / quantile(d, 0.5),
      });
    }
    progress(1, 'done');
    const cpus = os.cpus();
    return {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        node: process.version,
        loadAverage: [loadAtStart, os.loadavg()[0]!],
      },
      database: options.db,
      iterations: options.iterations,
      rollups: base.rollups,
      rows,
      targets: { uncachedP95Ms: 50, cachedP95Ms: 1, overhead: 1.2, rollupP95Ms: 5 },
    };
  } finally {
    direct.closeSync();
    instance.closeSync();
    await pool.close();
  }
}

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(1));

export function queryBenchmarkMarkdown(b: QueryBenchmark): string {
  const t = b.targets;
  const stateNation = b.rows.filter((r) => r.level !== 'county');
  const worst = {
    stateNation: Math.max(...stateNation.map((r) => r.uncachedP95)),
    stateNationFacts: Math.max(...stateNation.map((r) => r.factsP95)),
    uncached: Math.max(...b.rows.map((r) => r.uncachedP95)),
    cached: Math.max(...b.rows.map((r) => r.cachedP95)),
    overhead: Math.max(...b.rows.map((r) => r.overhead)),
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return `${[
    '# Query benchmark',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}, load average ${b.machine.loadAverage.map((l) => l.toFixed(1)).join(' at the start, ')} at the end; ${b.iterations} runs of each query on the full-size demo database${b.rollups ? '' : ' (built without rollups: every query reads the fact tables)'}. Reproduce with \`npm run bench -- queries\`.`,
    '',
    '"Fact tables" is the same call, uncached, with the rollups switched off (every statement on the county facts, as before the rollups), measured in the same run just after; "reads" says what the SQL read.',
    '',
    '| query | reads | SQL statements | uncached p50 / p95 (ms) | fact tables p50 / p95 (ms) | cached p50 / p95 (ms) | DuckDB direct p50 / p95 (ms) | overhead |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...b.rows.map(
      (r) =>
        `| ${r.query} | ${r.rollup ? 'rollup' : r.level === 'county' ? 'facts (counties)' : 'facts'} | ${r.statements} | ${ms(r.uncachedP50)} / ${ms(r.uncachedP95)} | ${ms(r.factsP50)} / ${ms(r.factsP95)} | ${ms(r.cachedP50)} / ${ms(r.cachedP95)} | ${ms(r.directP50)} / ${ms(r.directP95)} | ${r.overhead.toFixed(2)}x |`,
    ),
    '',
    `Targets: every state- or nation-level query uncached p95 at most ${t.rollupP95Ms} ms (worst ${ms(worst.stateNation)} ms, ${ms(worst.stateNationFacts)} ms on the fact tables: ${verdict(worst.stateNation <= t.rollupP95Ms)}), ` +
      `uncached p95 at most ${t.uncachedP95Ms} ms (worst ${ms(worst.uncached)} ms: ${verdict(worst.uncached <= t.uncachedP95Ms)}), ` +
      `cached p95 at most ${t.cachedP95Ms} ms (worst ${ms(worst.cached)} ms: ${verdict(worst.cached <= t.cachedP95Ms)}), ` +
      `overhead over direct DuckDB at most ${t.overhead}x (worst ${worst.overhead.toFixed(2)}x: ${verdict(worst.overhead <= t.overhead)}).`,
  ].join('\n')}\n`;
}

export function writeQueryBenchmark(b: QueryBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'queries', b, queryBenchmarkMarkdown(b));
}
