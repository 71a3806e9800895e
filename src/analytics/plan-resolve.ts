/**
 * Resolving a query plan: names to the domain's values and every default filled in by DATA.md's
 * conventions, refusing combinations that have no meaning rather than guessing.
 */
import {
  AppError,
  FIRST_YEAR,
  LAND_USES,
  LAST_YEAR,
  PERIOD_BOUNDARIES,
  PROJECTION_START,
  SCENARIOS,
  findLandUseCategory,
  scenarioByCode,
  landUsesInCategory,
  type LandUseCategory,
  type Scenario,
} from '../domain/index.ts';
import type { AnalyticsContext } from './context.ts';
import type { Breakdown, Measure, QueryPlan, ResolvedPlan, UseItem } from './plan.ts';
import {
  resolveCounty,
  resolveGeography,
  resolveHorizon,
  resolveLandUse,
  resolveScenarios,
  resolveYear,
  type Geography,
  type Horizon,
} from './resolve.ts';

function bad(message: string, field = 'plan'): AppError {
  return new AppError('bad_request:invalid_plan', message, { details: { field } });
}

const GROUP_KEYS: Readonly<Record<LandUseCategory, string>> = {
  Agriculture: 'agricultural',
  Natural: 'natural',
  Developed: 'developed',
};

/** "forest", "farmland", "agricultural land": a single use, or a category as a group. */
export function resolveUseItem(text: string): UseItem {
  const category = findLandUseCategory(text);
  if (category && category !== 'Developed') {
    const uses = landUsesInCategory(category);
    return {
      key: GROUP_KEYS[category],
      name: `${category === 'Agriculture' ? 'Agricultural' : 'Natural'} land (${uses.map((u) => u.name.toLowerCase()).join(' and ')})`,
      ids: uses.map((u) => u.id),
    };
  }
  const use = resolveLandUse(category === 'Developed' ? 'urban' : text);
  return { key: use.key, name: use.name, ids: [use.id] };
}

const ALL_USES: UseItem[] = LAND_USES.map((u) => ({ key: u.key, name: u.name, ids: [u.id] }));
const ids = (items: UseItem[]) => [...new Set(items.flatMap((i) => i.ids))].sort((a, b) => a - b);
const complement = (set: number[]) => LAND_USES.map((u) => u.id).filter((id) => !set.includes(id));

const HINTS: Partial<Record<Breakdown, string>> = {
  period: 'use year',
  year: 'use period',
  land_use: 'use from_use or to_use',
};

/** Breakdowns each measure can take: areas are points in time, changes span periods. */
const REFUSED: Readonly<Record<ResolvedPlan['base'], readonly Breakdown[]>> = {
  area: ['period', 'from_use', 'to_use'],
  change: ['year', 'from_use', 'to_use'],
  gain: ['year'],
  loss: ['year'],
  flow: ['year', 'land_use'],
};

/**
 * Resolves a plan's names and fills its defaults by DATA.md's conventions (OVERALL; 2020-2070
 * clipped to the database's periods; areas at 2020 unless a year is named), refusing
 * combinations that have no meaning rather than guessing.
 */
