import { z } from 'zod';
import { exportParams, exportQuery, resolveExport } from '../../analytics/export/index.ts';
import { sql } from '../../data/sql.ts';
import type { ServerDeps } from '../deps.ts';
import { errors } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

/** The export's filters without the format (a count is the same for every format). */
const countParams = exportParams.extend({ format: exportParams.shape.format.optional() });

/**
 * GET /api/export/count: how many rows GET /api/export would write for the same filters, so the
 * web app can say so before downloading. The same resolver (a bad filter is the same 400) and
 * the same query, counted by DuckDB.
 */
export function exportCountRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  app.get(
    '/api/export/count',
    {
      schema: {
        tags: ['Export'],
        summary: 'Count the rows an export would hold',
        querystring: countParams,
        response: {
          200: z.object({ rows: z.number(), level: z.string() }),
          ...errors(400, 401, 429, 503),
        },
      },
    },
    async (request) => {
      const spec = resolveExport(deps.service.ctx, { ...request.query, format: 'csv' });
      const result = await deps.service.pool.query(
        sql`SELECT count(*)::BIGINT AS n FROM (${exportQuery(spec)})`,
      );
      return { rows: Number(result.rows[0]?.n ?? 0), level: spec.level };
    },
  );
  return Promise.resolve();
}
