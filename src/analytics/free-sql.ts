import { AppError } from '../domain/index.ts';
import { cacheKey } from '../cache/index.ts';
import { wrapWithLimit, type SqlGuard } from '../data/guard.ts';
import { userSqlError } from '../data/guard-errors.ts';
import type { AnalyticsContext } from './context.ts';

/** The byte bound when the caller names none (the default of LANDUSE_MAX_RESULT_BYTES). */
const DEFAULT_MAX_RESULT_BYTES = 8 * 2 ** 20;

/** Longer text cells are cut to this many characters, with a marker giving the full length. */
const MAX_CELL_CHARS = 10_000;

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when the query had more rows than the limit, or more bytes than the byte bound. */
  truncated: boolean;
  /** Which bound cut the result: `rows` (the row limit) or `bytes` (LANDUSE_MAX_RESULT_BYTES). */
  truncatedReason: 'rows' | 'bytes' | null;
  /** What was left out and how to get it, for people; null when nothing was. */
  notice: string | null;
  elapsedMs: number;
  /** The statement as it ran: DuckDB's own rewrite of the query, wrapped with the row limit. */
  sql: string;
  limit: number;
}

interface Cached {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: 'rows' | 'bytes' | undefined;
  cutCells: number;
}

/**
 * Free-form SQL for the explorer and the opt-in agent tool: checked by the parser-based guard
 * (one read-only query over the land use tables, no oversized generated values), wrapped with a
 * row limit it cannot see past, streamed from the read-only pool with its own (shorter) timeout
 * and read only up to `maxBytes`, through the cache. A rejected statement, or one DuckDB refuses
 * as wrong (binder, conversion, out of range, error()), throws an AppError whose code starts with
 * `sql:` and whose message is the one-line reason; other failures pass through as they are.
 */
export async function runGuardedSql(props: {
  ctx: AnalyticsContext;
  guard: SqlGuard;
  sql: string;
  limit?: number | undefined;
  /** The most rows any query may return (LANDUSE_MAX_QUERY_ROWS). */
  maxRows: number;
  /** The most bytes of rows (as JSON) a result may carry (LANDUSE_MAX_RESULT_BYTES). */
  maxBytes?: number | undefined;
  /** How long the query may run (LANDUSE_SQL_TIMEOUT); the pool's timeout when unset. */
  timeoutMs?: number | undefined;
}): Promise<SqlResult> {
  const { ctx } = props;
  const maxBytes = props.maxBytes ?? DEFAULT_MAX_RESULT_BYTES;
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
    ? cacheKey({
        sql: text,
        params: [maxBytes],
        fingerprint: ctx.fingerprint,
        namespace: 'sql',
      })
    : undefined;
  let result = key ? await ctx.cache?.get<Cached>(key) : undefined;
  if (!result) {
    try {
      const r = await ctx.pool.queryBounded(text, {
        maxRows: limit,
        maxBytes,
        maxCellChars: MAX_CELL_CHARS,
        timeoutMs: props.timeoutMs,
      });
      result = { columns: r.columns, rows: r.rows, truncated: r.truncated, cutCells: r.cutCells };
    } catch (error) {
      throw userSqlError(error) ?? error;
    }
    if (key) await ctx.cache?.set(key, result);
  }
  const reason = result.truncated ?? null;
  return {
    columns: result.columns,
    rows: result.rows,
    truncated: reason !== null,
    truncatedReason: reason,
    notice: noticeOf(reason, result, limit, maxBytes),
    elapsedMs: performance.now() - started,
    sql: text,
    limit,
  };
}

function noticeOf(
  reason: 'rows' | 'bytes' | null,
  result: Cached,
  limit: number,
  maxBytes: number,
): string | null {
  const parts: string[] = [];
  if (reason === 'rows') {
    parts.push(
      `Truncated at ${limit} rows: raise the limit (up to LANDUSE_MAX_QUERY_ROWS), filter or aggregate.`,
    );
  } else if (reason === 'bytes') {
    parts.push(
      `Only the first ${result.rows.length} rows are shown: the result passed ${formatBytes(maxBytes)} (LANDUSE_MAX_RESULT_BYTES); select fewer or shorter columns.`,
    );
  }
  if (result.cutCells > 0) {
    parts.push(
      `${result.cutCells} value${result.cutCells === 1 ? ' was' : 's were'} longer than ${MAX_CELL_CHARS.toLocaleString('en-US')} characters and cut.`,
    );
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(bytes % 2 ** 20 === 0 ? 0 : 1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(bytes % 2 ** 10 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
