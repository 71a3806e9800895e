/**
 * The agent's tools: plain factories over the analytics API. Each maps the tool argument
 * conventions (schemas.ts) to one domain query, times it, and renders compact text for the model.
 */
import type { z } from 'zod';
import {
  runGuardedSql,
  type AnalyticsContext,
  type Analytics,
  type AnalyticsResult,
  type Cell,
} from '../../analytics/index.ts';
import type { SqlGuard } from '../../data/guard.ts';
import { AppError } from '../../domain/index.ts';
import { recordToolCall, withOperation } from '../../observability/index.ts';
import { badArg, landUseOfMetric, parseArgs, toMetric, toToolError } from './args.ts';
import { compactSqlText, compactText } from './render.ts';
import { RUN_SQL_SCHEMA, TOOL_DESCRIPTIONS, TOOL_SCHEMAS, type ToolArgs } from './schemas.ts';
import { isSqlTable, TOOL_NAMES, type AgentTool, type SqlTable, type ToolName } from './types.ts';

interface CreateToolsProps {
  analytics: Analytics;
  ctx: AnalyticsContext;
  /** Required when `enableSql` is true. */
  guard?: SqlGuard;
  /** Most rows run_sql returns (LANDUSE_MAX_QUERY_ROWS; default 1000). */
  maxRows?: number;
  /** Adds run_sql (LANDUSE_ENABLE_SQL_TOOL; default false). */
  enableSql?: boolean;
  /** run_sql's bounds: bytes of a result (LANDUSE_MAX_RESULT_BYTES) and its time (LANDUSE_SQL_TIMEOUT). */
  sqlBounds?: { maxBytes: number; timeoutMs: number };
  /** Rows of a result the model sees (default 12). */
  textRows?: number;
  /** Clock for durationMs. */
  now?: () => number;
}

type Runners = { [N in ToolName]: (args: ToolArgs<N>) => Promise<AnalyticsResult> };

/**
 * The agent's tools over one analytics API: the twelve domain tools, and run_sql when enabled
 * (with a guard). Arguments follow the tool conventions; a bad one is AppError 'tool:bad_args'.
 */
export function createTools(props: CreateToolsProps): AgentTool[] {
  const now = props.now ?? (() => performance.now());
  const textRows = props.textRows ?? 12;
  const runners = domainRunners(props.analytics);
  const tools: AgentTool[] = TOOL_NAMES.map((name) =>
    makeTool(name, TOOL_SCHEMAS[name], runners[name] as (a: unknown) => Promise<AnalyticsResult>),
  );
  if (props.enableSql) {
    const guard = props.guard;
    if (!guard) {
      throw new AppError('config:sql_tool', 'The SQL tool is enabled but no SQL guard was given.');
    }
    const maxRows = props.maxRows ?? 1000;
    tools.push(
      makeTool('run_sql', RUN_SQL_SCHEMA, async (args: z.infer<typeof RUN_SQL_SCHEMA>) =>
        sqlTable(
          await runGuardedSql({
            ctx: props.ctx,
            guard,
            sql: args.sql,
            limit: args.limit,
            maxRows,
            ...(props.sqlBounds ?? {}),
          }),
        ),
      ),
    );
  }
  return tools;

  function makeTool<S extends z.ZodObject<z.ZodRawShape>>(
    name: ToolName | 'run_sql',
    schema: S,
    call: (args: z.infer<S>) => Promise<AnalyticsResult | SqlTable>,
  ): AgentTool {
    return {
      name,
      description: TOOL_DESCRIPTIONS[name],
      schema,
      async run(input) {
        let args: z.infer<S> & Record<string, unknown>;
        try {
          args = parseArgs(name, schema, input);
        } catch (error) {
          recordToolCall(name, 0, false);
          throw error;
        }
        const started = now();
        let result: AnalyticsResult | SqlTable;
        try {
          // The queries it runs are labelled with the tool's name (the database metrics).
          result = await withOperation(name, () => call(args));
        } catch (error) {
          recordToolCall(name, Math.max(0, now() - started), false);
          throw toToolError(name, error, args);
        }
        const durationMs = Math.max(0, now() - started);
        recordToolCall(name, durationMs, true);
        return {
          name,
          args: defined(args),
          result,
          text: isSqlTable(result)
            ? compactSqlText(result, textRows)
            : compactText(result, textRows),
          rows: result.rows.length,
          durationMs,
        };
      },
    };
  }
}

function defined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

