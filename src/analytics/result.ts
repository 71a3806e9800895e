import type { QueryPlan } from './plan.ts';

/** A cell of a result row: text, a number (acres, percent, rank) or nothing. */
export type Cell = string | number | null;

/**
 * What every domain query returns: one shape shared by the agent's tools, the HTTP routes, the
 * dashboard and the exports. Rows are keyed by `columns`; areas are in acres.
 */
export interface AnalyticsResult {
  title: string;
  columns: string[];
  rows: Record<string, Cell>[];
  /** Unit of each numeric column, e.g. {acres: 'acres', share_pct: 'percent'}. */
  units: Record<string, string>;
  /** The scenario(s) the numbers are for, as RPA codes (OVERALL, LM, ...). */
  scenario: string[];
  /** The years: a horizon [start, end] for flows, or a point in time [year, year] for areas. */
  years: { start: number; end: number; kind: 'horizon' | 'point' | 'series' };
  geography: { label: string; level: GeographyLevel; states: string[]; counties: string[] };
  /** Headline numbers for narration (total, net, percent change ...), in the units named. */
  figures: Record<string, number | string | null>;
  sql: string;
  params: unknown[];
  notes: string[];
  /** The query plan that produced the result, defaults filled in (results of runPlan only). */
  plan?: QueryPlan;
}

export type GeographyLevel = 'nation' | 'region' | 'states' | 'county';
