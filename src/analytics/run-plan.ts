import { CLIMATE_MODELS, LAND_USES, SCENARIOS } from '../domain/index.ts';
import { num, parse, result, yearsLabel } from './common.ts';
import { compilePlan } from './compile.ts';
import { runRows, type AnalyticsContext } from './context.ts';
import { queryPlanSchema, type Breakdown, type Measure, type ResolvedPlan } from './plan.ts';
import { resolvePlan } from './plan-resolve.ts';
import type { AnalyticsResult, Cell } from './result.ts';

const LABELS: Readonly<Record<Measure, string>> = {
  area: 'Area',
  change: 'Net change',
  gain: 'Gain',
  loss: 'Loss',
  flow: 'Land moving',
  share: 'Share of all land',
  percent_change: 'Percent change',
};

/** Result columns per breakdown (the SQL's ids become codes, keys and names here). */
const COLUMNS: Readonly<Record<Breakdown, string[]>> = {
  scenario: ['scenario'],
  climate_model: ['climate_model'],
  period: ['period'],
  year: ['year'],
  rpa_region: ['rpa_region'],
  rpa_subregion: ['rpa_subregion'],
  census_region: ['census_region'],
  state: ['state', 'state_name'],
  county: ['fips', 'county', 'state'],
  land_use: ['land_use'],
  from_use: ['from_use'],
  to_use: ['to_use'],
};

const useKey = (id: unknown) => LAND_USES[num(id) - 1]?.key ?? null;
const text = (v: unknown): Cell =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

function keyCells(b: Breakdown, r: Record<string, unknown>): Record<string, Cell> {
  switch (b) {
    case 'scenario':
      return { scenario: SCENARIOS[num(r.scenario_id) - 1]?.code ?? null };
    case 'climate_model':
      return { climate_model: CLIMATE_MODELS[num(r.climate_model_id) - 1]?.name ?? null };
    case 'year':
      return { year: num(r.year) };
    case 'state':
      return { state: text(r.state), state_name: text(r.state_name) };
    case 'county':
      return { fips: text(r.fips), county: text(r.county), state: text(r.county_state) };
    case 'from_use':
      return { from_use: useKey(r.from_id) };
    case 'to_use':
      return { to_use: useKey(r.to_id) };
    default:
      return { [b]: text(r[b]) };
  }
}

function what(r: ResolvedPlan): string {
  const names = (ids: number[]) =>
    ids.length === LAND_USES.length
      ? 'any use'
      : ids.map((id) => LAND_USES[id - 1]!.name.toLowerCase()).join(', ');
  if (r.base === 'flow') return `from ${names(r.from)} to ${names(r.to)}`;
  if (r.breakdown.includes('land_use')) return 'land uses';
  return r.items[0]!.name.toLowerCase();
}

/**
 * The figures an answer states beyond the rows: two items side by side give the difference and
 * the ratio (larger over smaller); areas at two or more years give the start, the end and the
 * change between (in percent of the start).
 */
function derivedFigures(
  r: ResolvedPlan,
  rows: Record<string, Cell>[],
  value: 'acres' | 'percent',
): Record<string, number | null> {
  const v = (row: Record<string, Cell>) => num(row[value]);
  const [only, more] = r.breakdown;
  if (only === undefined || more !== undefined) return {};
  if (only === 'year' && r.sort === 'time' && rows.length >= 2) {
    const [start, end] = [v(rows[0]!), v(rows.at(-1)!)];
    return {
      start_value: start,
      end_value: end,
      change: end - start,
      change_pct: start !== 0 ? ((end - start) / start) * 100 : null,
    };
  }
  if (only === 'period' || only === 'year' || rows.length !== 2) return {};
  const [a, b] = [v(rows[0]!), v(rows[1]!)].sort((x, y) => y - x) as [number, number];
  // A ratio of two declines (or of a gain and a decline) means nothing: only of two amounts.
  const amounts = a > 0 && b > 0;
  const out: Record<string, number | null> = {
    difference: a - b,
    ratio: amounts ? a / b : null,
    percent_more: amounts ? ((a - b) / b) * 100 : null,
  };
  // Two scenarios as named ("HM minus LM"): the first named less the second, signed.
  if (only === 'scenario' && r.scenarios.length === 2) {
    const value = (code: string) => v(rows.find((row) => row.scenario === code) ?? {});
    out.first_minus_second = value(r.scenarios[0]!.code) - value(r.scenarios[1]!.code);
  }
  return out;
}

/** Breakdowns that split the land, not the measure: a share of the total sums over them. */
const PLACES: readonly Breakdown[] = [
  'rpa_region',
  'rpa_subregion',
  'census_region',
  'state',
  'county',
];

/**
 * Each row as a share of the whole: the same measure over `within` (the whole US unless named),
 * split only by the breakdowns that are not places, so "Florida's share of the nation's urban
 * land" divides Florida's acres by the nation's, scenario by scenario or year by year.
 */
