import type { Table } from '../api.ts';

export type ChartKind = 'bar' | 'line' | 'grouped' | 'map' | 'table';

/** Columns that hold numbers but are labels or positions, not measures. */
const NOT_MEASURES = new Set(['rank', 'year', 'fips', 'start_year', 'end_year', 'scenario_id']);
const LABEL_PREFERENCE = [
  'county_name',
  'state_name',
  'name',
  'county',
  'state',
  'region',
  'scenario',
  'land_use',
  'figure',
];

export interface Shape {
  kinds: ChartKind[];
  best: ChartKind;
  measures: string[];
  labels: string[];
  /** The label column bars are drawn along. */
  label: string | null;
  /** For grouped bars: the second category. */
  group: string | null;
  /** What a map colours by: state codes or county FIPS. */
  geo: { level: 'state' | 'county'; column: string } | null;
}

const distinct = (t: Table, c: string) => new Set(t.rows.map((r) => r[c])).size;

/**
 * True when two columns cross (scenario x state), false when one follows from the other
 * (scenario -> rcp, ssp, scenario_name): more distinct pairs than values on either side.
 */
const crosses = (t: Table, a: string, b: string) =>
  new Set(t.rows.map((r) => JSON.stringify([r[a], r[b]]))).size >
  Math.max(distinct(t, a), distinct(t, b));

/** Which charts a table can be drawn as, and the best one: bars for rankings, lines over years, grouped bars for scenario x something. */
export function shapeOf(t: Table): Shape {
  const none: Shape = {
    kinds: ['table'],
    best: 'table',
    measures: [],
    labels: [],
    label: null,
    group: null,
    geo: null,
  };
  if (t.rows.length < 2 || t.title.startsWith('Key figures')) return none;
  const measures = t.columns.filter(
    (c) =>
      !NOT_MEASURES.has(c) &&
      t.rows.every((r) => r[c] === null || typeof r[c] === 'number') &&
      t.rows.some((r) => typeof r[c] === 'number'),
  );
  const labels = t.columns.filter((c) => t.rows.some((r) => typeof r[c] === 'string'));
  if (measures.length === 0) return none;
  const kinds: ChartKind[] = [];
  let best: ChartKind = 'table';
  const years = t.columns.includes('year') && distinct(t, 'year') > 1;
  const label = LABEL_PREFERENCE.find((c) => labels.includes(c)) ?? labels[0] ?? null;
  const varying = labels.filter((c) => distinct(t, c) > 1);
  // A second category that crosses the scenarios (not one of the scenario's own attributes).
  const across = varying.includes('scenario')
    ? (varying.find((c) => c !== 'scenario' && crosses(t, 'scenario', c)) ?? null)
    : null;
  const group = across ? 'scenario' : null;
  if (years) {
    kinds.push('line');
    best = 'line';
  }
  if (label) {
    kinds.push('bar');
    if (best === 'table') best = 'bar';
  }
  if (group && label) {
    kinds.push('grouped');
    if (!years) best = 'grouped';
  }
  let geo: Shape['geo'] = null;
  if (t.columns.includes('fips') && t.rows.every((r) => /^\d{5}$/.test(String(r.fips as string))))
    geo = { level: 'county', column: 'fips' };
  else if (
    t.columns.includes('state') &&
    t.rows.every((r) => /^[A-Z]{2}$/.test(String(r.state as string)))
  )
    geo = { level: 'state', column: 'state' };
  if (geo && !years && !group) kinds.push('map');
  kinds.push('table');
  return {
    kinds,
    best,
    measures,
    labels,
    label: group && label === 'scenario' ? (across ?? label) : label,
    group,
    geo,
  };
}

/** The measure a bar or map shows: `value`, `acres`, or the first numeric column. */
export function mainMeasure(s: Shape): string | undefined {
  return (
    s.measures.find((m) => m === 'value') ?? s.measures.find((m) => m === 'acres') ?? s.measures[0]
  );
}
