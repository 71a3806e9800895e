/**
 * The one compiler from a resolved query plan to SQL. Every measure is an aggregate over the
 * fact rows of one source (the combined scenarios, or the climate-model runs), grouped by the
 * breakdown's keys; DATA.md's readings come from parts.ts (flows over the periods of a horizon,
 * areas at period boundaries with interpolation inside a period).
 */
import { PERIODS, SCENARIOS } from '../domain/index.ts';
import { join, sql, when, type SqlFragment } from '../data/sql.ts';
import {
  boundaryRows,
  entering,
  factLevel,
  factTable,
  geographyFilter,
  inList,
  into,
  leaving,
  netChange,
  outOf,
  periodIds,
  type BoundaryRow,
  type FactLevel,
} from './parts.ts';
import type { Breakdown, ResolvedPlan, UseItem } from './plan.ts';

/** The SQL of a plan and the result columns it yields, keys first, in breakdown order. */
export interface CompiledPlan {
  fragment: SqlFragment;
  /** Column aliases the SQL returns, per breakdown (`state` gives state and state_name ...). */
  keyColumns: string[];
  valueColumns: string[];
}

type KeyedBreakdown = Exclude<Breakdown, 'land_use'>;

type Keys = Readonly<
  Record<KeyedBreakdown, { select: SqlFragment; group: SqlFragment; columns: string[] }>
>;

/**
 * Each breakdown's select list and group key, with the place columns on `g` (dim_geography, for
 * the county facts) or on the rows themselves (the states' rollup); identifiers are fixed text,
 * never input.
 */
const keysOn = (g: SqlFragment): Keys => ({
  scenario: {
    select: sql`f.scenario_id AS scenario_id`,
    group: sql`f.scenario_id`,
    columns: ['scenario_id'],
  },
  climate_model: {
    select: sql`f.climate_model_id AS climate_model_id`,
    group: sql`f.climate_model_id`,
    columns: ['climate_model_id'],
  },
  period: { select: sql`t.year_range AS period`, group: sql`t.year_range`, columns: ['period'] },
  year: { select: sql`y.year AS year`, group: sql`y.year`, columns: ['year'] },
  rpa_region: {
    select: sql`${g}.rpa_region AS rpa_region`,
    group: sql`${g}.rpa_region`,
    columns: ['rpa_region'],
  },
  rpa_subregion: {
    select: sql`${g}.rpa_subregion AS rpa_subregion`,
    group: sql`${g}.rpa_subregion`,
    columns: ['rpa_subregion'],
  },
  census_region: {
    select: sql`${g}.region AS census_region`,
    group: sql`${g}.region`,
    columns: ['census_region'],
  },
  state: {
    select: sql`${g}.state_abbrev AS state, any_value(${g}.state_name) AS state_name`,
    group: sql`${g}.state_abbrev`,
    columns: ['state', 'state_name'],
  },
  county: {
    select: sql`g.fips_code AS fips, any_value(g.county_name) AS county, any_value(g.state_abbrev) AS county_state`,
    group: sql`g.fips_code`,
    columns: ['fips', 'county', 'county_state'],
  },
  from_use: {
    select: sql`f.from_landuse_id AS from_id`,
    group: sql`f.from_landuse_id`,
    columns: ['from_id'],
  },
  to_use: {
    select: sql`f.to_landuse_id AS to_id`,
    group: sql`f.to_landuse_id`,
    columns: ['to_id'],
  },
});
const KEYS = { county: keysOn(sql`g`), state: keysOn(sql`f`) } as const;

/** The key a breakdown sorts by (land_use keeps the order the uses were listed in). */
const ORDER_BY: Readonly<Record<Breakdown, SqlFragment>> = {
  scenario: sql`scenario_id`,
  climate_model: sql`climate_model_id`,
  period: sql`period`,
  year: sql`year`,
  rpa_region: sql`rpa_region`,
  rpa_subregion: sql`rpa_subregion`,
  census_region: sql`census_region`,
  state: sql`state`,
  county: sql`fips`,
  land_use: sql`item`,
  from_use: sql`from_id`,
  to_use: sql`to_id`,
};

/** The place columns of each level's rows, as a list (the nation's rollup has none). */
const PLACE_COLUMNS: Readonly<Record<FactLevel, (alias: SqlFragment) => SqlFragment>> = {
  county: (a) => sql`${a}geography_id, `,
  state: (a) =>
    sql`${a}state_abbrev, ${a}state_name, ${a}region, ${a}rpa_region, ${a}rpa_subregion, `,
  nation: () => sql``,
};

