import { PERIODS, RPA_REGIONS, RUN_NAMES, type Period } from '../../domain/index.ts';
import { conterminousCounties, type County } from '../counties.ts';
import { smoothField } from './field.ts';
import { initialAreas, metroField, profileKey } from './initial.ts';
import { createRng, deriveSeed } from './rng.ts';
import { stepPeriod, type StepContext } from './step.ts';
import { planRuns } from './targets.ts';

/** Options of the demo generator. */
export interface DemoOptions {
  /** Seed of every random draw; the same seed gives the same numbers. Default 42. */
  seed?: number;
  /** Keep only this many counties (a spread-out subset); default all 3,108. */
  counties?: number;
}

/** Demo land use transitions for every run, period and county, in the raw file's units. */
export interface DemoDataset {
  /** The counties written (all 3,108, or a subset), FIPS order. */
  counties: County[];
  /** The 20 run names, RUN_NAMES order. */
  runs: string[];
  /** The 6 PERIODS. */
  periods: Period[];
  /**
   * flows[((r * P + p) * N + c) * 25 + from * 5 + to], in HUNDREDS of acres, uses in
   * LAND_USE_CODES order (cr ps rg fr ur).
   */
  flows: Float64Array;
}

/** The seed used when none is given. */
export const DEFAULT_SEED = 42;

/**
 * Generates the demo dataset: a Markov chain of land use per county and run, calibrated per RPA
 * region to the published 2020 RPA results (see targets.ts). All conterminous counties are always
 * simulated, so the national and regional totals hold; `counties` only chooses what is returned.
 * Throws when `counties` is not an integer in 1..3,108.
 */
export function generateDemo(options: DemoOptions = {}): DemoDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const all = conterminousCounties();
  const keep = selectCounties(all.length, options.counties);
  const flows = simulate(all, seed);
  const runs = [...RUN_NAMES];
  const periods = [...PERIODS];
  if (keep.length === all.length) return { counties: [...all], runs, periods, flows };

  const n = all.length;
  const m = keep.length;
  const subset = new Float64Array(runs.length * periods.length * m * 25);
  for (let block = 0; block < runs.length * periods.length; block++) {
    for (let j = 0; j < m; j++) {
      const from = (block * n + keep[j]!) * 25;
      subset.set(flows.subarray(from, from + 25), (block * m + j) * 25);
    }
  }
  return { counties: keep.map((i) => all[i]!), runs, periods, flows: subset };
}

/**
 * Indexes of `wanted` counties out of `total`, evenly spaced in FIPS order. FIPS order is state
 * order, so an even stride reaches every state that has at least a stride's worth of counties.
 */
function selectCounties(total: number, wanted: number | undefined): number[] {
  if (wanted === undefined) return Array.from({ length: total }, (_, i) => i);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > total) {
    throw new Error(`counties must be an integer from 1 to ${total}, got ${wanted}`);
  }
  return Array.from({ length: wanted }, (_, i) => Math.floor((i * total) / wanted));
}

/** Runs the model for all counties and returns the full flows array. */
function simulate(counties: readonly County[], seed: number): Float64Array {
  const n = counties.length;
  const ctx = stepContext(counties, seed);
  const plans = planRuns(seed);
  const runCount = plans.length;
  const periodCount = PERIODS.length;
  const block = n * 25;
  const flows = new Float64Array(runCount * periodCount * block);

  // 2012-2020 is history: identical in every run, so it is computed once and copied.
  const history = new Float64Array(block);
  const start = initialAreas(counties, seed);
  const in2020 = stepPeriod(ctx, start, plans[0]!.periods[0]!, PERIODS[0]!.length, history, 0);
  for (let r = 0; r < runCount; r++) {
    flows.set(history, r * periodCount * block);
    let areas = in2020;
    for (let p = 1; p < periodCount; p++) {
      const offset = (r * periodCount + p) * block;
      areas = stepPeriod(ctx, areas, plans[r]!.periods[p]!, PERIODS[p]!.length, flows, offset);
    }
  }
  return flows;
}

/** The fixed county attributes of the step: regions, western grazing, growth and churn fields. */
function stepContext(counties: readonly County[], seed: number): StepContext {
  const n = counties.length;
  const rng = createRng(deriveSeed(seed, 'context'));
  const growthField = smoothField(counties, rng, 2);
  const churnField = smoothField(counties, rng, 2);
  const metro = metroField(counties);
  const west = new Uint8Array(n);
  const growth = new Float64Array(n);
  const churn = new Float64Array(n);
  const lists: number[][] = RPA_REGIONS.map(() => []);
  for (let c = 0; c < n; c++) {
    const county = counties[c]!;
    const g = RPA_REGIONS.indexOf(county.state.rpaRegion);
    lists[g]!.push(c);
    west[c] = g >= 2 || profileKey(county) === 'Southern Plains' ? 1 : 0;
    // Metros and their suburbs grow faster than their urban land alone would say.
    growth[c] = Math.exp(0.2 * growthField[c]!) * (1 + metro[c]!);
    // Bounded so no rural exchange rate ever approaches the land available.
    churn[c] = Math.min(3, Math.exp(0.3 * churnField[c]!));
  }
  return { n, west, growth, churn, members: lists.map((l) => Int32Array.from(l)) };
}
