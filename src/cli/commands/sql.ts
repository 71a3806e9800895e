import { openAnalytics } from '../../analytics/open.ts';
import { runGuardedSql, type SqlResult } from '../../analytics/index.ts';
import { cliConfig } from '../context.ts';
import { cellText, table } from '../format.ts';
import { DEMO_NOTICE } from './info.ts';

/**
 * `landuse sql "SELECT ..."`: one read-only query through the guard. A rejected statement exits
 * 2 with its one-line reason; `--json` prints {columns, rows, truncated, elapsedMs}.
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
    });
    if (opts.json) {
      const { columns, rows, truncated, elapsedMs } = result;
      process.stdout.write(`${JSON.stringify({ columns, rows, truncated, elapsedMs })}\n`);
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
    r.rows.map((row) => r.columns.map((c) => cellText(row[c]))),
  );
  const count = `${r.rows.length} row${r.rows.length === 1 ? '' : 's'} in ${r.elapsedMs.toFixed(1)} ms`;
  return r.truncated
    ? `${body}\n${count}: truncated at ${r.limit} rows (raise --limit, up to LANDUSE_MAX_QUERY_ROWS, or aggregate).`
    : `${body}\n${count}`;
}
