import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEMO_NOTE } from '../../analytics/common.ts';
import { runGuardedSql } from '../../analytics/index.ts';
import { EXPLORER_TABLES } from '../../data/guard.ts';
import { DESCRIPTIONS, TABLES } from '../../data/schema.ts';
import { ident, join, sql } from '../../data/sql.ts';
import type { ServerDeps } from '../deps.ts';
import { errors, sqlResultSchema } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

const TAGS = ['Explorer'];

/**
 * Whose free-form SQL this is, for the per-client share of the SQL slots (deps.sql): the
 * caller's bucket (callers.ts): its API key, or its address when the API has no keys (an
 * anonymous visitor can drop its cookie, never its address).
 */
function sqlClientOf(request: FastifyRequest): string {
  return request.caller.bucket;
}

/** The longest statement the explorer takes (the guard has its own, larger, bound). */
export const MAX_SQL_CHARS = 10_000;

const sqlBody = z.object({
  sql: z
    .string()
    .min(1)
    .max(MAX_SQL_CHARS)
    .describe('One read-only query (SELECT, WITH, VALUES) over the land use tables and views'),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most rows to return (default and ceiling: LANDUSE_MAX_QUERY_ROWS)'),
});

interface SchemaColumn {
  name: string;
  type: string;
  nullable: boolean;
}
interface SchemaTable {
  name: string;
  kind: 'table' | 'view';
  description: string;
  /** Rows in a table; null for a view (counting one means running it). */
  rowCount: number | null;
  columns: SchemaColumn[];
}
interface SchemaInfo {
  tables: SchemaTable[];
  examples: { title: string; sql: string }[];
}

/** Queries to start from; the explorer test runs each through the guard. */
export const EXAMPLE_QUERIES: readonly { title: string; sql: string }[] = [
  {
    title: 'Urban expansion by state, 2020-2070 (ensemble mean)',
    sql: `SELECT state_abbrev, sum(acres) AS new_urban_acres
FROM v_default_transitions
WHERE to_landuse = 'Urban' AND from_landuse <> 'Urban'
GROUP BY state_abbrev ORDER BY new_urban_acres DESC LIMIT 10`,
  },
  {
    title: 'Forest loss by scenario, 2020-2070',
    sql: `SELECT rpa_code, scenario_name, sum(acres) AS forest_lost_acres
FROM v_landuse_changes
WHERE from_landuse = 'Forest' AND start_year >= 2020
GROUP BY ALL ORDER BY forest_lost_acres DESC`,
  },
  {
    title: 'Area of each use over time in one county (Los Angeles, 06037)',
    sql: `SELECT year, landuse_name, acres
FROM v_land_area_by_year
WHERE fips_code = '06037' AND rpa_code = 'OVERALL'
ORDER BY year, landuse_name`,
  },
  {
    title: 'Largest transitions between uses, 2020-2030',
    sql: `SELECT from_landuse, to_landuse, sum(acres) AS acres
FROM v_landuse_changes
WHERE rpa_code = 'OVERALL' AND year_range = '2020-2030'
GROUP BY ALL ORDER BY acres DESC LIMIT 10`,
  },
  {
    title: 'Spread of urban expansion across the climate-model runs (HH)',
    sql: `SELECT m.climate_model, sum(f.acres) AS new_urban_acres
FROM fact_landuse_transitions_gcm f
JOIN dim_climate_model m USING (climate_model_id)
JOIN dim_scenario s USING (scenario_id)
JOIN dim_landuse l ON l.landuse_id = f.to_landuse_id
WHERE s.rpa_code = 'HH' AND l.landuse_code = 'ur' AND f.transition_type = 'change'
GROUP BY ALL ORDER BY new_urban_acres DESC`,
  },
];

/**
 * The SQL explorer: guarded free-form queries, and the schema they can read (tables, views,
 * columns, row counts, example queries). The schema is read once per database (reloads change it).
 */