/**
 * The facts a plan reads, at a level (the county facts or a rollup). A climate_model breakdown
 * reads the 20 runs; a pathway is its runs as they are, and OVERALL for one model is the mean
 * over that model's pathways (so the mean over models of it is the combined OVERALL, the mean
 * over all runs).
 */
function source(r: ResolvedPlan, timeIds: number[], level: FactLevel): SqlFragment {
  if (!r.breakdown.includes('climate_model')) return factTable(level);
  const runs = factTable(level, true);
  const place = PLACE_COLUMNS[level];
  const pathways = r.scenarios.filter((s) => s.code !== 'OVERALL').map((s) => s.id);
  const parts: SqlFragment[] = [];
  if (pathways.length > 0) {
    parts.push(sql`SELECT climate_model_id, scenario_id, time_id, ${place(sql``)}from_landuse_id, to_landuse_id, acres
      FROM ${runs}
      WHERE ${inList(sql`scenario_id`, pathways)} AND ${inList(sql`time_id`, timeIds)}`);
  }
  if (r.scenarios.some((s) => s.code === 'OVERALL')) {
    // The pathways each model has: the same on every level, so the nation's rollup counts them.
    const counted = factTable(level === 'county' ? 'county' : 'nation', true);
    parts.push(sql`SELECT r.climate_model_id, ${SCENARIOS[0]!.id} AS scenario_id, r.time_id, ${place(sql`r.`)}
        r.from_landuse_id, r.to_landuse_id, r.acres / n.pathways AS acres
      FROM ${runs} r
      JOIN (SELECT climate_model_id, count(DISTINCT scenario_id) AS pathways
            FROM ${counted} WHERE ${inList(sql`time_id`, timeIds)}
            GROUP BY climate_model_id) n USING (climate_model_id)
      WHERE ${inList(sql`r.time_id`, timeIds)}`);
  }
  return sql`(${join(parts, ' UNION ALL ')})`;
}

/** Breakdowns that read a place's `g.` columns. */
const PLACE_BREAKDOWNS: readonly Breakdown[] = [
  'rpa_region',
  'rpa_subregion',
  'census_region',
  'state',
];

/** The level a plan reads: a rollup unless it needs counties (or the database has none). */
export function planLevel(r: ResolvedPlan, rollups: boolean): FactLevel {
  return factLevel({ rollups }, r.geo, {
    counties: r.breakdown.includes('county'),
    places: r.breakdown.some((b) => PLACE_BREAKDOWNS.includes(b)),
  });
}

/** The year table of an area: (year shown, period, side, weight) rows, bound values. */
function yearTable(r: ResolvedPlan): {
  rows: (BoundaryRow & { year: number })[];
  fragment: SqlFragment;
} {
  const years = r.year !== undefined ? [r.year] : r.years;
  const rows = years.flatMap((year) => boundaryRows(year).map((b) => ({ ...b, year })));
  const values = rows.map(
    (b) => sql`(${b.year}, ${b.timeId}, ${b.toSide}, CAST(${b.weight} AS DOUBLE))`,
  );
  return {
    rows,
    fragment: sql`(VALUES ${join(values, ', ')}) AS y(year, time_id, to_side, weight)`,
  };
}

/** The use a row stands for at a boundary: its to-use at a period end, its from-use at 2012. */
const USE_AT = sql`(CASE WHEN y.to_side THEN f.to_landuse_id ELSE f.from_landuse_id END)`;

/**
 * The value in acres of one item, and the base a percent divides it by: for an area, all land
 * in the group; for a change, the area at the start of the horizon (of each period when broken
 * down by period), read as DATA.md's "area at the start of a period": from-sums in its first period.
 */
function measure(
  r: ResolvedPlan,
  item: UseItem | undefined,
): { acres: SqlFragment; base: SqlFragment; rows?: SqlFragment } {
  const ids = item?.ids ?? [];
  // The horizon's first period (by its dim_time id, so that no query joins dim_time for it).
  const first = r.breakdown.includes('period')
    ? sql`true`
    : inList(
        sql`f.time_id`,
        PERIODS.filter((p) => p.start === r.horizon.start).map((p) => p.id),
      );
  const startArea = (group: number[]) =>
    sql`sum(f.acres) FILTER (WHERE ${outOf(group)} AND ${first})`;
  switch (r.base) {
    case 'area':
      return {
        acres: sql`sum(f.acres * y.weight) FILTER (WHERE ${inList(USE_AT, ids)})`,
        base: sql`sum(f.acres * y.weight)`,
      };
    case 'gain':
      return flowOf(entering(ids), startArea(ids));
    case 'loss':
      return flowOf(leaving(ids), startArea(ids));
    case 'change':
      return { acres: netChange(ids), base: startArea(ids) };
    case 'flow':
      return flowOf(
        sql`${outOf(r.from)} AND ${into(r.to)} AND f.from_landuse_id <> f.to_landuse_id`,
        startArea(r.from),
      );
  }
}