/** Each tool's mapping from its arguments to the analytics query. */
function domainRunners(a: Analytics): Runners {
  return {
    query_land_use_area: (p) => a.landUseArea(p),
    query_land_use_transitions: (p) => a.transitions(p),
    query_urban_expansion: async ({ source_land_use: source, ...p }) => {
      if (source === 'urban') {
        throw badArg(
          'query_urban_expansion',
          'source_land_use',
          'new urban land comes from crop, pasture, rangeland or forest, never from urban.',
        );
      }
      const r = await a.urbanExpansion(p);
      return source ? onlySource(r, source) : r;
    },
    query_forest_change: async ({ change_type: lead, ...p }) =>
      leadWith(await a.forestChange(p), lead ?? 'net'),
    query_agricultural_change: ({ ag_type, ...p }) =>
      a.agriculturalChange({ ...p, land_use: ag_type }),
    compare_scenarios: ({ metric, ...p }) =>
      a.scenarioComparison({
        ...p,
        metric: toMetric('compare_scenarios', metric ?? 'urban_expansion', undefined),
      }),
    compare_states: ({ metric, land_use, ...p }) =>
      a.stateComparison({ ...p, metric: toMetric('compare_states', metric, land_use) }),
    query_time_series: ({ metric, land_use, ...p }) => {
      const use = metric
        ? (landUseOfMetric(toMetric('query_time_series', metric, land_use)) ?? land_use)
        : land_use;
      return a.timeSeries({ ...p, land_use: use });
    },
    query_by_county: async ({ county, state, scenario, year }) => {
      const r = await a.countyDetail({ county: countyText(county, state), scenario });
      if (year === undefined) return r;
      const fips = String(r.figures.fips);
      return withAreasAt(r, await a.landUseArea({ county: fips, scenario, year }));
    },
    query_top_counties: ({ metric, ...p }) =>
      a.topCounties({ ...p, metric: toMetric('query_top_counties', metric, undefined) }),
    compare_climate_models: ({ metric, ...p }) =>
      a.climateModelSpread({ ...p, metric: toMetric('compare_climate_models', metric, undefined) }),
    get_data_summary: () => a.dataSummary(),
    query_land_use: (plan) => a.queryLandUse(plan),
  };
}

/** "Los Angeles" + "CA" -> "Los Angeles, CA"; a FIPS code or a name with its state stays. */
function countyText(county: string, state: string | undefined): string {
  const c = county.trim();
  if (!state || /^\d{5}$/.test(c) || c.includes(',')) return c;
  return `${c}, ${state.trim()}`;
}

/** Urban expansion narrowed to one source; the total over all sources stays in the figures. */
function onlySource(r: AnalyticsResult, source: string): AnalyticsResult {
  const row = r.rows.find((x) => x.from_use === source) ?? {
    from_use: source,
    acres: 0,
    share_pct: 0,
  };
  return {
    ...r,
    title: `${r.title}: from ${source}`,
    rows: [row],
    figures: {
      source_land_use: source,
      source_acres: row.acres ?? 0,
      source_share_pct: row.share_pct ?? null,
      ...r.figures,
    },
    notes: [
      `Only new urban land from ${source} is listed; total acres counts every source.`,
      ...r.notes,
    ],
  };
}

const LEAD_FIGURE = { net: 'net_acres', loss: 'loss_acres', gain: 'gain_acres' } as const;
const LEAD_COLUMN = { net: 'net', loss: 'lost_to', gain: 'gained_from' } as const;

/** Puts the figure asked for (net, loss or gain) first, and sorts the rows by it. */
function leadWith(r: AnalyticsResult, lead: keyof typeof LEAD_FIGURE): AnalyticsResult {
  const key = LEAD_FIGURE[lead];
  const column = LEAD_COLUMN[lead];
  const size = (x: Record<string, Cell>) => Math.abs(Number(x[column] ?? 0));
  return {
    ...r,
    rows: lead === 'net' ? r.rows : [...r.rows].sort((x, y) => size(y) - size(x)),
    figures: { change_type: lead, [key]: r.figures[key] ?? null, ...r.figures },
  };
}

/** A county's detail with its areas at one year added to the figures. */
function withAreasAt(detail: AnalyticsResult, area: AnalyticsResult): AnalyticsResult {
  const at: Record<string, number | string | null> = { at_year: area.years.start };
  for (const row of area.rows) {
    at[`${String(row.land_use)}_acres_at_year`] = typeof row.acres === 'number' ? row.acres : null;
  }
  return {
    ...detail,
    figures: { ...detail.figures, ...at },
    notes: [...detail.notes, ...area.notes.filter((n) => !detail.notes.includes(n))],
  };
}

function sqlTable(r: Awaited<ReturnType<typeof runGuardedSql>>): SqlTable {
  return {
    kind: 'sql',
    title: `SQL query: ${r.rows.length} rows`,
    columns: r.columns,
    rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c) => [c, toCell(row[c])]))),
    truncated: r.truncated,
    limit: r.limit,
    sql: r.sql,
  };
}

/** A DuckDB value as a table cell: numbers stay numbers, everything else becomes text. */
function toCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}