export function explorerRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  let schema: Promise<SchemaInfo> | undefined;
  // Read again after a data reload (row counts change): kept for one database only.
  let schemaOf: string | undefined;

  app.post(
    '/api/sql',
    {
      schema: {
        tags: TAGS,
        summary: 'Run one read-only SQL query',
        description:
          'The query is parsed by DuckDB and refused (400, with the reason) unless it is a single read-only query over the land use tables and views; a query DuckDB finds wrong (unknown column, bad cast, overflow) is also a 400 with its reason. It runs on the read-only pool within LANDUSE_SQL_TIMEOUT (504 after), a few at a time and one per client (503 + Retry-After when busy); at most LANDUSE_MAX_QUERY_ROWS rows and LANDUSE_MAX_RESULT_BYTES bytes come back (`truncated` and `truncatedReason` say when there was more), and values longer than 10,000 characters are cut.',
        body: sqlBody,
        response: { 200: sqlResultSchema.omit({ sql: true }), ...errors(400, 503, 504) },
      },
    },
    async (request) => {
      const { config } = deps;
      const r = await deps.sql.run(sqlClientOf(request), () =>
        runGuardedSql({
          ctx: deps.service.ctx,
          guard: deps.service.guard,
          sql: request.body.sql,
          limit: request.body.limit,
          maxRows: config.maxQueryRows,
          maxBytes: config.maxResultBytes,
          timeoutMs: Math.min(config.sqlTimeoutSeconds, config.maxExecutionTimeSeconds) * 1000,
        }),
      );
      return {
        columns: r.columns,
        rows: r.rows,
        truncated: r.truncated,
        truncatedReason: r.truncatedReason,
        notice: r.notice,
        limit: r.limit,
        elapsedMs: Math.round(r.elapsedMs * 10) / 10,
      };
    },
  );

  app.get(
    '/api/schema',
    {
      schema: {
        tags: TAGS,
        summary: 'Tables and views the explorer can query',
        description:
          'Each table and view with its description, columns and types, the row count of each table, and example queries.',
      },
    },
    async () => {
      if (schemaOf !== deps.service.ctx.fingerprint) {
        schemaOf = deps.service.ctx.fingerprint;
        schema = undefined;
      }
      schema ??= readSchema(deps).catch((error: unknown) => {
        // A failed read is not kept: the next request tries again.
        schema = undefined;
        throw error;
      });
      const { dataset } = deps.service.ctx;
      return { dataset, notice: dataset === 'demo' ? DEMO_NOTE : null, ...(await schema) };
    },
  );
  // Declaring routes is synchronous; the Promise keeps the signature every route module shares.
  return Promise.resolve();
}

/** Columns from DuckDB's catalog, row counts of the tables, descriptions from schema.ts. */
async function readSchema(deps: ServerDeps): Promise<SchemaInfo> {
  const { pool } = deps.service;
  const catalog = await pool.query({
    text: `SELECT c.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
           WHERE c.table_schema = 'main'
           ORDER BY c.table_name, c.ordinal_position`,
    params: [],
    types: [],
  });
  // A database built before the rollups (schema version 1) has none of their tables.
  const present = new Set(catalog.rows.map((row) => String(row.table_name)));
  const tables = TABLES.filter((t) => EXPLORER_TABLES.includes(t) && present.has(t));
  const counts = await pool.query(
    join(
      tables.map((t) => sql`SELECT ${t} AS name, count(*) AS n FROM ${ident(t, tables)}`),
      ' UNION ALL ',
    ),
  );
  const byName = new Map<string, SchemaTable>();
  for (const row of catalog.rows) {
    const name = String(row.table_name);
    if (!EXPLORER_TABLES.includes(name)) continue;
    let table = byName.get(name);
    if (!table) {
      const n = counts.rows.find((c) => c.name === name)?.n;
      table = {
        name,
        kind: String(row.table_type) === 'VIEW' ? 'view' : 'table',
        description: DESCRIPTIONS[name] ?? '',
        rowCount: n === undefined ? null : Number(n),
        columns: [],
      };
      byName.set(name, table);
    }
    table.columns.push({
      name: String(row.column_name),
      type: String(row.data_type),
      nullable: String(row.is_nullable) === 'YES',
    });
  }
  // Tables first in schema.ts's order, then views.
  const order = (t: SchemaTable) => EXPLORER_TABLES.indexOf(t.name);
  return {
    tables: [...byName.values()].sort((a, b) => order(a) - order(b)),
    examples: [...EXAMPLE_QUERIES],
  };
}
