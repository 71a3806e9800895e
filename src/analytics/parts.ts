import { AppError, FIRST_YEAR, PERIODS, landUseByKey } from '../domain/index.ts';
import { join, sql, when, type SqlFragment, type SqlValue } from '../data/sql.ts';
import { boundaryWeights, type Geography, type Horizon } from './resolve.ts';

/**
 * Where a query's rows come from. `county`: the fact tables, one row per county. `state` and
 * `nation`: the rollups the load builds (schema.ts), the same acres summed over each state's
 * counties or over all of them, a few tens of thousands of rows against 1.6 M. Every reading here
 * is a sum of acres, so it gives the same figures on each, up to the order of the additions.
 */
export type FactLevel = 'county' | 'state' | 'nation';

/** What a query needs besides its geography: county rows, or rows split by a place. */
interface LevelNeeds {
  /** Split, named or ranked by county: only the facts have counties. */
  counties?: boolean;
  /** Split by state or region (`g.` columns): the states' rollup has them, the nation's not. */
  places?: boolean;
}

/**
 * The smallest source that can answer a query over `geo`: the facts when the database has no
 * rollups or anything needs counties; the nation's rollup for the whole US with no place named
 * or split; else the states' rollup (a region is its states).
 */
export function factLevel(
  ctx: { rollups: boolean },
  geo: Geography,
  needs: LevelNeeds = {},
): FactLevel {
  if (!ctx.rollups || geo.counties.length > 0 || needs.counties) return 'county';
  if (geo.states.length === 0 && !needs.places) return 'nation';
  return 'state';
}

/** The table of each level, for the combined scenarios and for the climate-model runs. */
const FACT_TABLES: Readonly<Record<'combined' | 'runs', Readonly<Record<FactLevel, SqlFragment>>>> =
  {
    combined: {
      county: sql`fact_landuse_transitions`,
      state: sql`agg_transitions_state`,
      nation: sql`agg_transitions_nation`,
    },
    runs: {
      county: sql`fact_landuse_transitions_gcm`,
      state: sql`agg_transitions_gcm_state`,
      nation: sql`agg_transitions_gcm_nation`,
    },
  };

export function factTable(level: FactLevel, runs = false): SqlFragment {
  return FACT_TABLES[runs ? 'runs' : 'combined'][level];
}

/**
 * Where a level's place columns are (state_abbrev, state_name, region, rpa_region, rpa_subregion,
 * as dim_geography names them): on dim_geography as `g` beside the county facts, on the rows
 * themselves in the states' rollup. The nation's rollup has none, and no query asks it for one.
 */
export function placeAlias(level: FactLevel): SqlFragment {
  return level === 'county' ? sql`g` : sql`f`;
}

/**
 * The rows of a level as `f`, with the geography as `g` for the county facts, and dim_time as `t`
 * when the query reads a period's years (`time`); nothing else is joined, so a rollup query reads
 * one small table.
 */
export function factsFrom(
  level: FactLevel,
  options: { runs?: boolean; time?: boolean } = {},
): SqlFragment {
  return sql`${factTable(level, options.runs)} f
  ${when(options.time, sql`JOIN dim_time t USING (time_id)`)}
  ${when(level === 'county', sql`JOIN dim_geography g USING (geography_id)`)}`;
}

/**
 * `column IN ($1, $2, ...)`: each value bound. DuckDB plans an IN of scalars (and prunes row
 * groups by it) better than list_contains over a bound list.
 */
export function inList(column: SqlFragment, values: readonly SqlValue[]): SqlFragment {
  if (values.length === 0) return sql`false`;
  if (values.length === 1) return sql`${column} = ${values[0]!}`;
  return sql`${column} IN (${join(
    values.map((v) => sql`${v}`),
    ', ',
  )})`;
}

/** Rows inside a geography (nothing for the whole nation), on the rows of a level. */
export function geographyFilter(geo: Geography, level: FactLevel): SqlFragment {
  if (geo.counties.length > 0) return sql`AND ${inList(sql`g.fips_code`, geo.counties)}`;
  return when(
    geo.states.length > 0,
    sql`AND ${inList(sql`${placeAlias(level)}.state_abbrev`, geo.states)}`,
  );
}

/** dim_time ids of the periods lying inside a horizon (the table is sorted by them). */
export function periodIds(h: Horizon): number[] {
  return PERIODS.filter((p) => p.start >= h.start && p.end <= h.end).map((p) => p.id);
}

/** Periods lying inside a horizon. */
export function horizonFilter(h: Horizon): SqlFragment {
  return inList(sql`f.time_id`, periodIds(h));
}

const F_FROM = sql`f.from_landuse_id`;
const F_TO = sql`f.to_landuse_id`;

const id = (key: string) => landUseByKey(key)!.id;
export const LAND_USE_IDS = {
  crop: id('crop'),
  pasture: id('pasture'),
  rangeland: id('rangeland'),
  forest: id('forest'),
  urban: id('urban'),
} as const;

const FLOW_METRICS = [
  'urban_expansion',
  'forest_loss',
  'forest_gain',
  'forest_net',
  'ag_loss',
  'crop_loss',
  'pasture_loss',
] as const;
const AREA_METRICS = [
  'crop_area',
  'pasture_area',
  'rangeland_area',
  'forest_area',
  'urban_area',
] as const;
export const METRICS = [...FLOW_METRICS, ...AREA_METRICS] as const;
export type Metric = (typeof METRICS)[number];
type FlowMetric = (typeof FLOW_METRICS)[number];

