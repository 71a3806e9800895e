import { z } from 'zod';
import {
  AppError,
  PERIODS,
  PROJECTION_START,
  type LandUse,
  type Period,
  type Scenario,
} from '../../domain/index.ts';
import type { AnalyticsContext } from '../context.ts';
import {
  resolveGeography,
  resolveHorizon,
  resolveLandUse,
  resolveScenarios,
  type Geography,
} from '../resolve.ts';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'xlsx', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_LEVELS = ['county', 'state'] as const;
export type ExportLevel = (typeof EXPORT_LEVELS)[number];

/** A comma-separated list as one query-string value (`states=TX,CA`). */
const list = (what: string) =>
  z.string().max(2000).optional().describe(`Comma-separated ${what}; omit for all`);

/**
 * The export's parameters, shaped for a query string (`GET /api/export?format=csv&states=TX,CA`):
 * one schema for the route, the CLI and the TypeScript type.
 */
export const exportParams = z.object({
  format: z
    .enum(EXPORT_FORMATS, { error: () => `must be one of ${EXPORT_FORMATS.join(', ')}` })
    .describe('File format: csv, json, ndjson, xlsx or parquet'),
  states: list('states (names or two-letter codes) or regions (RPA or Census)'),
  scenarios: list('scenarios: OVERALL, LM, HM, HL, HH, or names like "RCP8.5"'),
  year_range: list('years like "2020-2050" (whole periods), or periods like "2020-2030,2050-2060"'),
  periods: list('the older name of year_range; still accepted'),
  land_use: list(
    'land uses (crop, pasture, rangeland, forest, urban): rows moving from or to any of them',
  ),
  land_uses: list('the older name of land_use; still accepted'),
  level: z
    .enum(EXPORT_LEVELS, { error: () => `must be one of ${EXPORT_LEVELS.join(', ')}` })
    .default('county')
    .describe('county (one row per county) or state (counties summed per state)'),
});
type ExportParams = z.output<typeof exportParams>;

/** What an export holds, every filter resolved to the domain's values (defaults filled in). */
export interface ExportSpec {
  format: ExportFormat;
  level: ExportLevel;
  scenarios: Scenario[];
  /** True when the caller named no scenario (all five). */
  allScenarios: boolean;
  periods: Period[];
  geography: Geography;
  /** Empty = every land use. */
  landUses: LandUse[];
}

/**
 * Checks the raw parameters and resolves every filter with the analytics resolvers, so an
 * unknown state, scenario, period or land use is a `bad_request:*` error that lists the choices
 * (never a silently dropped filter).
 */
export function resolveExport(
  ctx: Pick<AnalyticsContext, 'counties' | 'periods'>,
  input: unknown,
): ExportSpec {
  const p = parseExportParams(input);
  const scenarioTexts = split(p.scenarios);
  const landUses = dedupe(split(p.land_use ?? p.land_uses).map(resolveLandUse), (u) => u.id);
  return {
    format: p.format,
    level: p.level,
    scenarios: resolveScenarios(scenarioTexts),
    allScenarios: scenarioTexts.length === 0,
    periods: resolvePeriods(split(p.year_range ?? p.periods), ctx.periods),
    geography: resolveGeography({ states: split(p.states) }, ctx.counties),
    landUses: landUses.sort((a, b) => a.id - b.id),
  };
}

/** Validates the raw parameters; a bad format is its own error code with the formats listed. */
function parseExportParams(input: unknown): ExportParams {
  const r = exportParams.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'input';
  if (field === 'format') {
    throw new AppError(
      'bad_request:unknown_format',
      `Unknown export format. Choose one of: ${EXPORT_FORMATS.join(', ')}.`,
      { details: { field, choices: [...EXPORT_FORMATS] } },
    );
  }
  throw new AppError('bad_request:invalid_params', `Invalid ${field}: ${issue.message}.`, {
    details: { field, ...(field === 'level' ? { choices: [...EXPORT_LEVELS] } : {}) },
  });
}

/**
 * Period labels ("2020-2030") or spans of whole periods ("2020-2050"), in time order. Without any,
 * the projection periods (2020-2070), the project's default horizon; 2012-2020 only when asked.
 */
function resolvePeriods(
  texts: readonly string[],
  available: readonly { start: number; end: number }[],
): Period[] {
  const inData = PERIODS.filter((p) =>
    available.some((a) => a.start === p.start && a.end === p.end),
  );
  if (texts.length === 0) {
    const projection = inData.filter((p) => p.start >= PROJECTION_START);
    return projection.length > 0 ? projection : inData;
  }
  const choices = inData.map((p) => p.label);
  const chosen = new Set<number>();
  for (const text of texts) {
    let horizon: { start: number; end: number } | undefined;
    try {
      horizon = resolveHorizon(text, undefined, inData);
    } catch {
      horizon = undefined;
    }
    const m = /^\s*(\d{4})\s*(?:-|–|to)\s*(\d{4})\s*$/.exec(text);
    // resolveHorizon narrows a range to the whole periods inside it; an export takes only
    // ranges that are exactly whole periods, so "2025-2040" is an error, not 2030-2040.
    if (!horizon || !m || horizon.start !== Number(m[1]) || horizon.end !== Number(m[2])) {
      throw new AppError(
        'bad_request:unknown_period',
        `Unknown period "${text}". Choose periods from: ${choices.join(', ')} (or a span of them, like "${choices[0] ?? '2020-2030'}").`,
        { details: { field: 'year_range', choices } },
      );
    }
    for (const p of inData) if (p.start >= horizon.start && p.end <= horizon.end) chosen.add(p.id);
  }
  return inData.filter((p) => chosen.has(p.id));
}

function split(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function dedupe<T>(items: T[], key: (t: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}
