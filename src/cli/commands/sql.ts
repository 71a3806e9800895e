import { openAnalytics } from '../../analytics/open.ts';
import { runGuardedSql, type SqlResult } from '../../analytics/index.ts';
import { cliConfig } from '../context.ts';
import { cellText, table } from '../format.ts';
import { DEMO_NOTICE } from './info.ts';

/**
 * `landuse sql "SELECT ..."`: one read-only query through the guard, bounded in rows, bytes
 * (LANDUSE_MAX_RESULT_BYTES) and time (LANDUSE_SQL_TIMEOUT). A rejected statement, or one DuckDB
 * finds wrong, exits 2 with its one-line reason; `--json` prints {columns, rows, truncated,
 * truncatedReason, notice, elapsedMs}.
 */
export async function sqlCommand(
  query: string,
  opts: { json?: boolean; limit?: number; db?: string },
): Promise<void> {
  const config = cliConfig();
  const service = await openAnalytics(config, { path: opts.db, cache: false, poolSize: 1 });
  try {
    // A rejection is an AppError in the `sql` area: the CLI's one catch prints "Rejected: ..."
    // and exits 2.
    const result: SqlResult = await runGuardedSql({
      ctx: service.ctx,
      guard: service.guard,
      sql: query,
      limit: opts.limit,
      maxRows: config.maxQueryRows,
      maxBytes: config.maxResultBytes,
      timeoutMs: Math.min(config.sqlTimeoutSeconds, config.maxExecutionTimeSeconds) * 1000,
    });
    if (opts.json) {
      const { columns, rows, truncated, truncatedReason, notice, elapsedMs } = result;
      process.stdout.write(
        `${JSON.stringify({ columns, rows, truncated, truncatedReason, notice, elapsedMs })}\n`,
      );
      return;
    }
    process.stdout.write(`${presentSql(result)}\n`);
    if (service.ctx.dataset === 'demo') process.stderr.write(`${DEMO_NOTICE}\n`);
  } finally {
    await service.close();
  }
}

function presentSql(r: SqlResult): string {
  const body = table(
    r.columns,
    r.rows.map((row) => r.columns.map((c) => cellText(row[c], c))),
  );
  const count = `${r.rows.length} row${r.rows.length === 1 ? '' : 's'} in ${r.elapsedMs.toFixed(1)} ms`;
  return r.notice ? `${body}\n${count}: ${r.notice}` : `${body}\n${count}`;
}
