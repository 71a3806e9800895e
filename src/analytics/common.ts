import { z } from 'zod';
import { AppError, type Scenario } from '../domain/index.ts';
import type { AnalyticsContext } from './context.ts';
import { METRICS } from './parts.ts';
import type { Geography } from './resolve.ts';
import type { AnalyticsResult, Cell } from './result.ts';

/** Parameter schemas shared by the domain queries (and so by the agent's tools and the API). */
export const params = {
  states: z
    .array(z.string().min(1).max(60))
    .max(60)
    .optional()
    .describe(
      'States (names or two-letter codes) or regions (RPA or Census); omit for the whole US',
    ),
  county: z
    .string()
    .min(1)
    .max(80)
    .optional()
    .describe('A county: "Orange County, FL" or a FIPS code'),
  scenario: z
    .string()
    .max(40)
    .optional()
    .describe('OVERALL (default, the ensemble mean), LM, HM, HL or HH, or a name/RCP/SSP'),
  scenarios: z
    .array(z.string().max(40))
    .max(10)
    .optional()
    .describe('Scenarios to compare; omit for all five'),
  year: z
    .number()
    .int()
    .optional()
    .describe('A year 2012-2070: a point in time for areas, a horizon end for flows'),
  year_range: z
    .string()
    .max(20)
    .optional()
    .describe('Years of a change, like "2020-2050" (default 2020-2070)'),
  land_use: z.string().max(30).optional().describe('crop, pasture, rangeland, forest or urban'),
  metric: z.enum(METRICS).describe('What to measure'),
  limit: z.number().int().min(1).max(500).optional().describe('How many rows (default 10)'),
};

/** Parses a query's input with its schema; a bad field is a 400-style error naming it. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'input';
  throw new AppError('bad_request:invalid_params', `Invalid ${field}: ${issue.message}.`, {
    details: { field },
  });
}

export const DEMO_NOTE =
  'Demo data: modelled values for the real counties, not the RPA projections.';

/** Assembles a result with the notes every answer carries (scenario, years, demo data). */
export function result(
  ctx: AnalyticsContext,
  r: Omit<AnalyticsResult, 'notes' | 'scenario' | 'geography'> & {
    scenarios: readonly Scenario[];
    geography: Geography;
    notes?: string[];
  },
): AnalyticsResult {
  const notes = [...(r.notes ?? [])];
  if (ctx.dataset === 'demo') notes.push(DEMO_NOTE);
  const { scenarios, ...rest } = r;
  return {
    ...rest,
    rows: r.rows.map((row) => roundRow(row)),
    scenario: scenarios.map((s) => s.code),
    geography: { ...r.geography },
    notes,
  };
}

function roundRow(row: Record<string, Cell>): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'number' ? Math.round(v * 100) / 100 : v;
  }
  return out;
}

/** "2020-2070" or "2040". */
export function yearsLabel(y: { start: number; end: number }): string {
  return y.start === y.end ? String(y.start) : `${y.start}-${y.end}`;
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : (100 * part) / whole;