async function sharesOfTotal(
  ctx: AnalyticsContext,
  r: ResolvedPlan,
  rows: Record<string, Cell>[],
): Promise<Record<string, Cell>[]> {
  const split = r.breakdown.filter((b) => !PLACES.includes(b));
  const whole: ResolvedPlan = {
    ...r,
    unit: 'acres',
    geo: r.within ?? r.geo,
    breakdown: split,
    sort: 'time',
    limit: undefined,
  };
  const q = await runRows(ctx, compilePlan(whole, ctx).fragment);
  // The same key for a raw row of the whole and a result row: the split's cells, in order.
  const key = (cells: (b: Breakdown) => Record<string, Cell>) =>
    JSON.stringify(split.map((b) => COLUMNS[b].map((c) => cells(b)[c] ?? null)));
  const totals = new Map(q.rows.map((row) => [key((b) => keyCells(b, row)), num(row.acres)]));
  const shares = rows.map((row) => {
    const base = totals.get(key(() => row)) ?? 0;
    return { ...row, percent: base !== 0 ? (100 * num(row.acres)) / base : null, base_acres: base };
  });
  if (r.sort === 'time') return shares;
  const sign = r.sort === 'asc' ? 1 : -1;
  // By the percent as shown (to the cent), ties keeping the query's order (see compile.ts).
  const shown = (row: Record<string, Cell>) => Math.round(num(row.percent) * 100) / 100;
  return shares.sort((a, b) => sign * (shown(a) - shown(b)));
}

/**
 * Runs a query plan: resolves it, compiles it to one parameterized query, and returns the
 * AnalyticsResult every entry point shares, with the plan it ran (defaults filled in).
 */
export async function runPlan(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const r = resolvePlan(ctx, parse(queryPlanSchema, input));
  const compiled = compilePlan(r, ctx);
  const q = await runRows(ctx, compiled.fragment);
  let rows = q.rows.map((row) => {
    const out: Record<string, Cell> = {};
    for (const b of r.breakdown) Object.assign(out, keyCells(b, row));
    out.acres = num(row.acres);
    if (r.unit === 'percent') {
      out.percent = row.percent === null || row.percent === undefined ? null : num(row.percent);
      out.base_acres = num(row.base_acres);
    }
    return out;
  });
  if (r.unit === 'share_of_total') rows = await sharesOfTotal(ctx, r, rows);
  const columns = [
    ...new Set(r.breakdown.flatMap((b) => COLUMNS[b])),
    ...(r.unit === 'acres' ? ['acres'] : ['percent', 'acres', 'base_acres']),
  ];
  const value = r.unit === 'acres' ? 'acres' : 'percent';
  const point = r.base === 'area' && r.year !== undefined;
  const years: AnalyticsResult['years'] = point
    ? { start: r.year!, end: r.year!, kind: 'point' }
    : r.base === 'area'
      ? {
          start: r.years[0] ?? r.horizon.start,
          end: r.years.at(-1) ?? r.horizon.end,
          kind: 'series',
        }
      : { ...r.horizon, kind: 'horizon' };
  const label = (row: Record<string, Cell>) =>
    r.breakdown.map((b) => COLUMNS[b].map((c) => row[c]).filter((v) => v !== null)[0]).join(' / ');
  const notes = [...r.notes];
  // A limit may cut scenarios off; only a whole list shows that one is absent from the data.
  if (r.breakdown.includes('scenario') && (r.limit === undefined || rows.length < r.limit)) {
    const missing = r.scenarios.filter((s) => !rows.some((row) => row.scenario === s.code));
    if (missing.length > 0) {
      notes.push(`The database holds no rows for ${missing.map((s) => s.code).join(', ')}.`);
    }
  }
  const first = rows[0];
  const whole = r.within ? ` as a share of ${r.within.label}` : '';
  const by = r.breakdown.length > 0 ? ` by ${r.breakdown.join(' and ').replaceAll('_', ' ')}` : '';
  return result(ctx, {
    title: `${LABELS[r.measure]} (${what(r)}) in ${r.geo.label}${whole}, ${yearsLabel(years)} (${r.scenarios.map((s) => s.code).join(', ')})${by}`,
    columns,
    rows,
    units: {
      acres: 'acres',
      ...(r.unit === 'percent'
        ? {
            percent: r.base === 'area' ? 'percent of all land' : 'percent of the area at the start',
            base_acres: 'acres',
          }
        : {}),
      ...(r.unit === 'share_of_total'
        ? { percent: `percent of the total of ${r.within!.label}`, base_acres: 'acres' }
        : {}),
    },
    scenarios: r.scenarios,
    years,
    geography: r.geo,
    figures: {
      measure: r.measure,
      unit: r.unit,
      rows: rows.length,
      value: rows.length === 1 ? (first?.[value] ?? null) : null,
      top: rows.length > 1 && first ? label(first) : null,
      top_value: rows.length > 1 ? (first?.[value] ?? null) : null,
      ...derivedFigures(r, rows, value),
    },
    sql: q.sql,
    params: q.params,
    notes,
    plan: r.normalized,
  });
}