export function resolvePlan(ctx: AnalyticsContext, plan: QueryPlan): ResolvedPlan {
  const notes: string[] = [];
  const alias = plan.measure === 'urban_expansion';
  const measure: Measure = plan.measure === 'urban_expansion' ? 'gain' : plan.measure;
  const uses = alias ? ['urban'] : plan.uses;
  const base = measure === 'share' ? 'area' : measure === 'percent_change' ? 'change' : measure;
  const unit =
    measure === 'share' || measure === 'percent_change' ? 'percent' : (plan.unit ?? 'acres');
  if (
    (measure === 'share' || measure === 'percent_change') &&
    plan.unit &&
    plan.unit !== 'percent'
  ) {
    throw bad(
      `${measure} is a percent; use ${measure === 'share' ? 'area' : 'change'} for ${plan.unit}.`,
      'unit',
    );
  }
  if (plan.within && unit !== 'share_of_total') {
    throw bad('`within` is the whole of a share_of_total; set unit to share_of_total.', 'within');
  }

  const breakdown = [...new Set((plan.breakdown ?? []).filter((b) => b !== 'none'))] as Breakdown[];
  for (const b of breakdown) {
    if (REFUSED[base].includes(b)) {
      const hint = HINTS[b] ?? 'use land_use';
      throw bad(`A ${measure} cannot be broken down by ${b}: ${hint}.`, 'breakdown');
    }
  }
  if (unit === 'percent' && (breakdown.includes('from_use') || breakdown.includes('to_use'))) {
    throw bad(
      'A percent is of the whole group; break it down by land_use, not from_use/to_use.',
      'breakdown',
    );
  }

  // Uses: one group, or one row each with a land_use breakdown.
  let items: UseItem[] = [];
  let from: number[] = [];
  let to: number[] = [];
  if (base === 'flow') {
    if (uses) throw bad('A flow takes `from` and `to`, not `uses`.', 'uses');
    const f = plan.from ? ids(plan.from.map(resolveUseItem)) : undefined;
    const t = plan.to ? ids(plan.to.map(resolveUseItem)) : undefined;
    // A group's flow to "anywhere" means acres leaving the group (DATA.md: agricultural loss).
    from = f ?? (t ? complement(t) : complement([]));
    to = t ?? (f ? complement(f) : complement([]));
  } else {
    if (plan.from || plan.to) throw bad('`from` and `to` are for a flow; use `uses`.', 'from');
    const named = uses?.map(resolveUseItem);
    if (breakdown.includes('land_use')) items = named ?? ALL_USES;
    else if (named) {
      items = [
        named.length === 1
          ? named[0]!
          : {
              key: named.map((i) => i.key).join('+'),
              name: named.map((i) => i.name).join(' and '),
              ids: ids(named),
            },
      ];
    } else if (base === 'area') items = [{ key: 'all', name: 'All land', ids: ids(ALL_USES) }];
    else
      throw bad(
        `Name the land use(s) whose ${measure} to measure, or break down by land_use.`,
        'uses',
      );
  }

  // Years: a horizon for changes, a point (or the boundaries of a series) for areas.
  const horizon = resolvePlanHorizon(ctx, plan, base);
  let year: number | undefined;
  let years: number[] = [];
  if (base === 'area') {
    if (breakdown.includes('year')) {
      years = PERIOD_BOUNDARIES.filter((b) => b >= horizon.start && b <= horizon.end);
    } else {
      year = resolveYear(
        plan.year ?? plan.years?.end ?? plan.years?.start,
        ctx.periods,
        PROJECTION_START,
      );
      if (!PERIOD_BOUNDARIES.includes(year)) {
        notes.push(`${year} lies inside a period: areas are interpolated between its boundaries.`);
      }
    }
  }

  // Scenarios: several are always broken down, never summed.
  const wantsAll = breakdown.includes('scenario');
  const modelled = breakdown.includes('climate_model');
  let scenarios: Scenario[] = plan.scenarios
    ? resolveScenarios(plan.scenarios)
    : wantsAll
      ? modelled
        ? SCENARIOS.slice(1)
        : [...SCENARIOS]
      : [SCENARIOS[0]!];
  if (scenarios.length > 1 && !wantsAll) {
    if (breakdown.length >= 2) {
      throw bad(
        'Several scenarios need a scenario breakdown; drop a breakdown or name one scenario.',
        'scenarios',
      );
    }
    breakdown.unshift('scenario');
    notes.push('Several scenarios were named, so the rows are broken down by scenario.');
  }
  if (modelled && scenarios.some((s) => s.code === 'OVERALL')) {
    notes.push(
      'OVERALL for a climate model is the mean over the pathways (RCP-SSP runs) of that model.',
    );
  }
  // In the order named (a difference reads first minus second); names that cover several
  // pathways ("RCP8.5") keep the canonical order among themselves.
  const named = (plan.scenarios ?? []).map((t) => scenarioByCode(t)?.code);
  const rank = (s: Scenario) => (named.includes(s.code) ? named.indexOf(s.code) : named.length);
  scenarios = SCENARIOS.filter((s) => scenarios.includes(s)).sort((a, b) => rank(a) - rank(b));

  const geo = resolvePlanGeography(ctx, plan);
  const within =
    unit === 'share_of_total' ? resolveGeography({ states: plan.within }, ctx.counties) : undefined;
  const timed = breakdown.includes('period') || breakdown.includes('year');
  const sort = plan.sort ?? (timed ? 'time' : 'desc');
  const limit = plan.limit ?? (breakdown.includes('county') ? 10 : undefined);

  const normalized: QueryPlan = {
    measure,
    ...(base === 'flow'
      ? { from: keysOf(from), to: keysOf(to) }
      : { uses: items.flatMap((i) => (i.key === 'all' ? keysOf(i.ids) : [i.key])) }),
    ...(geo.states.length > 0 && geo.counties.length === 0 ? { states: geo.states } : {}),
    ...(geo.counties.length > 0 ? { counties: geo.counties } : {}),
    breakdown,
    ...(base === 'area' && year !== undefined ? { year } : { years: { ...horizon } }),
    scenarios: scenarios.map((s) => s.code),
    ...(sort === 'time' ? {} : { sort }),
    ...(limit ? { limit } : {}),
    unit,
    ...(within && within.states.length > 0 ? { within: within.states } : {}),
  };
  return {
    measure,
    base,
    unit,
    within,
    items,
    from,
    to,
    geo,
    breakdown,
    horizon,
    year,
    years,
    scenarios,
    sort,
    limit,
    notes,
    normalized,
  };
}