export const METRIC_LABELS: Readonly<Record<Metric, string>> = {
  urban_expansion: 'Urban expansion',
  forest_loss: 'Forest loss',
  forest_gain: 'Forest gain',
  forest_net: 'Net forest change',
  ag_loss: 'Agricultural land loss',
  crop_loss: 'Cropland loss',
  pasture_loss: 'Pasture loss',
  crop_area: 'Cropland area',
  pasture_area: 'Pasture area',
  rangeland_area: 'Rangeland area',
  forest_area: 'Forest area',
  urban_area: 'Urban area',
};

function isFlowMetric(m: Metric): m is FlowMetric {
  return (FLOW_METRICS as readonly string[]).includes(m);
}

/** Acres leaving `group` (from in group, to outside it): loss. */
export function leaving(group: number[]): SqlFragment {
  return sql`${inList(F_FROM, group)} AND NOT ${inList(F_TO, group)}`;
}
/** Acres entering `group` (to in group, from outside it): gain. */
export function entering(group: number[]): SqlFragment {
  return sql`${inList(F_TO, group)} AND NOT ${inList(F_FROM, group)}`;
}
/** Acres whose to-use is in `group`. */
export function into(group: number[]): SqlFragment {
  return inList(F_TO, group);
}
/** Acres whose from-use is in `group`. */
export function outOf(group: number[]): SqlFragment {
  return inList(F_FROM, group);
}

const FLOW_CONDITIONS: Readonly<Record<Exclude<FlowMetric, 'forest_net'>, SqlFragment>> = {
  urban_expansion: entering([LAND_USE_IDS.urban]),
  forest_loss: leaving([LAND_USE_IDS.forest]),
  forest_gain: entering([LAND_USE_IDS.forest]),
  ag_loss: leaving([LAND_USE_IDS.crop, LAND_USE_IDS.pasture]),
  crop_loss: leaving([LAND_USE_IDS.crop]),
  pasture_loss: leaving([LAND_USE_IDS.pasture]),
};

interface MetricSql {
  /** An aggregate over the rows in `where`: the metric's value in acres. */
  value: SqlFragment;
  /** The periods the metric needs (put in the WHERE clause). */
  where: SqlFragment;
  years: { start: number; end: number; kind: 'horizon' | 'point' };
}

/**
 * A metric as SQL, by DATA.md's conventions: flows sum the acres of the periods inside the
 * horizon; areas are the area at a year (from-sums at 2012, to-sums at a period end, linear
 * interpolation inside a period).
 */
export function metricSql(metric: Metric, horizon: Horizon, year: number): MetricSql {
  if (metric === 'forest_net') {
    return {
      value: sql`coalesce(${netChange([LAND_USE_IDS.forest])}, 0)`,
      where: horizonFilter(horizon),
      years: { ...horizon, kind: 'horizon' },
    };
  }
  if (isFlowMetric(metric)) {
    return {
      value: sql`coalesce(sum(f.acres) FILTER (WHERE ${FLOW_CONDITIONS[metric]}), 0)`,
      where: horizonFilter(horizon),
      years: { ...horizon, kind: 'horizon' },
    };
  }
  const landUse = landUseByKey(metric.replace('_area', ''));
  if (!landUse) throw new AppError('bad_request:unknown_metric', `Unknown metric ${metric}.`);
  return areaAt(landUse.id, year);
}

/** Net change of `group` as an aggregate (gain - loss): moves inside the group cancel out. */
export function netChange(group: number[]): SqlFragment {
  return sql`sum(CASE WHEN ${entering(group)} THEN f.acres WHEN ${leaving(group)} THEN -f.acres ELSE 0 END)`;
}

/**
 * Where the area at a year is read (DATA.md): 2012 is the from-side of 2012-2020, any other
 * boundary the to-side of the period ending there, and a year inside a period both boundaries
 * around it, weighted linearly. Each row: the period's dim_time id, the side, the weight.
 */
export interface BoundaryRow {
  timeId: number;
  toSide: boolean;
  weight: number;
}

/** The rows of facts that give the area at `year`, and their weights. */
export function boundaryRows(year: number): BoundaryRow[] {
  const { y0, y1, w0, w1 } = boundaryWeights(year);
  const at = (b: number, weight: number): BoundaryRow =>
    b === FIRST_YEAR
      ? { timeId: PERIODS.find((p) => p.start === b)!.id, toSide: false, weight }
      : { timeId: PERIODS.find((p) => p.end === b)!.id, toSide: true, weight };
  return y0 === y1 ? [at(y0, w0)] : [at(y0, w0), at(y1, w1)];
}

/** Area of one land use at a year, as an aggregate, and the periods it reads. */
export function areaAt(landUseId: number, year: number): MetricSql {
  const rows = boundaryRows(year);
  const cases = rows.map(
    (r) =>
      sql`CASE WHEN f.time_id = ${r.timeId} AND ${r.toSide ? F_TO : F_FROM} = ${landUseId} THEN ${r.weight} ELSE 0 END`,
  );
  return {
    value: sql`coalesce(sum(f.acres * (${cases.reduce((a, b) => sql`${a} + ${b}`)})), 0)`,
    where: inList(sql`f.time_id`, [...new Set(rows.map((r) => r.timeId))]),
    years: { start: year, end: year, kind: 'point' },
  };
}
