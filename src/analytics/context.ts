import type { ResultCache } from '../cache/index.ts';
import { render, type SqlFragment } from '../data/sql.ts';
import type { ConnectionPool } from '../data/pool.ts';
import { cacheKey, databaseFingerprint } from '../cache/index.ts';
import { ROLLUP_TABLES } from '../data/schema.ts';
import { LOAD_METADATA_SQL, loadStampOf } from '../data/dataset-meta.ts';
import type { CountyRef, Horizon } from './resolve.ts';

/** What the domain queries need: the pool, an optional cache, and facts about the database. */
export interface AnalyticsContext {
  pool: ConnectionPool;
  cache?: ResultCache | undefined;
  /**
   * Names the database's contents in cache keys, so a reload never serves stale results:
   * `build:<build_id>` from load_metadata (the same for copies of one file, so servers sharing
   * a cache share its keys), else the file's identity (databaseFingerprint).
   */
  fingerprint: string;
  dataset: 'demo' | 'rpa';
  /** When the database was loaded, and the load's id (null in databases built before it). */
  loadedAt: string | null;
  buildId: string | null;
  counties: readonly CountyRef[];
  /** The periods that hold data, in order (all six for a full file). */
  periods: readonly Horizon[];
  /**
   * Whether the database has the rollups (schema version 2): queries that need no county then
   * read them instead of the fact tables. False for a version-1 database, or to force the facts.
   */
  rollups: boolean;
}

interface Rows {
  rows: Record<string, unknown>[];
  sql: string;
  params: unknown[];
  cached: boolean;
}

/**
 * Loads what every query needs once: the county list, the dataset kind and its load stamp.
 * `fileFingerprint`, when given, is the file's identity taken before the pool opened it (the
 * fallback fingerprint must describe the file the pool reads, not one renamed over it since).
 */
export async function createAnalyticsContext(props: {
  pool: ConnectionPool;
  path: string;
  cache?: ResultCache;
  fileFingerprint?: string;
}): Promise<AnalyticsContext> {
  const counties = await props.pool.query({
    text: 'SELECT fips_code AS fips, county_name AS name, state_abbrev AS state FROM dim_geography ORDER BY fips_code',
    params: [],
    types: [],
  });
  const meta = await props.pool.query({ text: LOAD_METADATA_SQL, params: [], types: [] });
  const stamp = loadStampOf(meta.rows);
  const periods = await props.pool.query({
    text: `SELECT start_year AS start, end_year AS "end" FROM dim_time
           WHERE time_id IN (SELECT DISTINCT time_id FROM fact_landuse_transitions) ORDER BY start_year`,
    params: [],
    types: [],
  });
  // Table names are fixed text from schema.ts, never input.
  const rollups = await props.pool.query({
    text: `SELECT count(*) AS n FROM information_schema.tables
           WHERE table_name IN (${ROLLUP_TABLES.map((t) => `'${t}'`).join(', ')})`,
    params: [],
    types: [],
  });
  return {
    pool: props.pool,
    periods: periods.rows as unknown as Horizon[],
    rollups: Number(rollups.rows[0]?.n) === ROLLUP_TABLES.length,
    cache: props.cache,
    fingerprint: stamp.buildId
      ? `build:${stamp.buildId}`
      : (props.fileFingerprint ?? (await databaseFingerprint(props.path))),
    dataset: stamp.dataset,
    loadedAt: stamp.loadedAt,
    buildId: stamp.buildId,
    counties: counties.rows as unknown as CountyRef[],
  };
}

/** Runs a query through the cache: same SQL, parameters and database give the same rows. */
export async function runRows(ctx: AnalyticsContext, fragment: SqlFragment): Promise<Rows> {
  const q = render(fragment);
  const params = q.params.map(plain);
  const key = ctx.cache
    ? cacheKey({ sql: q.text, params, fingerprint: ctx.fingerprint })
    : undefined;
  if (ctx.cache && key) {
    const hit = await ctx.cache.get<Record<string, unknown>[]>(key);
    if (hit) return { rows: hit, sql: q.text, params, cached: true };
  }
  const result = await ctx.pool.query(q);
  if (ctx.cache && key) await ctx.cache.set(key, result.rows);
  return { rows: result.rows, sql: q.text, params, cached: false };
}

/** A bound value as plain JSON (lists come back as arrays). */
function plain(v: unknown): unknown {
  if (v && typeof v === 'object' && 'items' in v) return (v as { items: unknown[] }).items;
  return v;
}