const keysOf = (set: number[]) => set.map((id) => LAND_USES[id - 1]!.key);

/**
 * The horizon: {start, end} (either may be left out: "since 2012", "by 2050"), or a lone `year`
 * for a change meaning 2020..year (DATA.md: a year asked of a flow is a horizon end).
 */
function resolvePlanHorizon(
  ctx: AnalyticsContext,
  plan: QueryPlan,
  base: ResolvedPlan['base'],
): Horizon {
  const y = plan.years;
  if (y?.start !== undefined || y?.end !== undefined) {
    const start = y.start ?? PROJECTION_START;
    const end = y.end ?? LAST_YEAR;
    // Clip to the periods the database holds, so "since 2012" on a 2012-2030 file means 2012-2030.
    const first = ctx.periods[0]?.start ?? FIRST_YEAR;
    const last = ctx.periods.at(-1)?.end ?? LAST_YEAR;
    const clip = (v: number) => Math.min(Math.max(v, first), last);
    if (start > last || end < first) {
      throw new AppError(
        'bad_request:bad_years',
        `Years ${start}-${end} lie outside the data (${first}-${last}).`,
      );
    }
    return resolveHorizon(`${clip(start)}-${clip(end)}`, undefined, ctx.periods);
  }
  if (base !== 'area' && plan.year !== undefined) {
    return resolveHorizon(undefined, plan.year, ctx.periods);
  }
  return resolveHorizon(
    undefined,
    Math.min(LAST_YEAR, ctx.periods.at(-1)?.end ?? LAST_YEAR),
    ctx.periods,
  );
}

/** States and regions through resolveGeography; counties (several) through resolveCounty. */
function resolvePlanGeography(ctx: AnalyticsContext, plan: QueryPlan): Geography {
  const area = resolveGeography({ states: plan.states }, ctx.counties);
  if (!plan.counties?.length) return area;
  // Named states narrow the county lookup: "Orange" with states ["FL"] is Orange County, FL.
  const pool =
    area.states.length > 0
      ? ctx.counties.filter((c) => area.states.includes(c.state))
      : ctx.counties;
  const found = plan.counties.map((c) => resolveCounty(c, pool));
  const unique = [...new Map(found.map((c) => [c.fips, c])).values()];
  return {
    label: unique.map((c) => `${c.name}, ${c.state}`).join('; '),
    level: 'county',
    states: [...new Set(unique.map((c) => c.state))],
    counties: unique.map((c) => c.fips),
  };
}