/** A sum of the acres meeting `rows`; broken down by from/to use, only those rows form groups. */
function flowOf(rows: SqlFragment, base: SqlFragment) {
  return { acres: sql`sum(f.acres) FILTER (WHERE ${rows})`, base, rows };
}

/**
 * Compiles a resolved plan to one parameterized query: one grouped SELECT per use item (a
 * single one unless broken down by land_use), stacked, then sorted and limited. Values are bound;
 * every identifier is fixed text chosen from the closed lists above. With `rollups` it reads the
 * states' or the nation's rollup whenever nothing needs counties (planLevel).
 */
export function compilePlan(r: ResolvedPlan, options: { rollups: boolean }): CompiledPlan {
  const level = planLevel(r, options.rollups);
  const area = r.base === 'area';
  const years = area ? yearTable(r) : undefined;
  const timeIds = years ? [...new Set(years.rows.map((b) => b.timeId))] : periodIds(r.horizon);
  const keyed = r.breakdown.filter((b): b is KeyedBreakdown => b !== 'land_use');
  const byUse = r.breakdown.includes('land_use');
  const items: (UseItem | undefined)[] = r.base === 'flow' ? [undefined] : r.items;
  const percent = r.unit === 'percent';
  // Grouped by from/to use, a pair that never meets the measure is no row rather than a zero.
  const byPair = r.breakdown.includes('from_use') || r.breakdown.includes('to_use');
  const on = KEYS[level === 'county' ? 'county' : 'state'];
  const selects = items.map((item, i) => {
    const m = measure(r, item);
    const keys = keyed.map((b) => on[b].select);
    if (byUse) keys.push(sql`${item!.key} AS land_use`, sql`${i} AS item`);
    const values = [sql`coalesce(${m.acres}, 0) AS acres`];
    if (percent) values.push(sql`${m.base} AS base_acres`);
    return sql`SELECT ${join([...keys, ...values], ', ')}
      FROM ${source(r, timeIds, level)} f
        ${when(r.breakdown.includes('period'), sql`JOIN dim_time t ON t.time_id = f.time_id`)}
        ${when(level === 'county', sql`JOIN dim_geography g ON g.geography_id = f.geography_id`)}
        ${years ? sql`JOIN ${years.fragment} ON y.time_id = f.time_id` : sql``}
      WHERE ${inList(
        sql`f.scenario_id`,
        r.scenarios.map((s) => s.id),
      )}
        AND ${inList(sql`f.time_id`, timeIds)} ${geographyFilter(r.geo, level)}
        ${byPair && m.rows ? sql`AND ${m.rows}` : sql``}
      ${
        keyed.length > 0
          ? sql`GROUP BY ${join(
              keyed.map((b) => on[b].group),
              ', ',
            )}`
          : sql``
      }`;
  });
  // Ranked by the value as results show it (to the cent), then by the keys: values that are
  // equal but for the order of the additions (every scenario's area in 2020, say) tie the same
  // way on the facts and on a rollup.
  const value = percent ? sql`round(percent, 2)` : sql`round(acres, 2)`;
  const keyOrder = r.breakdown.map((b) => ORDER_BY[b]);
  const order =
    r.sort === 'time'
      ? keyOrder
      : [
          r.sort === 'asc' ? sql`${value} ASC NULLS LAST` : sql`${value} DESC NULLS LAST`,
          ...keyOrder,
        ];
  const fragment = sql`SELECT *${percent ? sql`, 100 * acres / nullif(base_acres, 0) AS percent` : sql``}
    FROM (${join(selects, ' UNION ALL ')}) q
    ${order.length > 0 ? sql`ORDER BY ${join(order, ', ')}` : sql``}
    ${r.limit !== undefined ? sql`LIMIT ${r.limit}` : sql``}`;
  return {
    fragment,
    keyColumns: r.breakdown.flatMap((b) => (b === 'land_use' ? ['land_use'] : on[b].columns)),
    valueColumns: percent ? ['percent', 'acres', 'base_acres'] : ['acres'],
  };
}
