import { AppError } from '../domain/index.ts';
import { cacheKey } from '../cache/index.ts';
import { wrapWithLimit, type SqlGuard } from '../data/guard.ts';
import type { AnalyticsContext } from './context.ts';

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when the query had more rows than the limit; only the first `limit` are returned. */
  truncated: boolean;
  elapsedMs: number;
  /** The statement as it ran: DuckDB's own rewrite of the query, wrapped with the row limit. */
  sql: string;
  limit: number;
}

/**
 * Free-form SQL for the explorer and the opt-in agent tool: checked by the parser-based guard
 * (one read-only query over the land use tables), wrapped with a row limit it cannot see past,
 * run on the read-only pool with its timeout, through the cache. A rejected statement throws an
 * AppError whose code starts with `sql:` and whose message is the one-line reason.
 */
export async function runGuardedSql(props: {
  ctx: AnalyticsContext;
  guard: SqlGuard;
  sql: string;
  limit?: number | undefined;
  /** The most rows any query may return (LANDUSE_MAX_QUERY_ROWS). */
  maxRows: number;
}): Promise<SqlResult> {
  const { ctx } = props;
  const limit = Math.min(props.limit ?? props.maxRows, props.maxRows);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new AppError(
      'sql:bad_limit',
      `The row limit must be a whole number from 1 to ${props.maxRows}.`,
    );
  }
  const checked = await props.guard.check(props.sql);
  if (!checked.ok) throw new AppError(checked.code, checked.reason);
  const text = wrapWithLimit(checked.sql, limit);
  const started = performance.now();
  const key = ctx.cache
    ? cacheKey({ sql: text, params: [], fingerprint: ctx.fingerprint, namespace: 'sql' })
    : undefined;
  let result = key
    ? await ctx.cache?.get<{ columns: string[]; rows: Record<string, unknown>[] }>(key)
    : undefined;
  if (!result) {
    const r = await ctx.pool.query({ text, params: [], types: [] });
    result = { columns: r.columns, rows: r.rows };
    if (key) await ctx.cache?.set(key, result);
  }
  const truncated = result.rows.length > limit;
  return {
    columns: result.columns,
    rows: truncated ? result.rows.slice(0, limit) : result.rows,
    truncated,
    elapsedMs: performance.now() - started,
    sql: text,
    limit,
  };
}
